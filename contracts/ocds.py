"""Imports contracts from Open Contracting (OCDS 1.1) release packages.

Find a Tender and Contracts Finder publish each notice as a release: `import_release_package()`
reads a release package (`{"releases": [...]}`) or a single release, and creates or updates one
contract per `ocid`. It checks every release, reports every problem with its JSON path (like
`releases[0].tender.value.amount`), and saves in one transaction: a file with any problem saves
nothing at all, and neither does a dry run.

Rules, in short:

- The `ocid` identifies the contract. Importing the same `ocid` again updates the fields the
  file has (never the ones it leaves out) and never makes a second contract. Several releases for
  one `ocid` in a file are applied oldest first, like notices over time.
- The buyer is matched to a public body of the place by identifier (`GB-PPON-…`, `GB-COH-…`),
  then by exact name. An unmatched buyer is an error, unless the importer names the buyer.
- Suppliers on the award are matched by identifier, then by name; unknown ones are registered as
  suppliers, with their size and VCSE status from `parties[].details`.
- The stage follows the notices and only ever moves forward: planning, procurement started
  (a tender), awarded (an award with a supplier), in delivery (an active contract), closed
  (a terminated contract) or cancelled. A contract closed or cancelled here is left alone.
- A contract imported after procurement started has no approved assessment on record, so
  `compliance_for()` records it as non-compliant with section 1 (unless it is out of the Act's
  scope). That is the honest record, and the report says so.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from people.models import Organisation, User
from people.services import organisation_register
from places.models import Place

from .models import Contract, ReportingPeriod
from .services import approved_assessment, compliance_for, quarters

MAX_BYTES = 10 * 1024 * 1024
MAX_RELEASES = 500
MAX_AMOUNT = Decimal("1000000000000")  # the models hold up to 12 digits of pounds
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199
MAX_CONTRACT_YEARS = 50  # reporting periods are quarters: 200 at most
MAX_IDENTIFIERS = 20  # identifiers read for one organisation

Stage = Contract.Stage
TITLE_MAX = Contract._meta.get_field("title").max_length
REFERENCE_MAX = Contract._meta.get_field("reference").max_length
OCID_MAX = Contract._meta.get_field("ocid").max_length
NAME_MAX = Organisation._meta.get_field("name").max_length
IDENTIFIER_MAX = Organisation._meta.get_field("identifier").max_length
CPV_CODE = re.compile(r"^\d{8}(-\d)?$")

CATEGORIES = {
    "services": Contract.Category.SERVICES,
    "goods": Contract.Category.GOODS,
    "works": Contract.Category.WORKS,
}
SCALES = {
    "sme": Organisation.Size.SME,
    "micro": Organisation.Size.SME,
    "small": Organisation.Size.SME,
    "medium": Organisation.Size.SME,
    "selfemployed": Organisation.Size.SME,
    "large": Organisation.Size.LARGE,
}
SUPPLIER_KINDS = (
    Organisation.Kind.SUPPLIER,
    Organisation.Kind.SOCIAL_ENTERPRISE,
    Organisation.Kind.VCS,
)
TENDER_STOPPED = {"cancelled", "unsuccessful", "withdrawn"}
AWARD_STOPPED = {"cancelled", "unsuccessful"}
# The fields an import writes, in the order the report lists changes.
IMPORTED_FIELDS = (
    "reference",
    "title",
    "description",
    "buyer_id",
    "category",
    "estimated_value",
    "cpv_code",
    "procedure",
    "planned_procurement_start",
    "procurement_started_on",
    "awarded_on",
    "contract_start",
    "contract_end",
    "supplier_id",
    "award_value",
    "stage",
    "cancelled_reason",
    "s1_compliance",
)
NO_ASSESSMENT = "imported after procurement started: no assessment on record"


# The report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OcdsError:
    """A problem with the file. `path` is where in the JSON (empty for the whole file)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass(frozen=True)
class OcdsNote:
    """Something the importer did that the person importing should know about."""

    ocid: str
    message: str

    def __str__(self) -> str:
        return f"{self.ocid}: {self.message}"


@dataclass
class ContractResult:
    ocid: str
    contract: Contract
    changed: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.contract.reference}: {self.contract.title} ({self.ocid})"


@dataclass
class OcdsImportReport:
    """What an import did (or, for a dry run or a file with errors, would have done).

    `created`, `updated`, `unchanged` and `skipped` (closed or cancelled here, so left alone)
    hold one entry per `ocid`. If `errors` is not empty, nothing was saved.
    """

    dry_run: bool = False
    releases: int = 0
    created: list[ContractResult] = field(default_factory=list)
    updated: list[ContractResult] = field(default_factory=list)
    unchanged: list[ContractResult] = field(default_factory=list)
    skipped: list[ContractResult] = field(default_factory=list)
    suppliers_created: list[Organisation] = field(default_factory=list)
    periods_created: int = 0
    notes: list[OcdsNote] = field(default_factory=list)
    errors: list[OcdsError] = field(default_factory=list)
    saved: bool = False

    def error(self, path: str, message: str) -> None:
        self.errors.append(OcdsError(path, message))

    def note(self, ocid: str, message: str) -> None:
        self.notes.append(OcdsNote(ocid, message))

    @property
    def contracts(self) -> list[ContractResult]:
        return [*self.created, *self.updated, *self.unchanged, *self.skipped]

    def summary(self) -> str:
        parts = [
            f"{len(self.created)} created",
            f"{len(self.updated)} updated",
            f"{len(self.unchanged)} unchanged",
        ]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        text = ", ".join(parts)
        if self.suppliers_created:
            count = len(self.suppliers_created)
            text += f"; {count} new {'supplier' if count == 1 else 'suppliers'}"
        return text


# Reading the file ------------------------------------------------------------------------------


class _NotJson(ValueError):
    pass


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _reject_constant(name: str):
    raise _NotJson(f"{name} is not a number JSON allows")


def parse_json(raw: bytes | str) -> Any:
    """Parse OCDS JSON text strictly. Raises ValueError with a message for people."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("The file is not UTF-8 text, so it is not OCDS JSON") from None
    else:
        raw = raw.removeprefix("\ufeff")
    if not raw.strip():
        raise ValueError("The file is empty")
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"The file is not valid JSON: {exc.msg.lower()} at line {exc.lineno}, "
            f"column {exc.colno}"
        ) from None
    except _NotJson as exc:
        raise ValueError(f"The file is not valid JSON: {exc}") from None
    except RecursionError:
        raise ValueError("The file is not valid JSON: it is nested too deeply") from None
    except ValueError as exc:  # such as an integer with thousands of digits
        raise ValueError(f"The file is not valid JSON: {exc}") from None


def _read(data_or_file, report: OcdsImportReport) -> Any:
    """The parsed JSON, or _MISSING after reporting why it cannot be read."""
    if isinstance(data_or_file, dict | list):
        return data_or_file
    raw = data_or_file
    if hasattr(data_or_file, "read"):
        size = getattr(data_or_file, "size", None)
        if isinstance(size, int) and size > MAX_BYTES:
            report.error("", _too_big())
            return _MISSING
        if hasattr(data_or_file, "seek"):
            data_or_file.seek(0)
        raw = data_or_file.read(MAX_BYTES + 1)
    if not isinstance(raw, bytes | str):
        report.error("", "Give a release package as JSON text, a file or parsed JSON")
        return _MISSING
    if len(raw) > MAX_BYTES:
        report.error("", _too_big())
        return _MISSING
    try:
        return parse_json(raw)
    except ValueError as exc:
        report.error("", str(exc))
        return _MISSING


def _too_big() -> str:
    return f"The file is larger than {MAX_BYTES // 1024 // 1024} MB. Split it into smaller packages"


_MISSING: Any = object()


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "something else"


def _show(text: str, limit: int = 80) -> str:
    """User text, made safe to print in a message."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Node:
    """A value in the JSON and its path. Reading a child checks its type: a wrong type is
    reported, with its path, and read as missing, so one bad value never stops the checks."""

    __slots__ = ("errors", "path", "value")

    def __init__(self, value, path: str, errors: list[OcdsError]):
        self.value, self.path, self.errors = value, path, errors

    def __bool__(self) -> bool:
        return self.value is not _MISSING

    def error(self, message: str) -> None:
        self.errors.append(OcdsError(self.path, message))

    def _child(self, key) -> _Node:
        if isinstance(key, int):
            path = f"{self.path}[{key}]"
        else:
            path = f"{self.path}.{key}" if self.path else key
        value = self.value.get(key, _MISSING) if isinstance(self.value, dict) else _MISSING
        return _Node(_MISSING if value is None else value, path, self.errors)

    def _typed(self, key: str, types, expected: str) -> _Node:
        child = self._child(key)
        if child and (not isinstance(child.value, types) or isinstance(child.value, bool)):
            child.error(f"expected {expected}, found {_kind(child.value)}")
            child.value = _MISSING
        return child

    def obj(self, key: str) -> _Node:
        return self._typed(key, dict, "an object")

    def array(self, key: str) -> list[_Node]:
        child = self._typed(key, list, "a list")
        if not child:
            return []
        return [
            _Node(_MISSING if item is None else item, f"{child.path}[{i}]", self.errors)
            for i, item in enumerate(child.value)
        ]

    def objects(self, key: str) -> list[_Node]:
        """A list of objects: items of other types are reported and left out."""
        items = []
        for item in self.array(key):
            if not item:
                continue
            if isinstance(item.value, dict):
                items.append(item)
            else:
                item.error(f"expected an object, found {_kind(item.value)}")
        return items

    def text(self, key: str, *, max_length: int | None = None) -> str | None:
        child = self._typed(key, str, "text")
        if not child:
            return None
        value = child.value.strip()
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            child.error("is not valid text (it has an unpaired surrogate)")
            return None
        if "\x00" in value:
            child.error("is not valid text (it has a NUL character)")
            return None
        if max_length is not None and len(value) > max_length:
            child.error(f"is longer than {max_length} characters")
            return None
        return value or None

    def code(self, key: str) -> str | None:
        """An identifier: OCDS allows text or an integer."""
        child = self._child(key)
        if child and isinstance(child.value, int) and not isinstance(child.value, bool):
            return str(child.value) if abs(child.value) < 10**30 else None
        return self.text(key)

    def flag(self, key: str) -> bool | None:
        child = self._child(key)
        if not child:
            return None
        if not isinstance(child.value, bool):
            child.error(f"expected true or false, found {_kind(child.value)}")
            return None
        return child.value

    def date(self, key: str) -> datetime.date | None:
        """The date part of an OCDS date-time (2025-03-01T00:00:00Z) or a plain date."""
        text = self.text(key)
        if text is None:
            return None
        child = self._child(key)
        try:
            parsed = (
                datetime.date.fromisoformat(text)
                if len(text) == 10
                else datetime.datetime.fromisoformat(text).date()
            )
        except ValueError:
            child.error(f'"{_show(text, 40)}" is not a date, like 2025-03-01T00:00:00Z')
            return None
        if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            child.error(f"the year {parsed.year} is not between {EARLIEST_YEAR} and {LATEST_YEAR}")
            return None
        return parsed

    def money(self, key: str) -> Decimal | None:
        """A Value object {amount, currency}: pounds, or None if there is none."""
        value = self.obj(key)
        if not value:
            return None
        amount_node = value._child("amount")
        if not amount_node:
            return None
        amount = amount_node.value
        if isinstance(amount, bool) or not isinstance(amount, int | float | Decimal):
            amount_node.error(f"expected a number, found {_kind(amount)}")
            return None
        currency = value.text("currency")
        if currency is None:
            value._child("currency").error("the currency is missing. Only GBP is accepted")
            return None
        if currency.upper() != "GBP":
            value._child("currency").error(
                f'the currency is "{_show(currency, 10)}". Only amounts in GBP can be imported'
            )
            return None
        if (isinstance(amount, float) and not math.isfinite(amount)) or (
            isinstance(amount, Decimal) and not amount.is_finite()
        ):
            amount_node.error("is not a finite number")
            return None
        if amount < 0:
            amount_node.error("cannot be negative")
            return None
        if amount >= MAX_AMOUNT:
            amount_node.error("is too large: amounts must be under £1,000,000,000,000")
            return None
        try:
            return Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            amount_node.error("is not a number that can be stored")
            return None


# What a release says ---------------------------------------------------------------------------


@dataclass
class _Party:
    """An organisation named in a release: a reference and what `parties[]` says about it."""

    path: str
    name: str | None
    ids: list[str]
    size: str = ""
    is_vcse: bool = False
    identifier: str = ""  # the best identifier to store for a new organisation

    def describe(self) -> str:
        ref = f" ({_show(self.ids[0], 60)})" if self.ids else ""
        return f"{_show(self.name or 'with no name')}{ref}"


@dataclass
class _Release:
    path: str
    ocid: str
    date: datetime.date | None
    order: int
    fields: dict[str, Any] = field(default_factory=dict)  # only what the release says
    defaults: dict[str, Any] = field(default_factory=dict)  # used only where nothing is set
    paths: dict[str, str] = field(default_factory=dict)  # field name -> JSON path
    tender_id: str | None = None
    stage: str = Stage.PLANNING
    buyer: _Party | None = None
    supplier: _Party | None = None
    notes: list[str] = field(default_factory=list)
    problems: int = 0  # how many errors reading the release found


def _parties(release: _Node) -> dict[str, tuple[_Node, list[str]]]:
    """Each party by its id, with the identifiers it is known by."""
    parties = {}
    for party in release.objects("parties"):
        party_id = party.code("id")
        ids = [party_id] if party_id else []
        identifiers = [party.obj("identifier"), *party.objects("additionalIdentifiers")]
        for identifier in identifiers:
            scheme, value = identifier.text("scheme"), identifier.code("id")
            if scheme and value:
                joined = value if value.upper().startswith(scheme.upper() + "-") else None
                joined = joined or f"{scheme}-{value}"
                if joined not in ids:
                    ids.append(joined)
        if party_id is not None:
            parties.setdefault(party_id, (party, ids))
        else:
            parties.setdefault(f"#{party.path}", (party, ids))
    return parties


def _roles(party: _Node) -> list[str]:
    roles = []
    for role in party.array("roles"):
        if isinstance(role.value, str):
            roles.append(role.value)
        elif role:
            role.error(f"expected text, found {_kind(role.value)}")
    return roles


def _party(reference: _Node, parties) -> _Party | None:
    """Resolve an organisation reference ({id, name}) against parties[]."""
    ref_id = reference.code("id")
    name = reference.text("name", max_length=NAME_MAX)
    party, ids = parties.get(ref_id, (None, [])) if ref_id else (None, [])
    ids = list(ids)
    if ref_id and ref_id not in ids:
        ids.insert(0, ref_id)
    result = _Party(path=reference.path, name=name, ids=ids)
    if party is not None:
        result.name = result.name or party.text("name", max_length=NAME_MAX)
        details = party.obj("details")
        scale = details.text("scale")
        if scale is not None:
            result.size = SCALES.get(scale.lower().replace("_", ""), "")
        result.is_vcse = bool(details.flag("vcse"))
        scheme_ids = [i for i in ids if i != ref_id]
        result.identifier = next(
            (i for i in [*scheme_ids, *ids] if len(i) <= IDENTIFIER_MAX and "-" in i), ""
        )
    if not result.name and not result.ids:
        reference.error("the organisation has no name or id")
        return None
    return result


def _cpv(tender: _Node) -> tuple[str | None, str | None]:
    """The CPV code from tender.classification, or from the items. (code, path)."""
    candidates = [tender.obj("classification"), *tender.objects("additionalClassifications")]
    for item in tender.objects("items"):
        candidates += [item.obj("classification"), *item.objects("additionalClassifications")]
    for classification in candidates:
        scheme = classification.text("scheme")
        if not scheme or scheme.upper() != "CPV":
            continue
        code = classification.code("id")
        if code is None:
            continue
        path = classification._child("id").path
        if not CPV_CODE.match(code):
            classification._child("id").error(
                f'"{_show(code, 20)}" is not a CPV code (8 digits, with or without a check digit, '
                "like 45000000-7)"
            )
            return None, path
        return code, path
    return None, None


def _procedure(tender: _Node) -> str | None:
    method = tender.text("procurementMethod")
    details = (tender.text("procurementMethodDetails") or "").lower()
    if method is None and not details:
        return None
    if "framework" in details:
        return Contract.Procedure.FRAMEWORK
    if "competitive flexible" in details:
        return Contract.Procedure.COMPETITIVE_FLEXIBLE
    if "direct award" in details:
        return Contract.Procedure.DIRECT_AWARD
    if "below threshold" in details or "below-threshold" in details:
        return Contract.Procedure.BELOW_THRESHOLD
    method = (method or "").lower()
    if method == "open" or (not method and "open" in details):
        return Contract.Procedure.OPEN
    if method in ("limited", "direct"):
        return Contract.Procedure.DIRECT_AWARD
    return Contract.Procedure.OTHER


def _parse_release(node: _Node, order: int) -> _Release | None:
    """Read one release into the contract fields it gives. None if it has no ocid."""
    errors_before = len(node.errors)
    ocid = node.text("ocid", max_length=OCID_MAX)
    if ocid is None:
        if len(node.errors) == errors_before:
            node._child("ocid").error("the release has no ocid")
        return None
    release = _Release(path=node.path, ocid=ocid, date=node.date("date"), order=order)
    fields, paths = release.fields, release.paths

    def put(name: str, value, path: str, *, fallback: bool = False) -> None:
        if value is not None and name not in fields and name not in release.defaults:
            (release.defaults if fallback else fields)[name] = value
            paths[name] = path

    parties = _parties(node)
    tender = node.obj("tender")
    awards = node.objects("awards")
    contracts = node.objects("contracts")

    # Title and description: the tender's, else (for a contract that has none yet) the
    # release's, an award's or a contract's.
    for source in [tender, node, *awards, *contracts]:
        fallback = source is not tender
        title = source.text("title")
        if title is not None and "title" not in fields and "title" not in release.defaults:
            if len(title) > TITLE_MAX:
                title = title[: TITLE_MAX - 1].rstrip() + "…"
                release.notes.append(f"the title was shortened to {TITLE_MAX} characters")
            put("title", title, source._child("title").path, fallback=fallback)
        description = source.text("description")
        put("description", description, source._child("description").path, fallback=fallback)

    release.tender_id = tender.code("id")
    put("estimated_value", tender.money("value"), tender._child("value").path)
    if "estimated_value" not in fields:
        budget = node.obj("planning").obj("budget")
        put("estimated_value", budget.money("amount"), budget._child("amount").path)
    cpv, cpv_path = _cpv(tender)
    put("cpv_code", cpv, cpv_path)
    category = tender.text("mainProcurementCategory")
    if category is not None:
        put(
            "category",
            CATEGORIES.get(category.lower(), Contract.Category.MIXED),
            tender._child("mainProcurementCategory").path,
        )
    put("procedure", _procedure(tender), tender._child("procurementMethod").path)

    # Procurement start: the tender period's start, unless the tender is only planned (or the
    # start is still to come), when it is the planned start.
    tender_status = (tender.text("status") or "").lower()
    period = tender.obj("tenderPeriod")
    start = period.date("startDate")
    start_path = period._child("startDate").path
    today = timezone.localdate()
    if start is not None and (tender_status == "planned" or start > today):
        put("planned_procurement_start", start, start_path)
        start = None
    elif start is not None:
        put("procurement_started_on", start, start_path)
    tags = {tag.value for tag in node.array("tag") if isinstance(tag.value, str)}
    if (
        start is not None
        or (tender and tender_status in ("active", "complete"))
        or tags & {"tender", "tenderAmendment", "tenderUpdate"}
    ):
        release.stage = Stage.PROCUREMENT_STARTED

    # The award: the first that is not cancelled and names a supplier.
    award = None
    for candidate in awards:
        status = (candidate.text("status") or "").lower()
        suppliers = candidate.objects("suppliers")
        if status in AWARD_STOPPED or not suppliers:
            continue
        award = candidate
        release.supplier = _party(suppliers[0], parties)
        if release.supplier is not None:
            paths["supplier"] = release.supplier.path
        if len(suppliers) > 1:
            others = ", ".join(s.text("name") or "(no name)" for s in suppliers[1:4])
            release.notes.append(
                f"the award names {len(suppliers)} suppliers; only the first is recorded "
                f"(also named: {_show(others)})"
            )
        break
    if award is not None and release.supplier is not None:
        release.stage = Stage.AWARDED
        put("award_value", award.money("value"), award._child("value").path)
        awarded_on = award.date("date")
        put("awarded_on", awarded_on, award._child("date").path)
        if awarded_on is not None and awarded_on > today:
            award._child("date").error("the award date is in the future")
        award_id = award.code("id")
        linked = [c for c in contracts if award_id is not None and c.code("awardID") == award_id]
        linked = linked or contracts
        period = award.obj("contractPeriod")
        if not (period._child("startDate") or period._child("endDate")) and linked:
            period = linked[0].obj("period")
        begins, ends = period.date("startDate"), period.date("endDate")
        put("contract_start", begins, period._child("startDate").path)
        put("contract_end", ends, period._child("endDate").path)
        if begins and ends:
            if ends <= begins:
                period._child("endDate").error("the contract must end after it starts")
            elif (ends - begins).days > 366 * MAX_CONTRACT_YEARS:
                period._child("endDate").error(
                    f"the contract period is longer than {MAX_CONTRACT_YEARS} years"
                )
        statuses = {(c.text("status") or "").lower() for c in linked}
        if "active" in statuses:
            release.stage = Stage.IN_DELIVERY
        if "terminated" in statuses:
            release.stage = Stage.CLOSED
        if "cancelled" in statuses and "active" not in statuses:
            release.stage = Stage.CANCELLED
            put("cancelled_reason", "The contract was cancelled (OCDS notice)", release.path)
    award_values = [a.money("value") for a in awards]
    put(
        "estimated_value",
        next((v for v in award_values if v is not None), None),
        release.path,
        fallback=True,
    )

    if tender_status in TENDER_STOPPED:
        release.stage = Stage.CANCELLED
        reason = tender.text("statusDetails") or f"The tender was {tender_status} (OCDS notice)"
        put("cancelled_reason", reason, tender._child("statusDetails").path)

    started = fields.get("procurement_started_on")
    awarded = fields.get("awarded_on")
    if started and awarded and awarded < started:
        award._child("date").error("the award date is before the tender period started")

    # The buyer: release.buyer, else the party with the buyer role.
    buyer_ref = node.obj("buyer")
    if buyer_ref:
        release.buyer = _party(buyer_ref, parties)
    else:
        for party, _ids in parties.values():
            if "buyer" in _roles(party):
                release.buyer = _party(party, parties)
                break
    if release.buyer is not None:
        paths["buyer"] = release.buyer.path
    release.problems = len(node.errors) - errors_before
    return release


def _releases(data, report: OcdsImportReport) -> list[_Node]:
    root = _Node(data, "", report.errors)
    if not isinstance(data, dict):
        report.error("", f"The file must hold a release package (an object), not {_kind(data)}")
        return []
    if "releases" in data:
        items = root.array("releases")
        if not items and not report.errors:
            report.error("releases", "The package has no releases, so there is nothing to import")
        return items
    if "records" in data:
        report.error(
            "records",
            "This is a record package. Download the release package (the notices) instead",
        )
        return []
    if "ocid" in data or "tender" in data or "awards" in data:
        return [root]
    report.error(
        "", "The file is not an OCDS release package: it has no releases (and is not a release)"
    )
    return []


# Matching organisations ------------------------------------------------------------------------


def _identifier_matches(ids: list[str]):
    wanted = {value.lower() for value in ids[:MAX_IDENTIFIERS] if len(value) <= IDENTIFIER_MAX}
    return (
        Organisation.objects.exclude(identifier="")
        .annotate(identifier_lower=Lower("identifier"))
        .filter(identifier_lower__in=wanted)
        .order_by("pk")
    )


def _match_buyer(party: _Party, place: Place) -> tuple[Organisation | None, str]:
    """The public body of the place the release names as buyer, or why there is none."""
    by_id = list(_identifier_matches(party.ids)) if party.ids else []
    for organisation in by_id:
        if organisation.is_public_body and organisation.place_id == place.pk:
            return organisation, ""
    if party.name and not by_id:
        named = (
            Organisation.objects.filter(
                name__iexact=party.name,
                place=place,
                kind__in=Organisation.PUBLIC_BODY_KINDS,
            )
            .order_by("pk")
            .first()
        )
        if named:
            return named, ""
        by_id += list(Organisation.objects.filter(name__iexact=party.name))
    if by_id:
        return None, (
            f"the buyer {party.describe()} is {by_id[0]}, which is not a public body serving "
            f"{place}"
        )
    return None, f"unknown buyer {party.describe()}: add it as an organisation first"


def _match_supplier(party: _Party) -> Organisation | None:
    matches = list(_identifier_matches(party.ids)) if party.ids else []
    matches.sort(key=lambda o: o.kind not in SUPPLIER_KINDS)
    if matches:
        return matches[0]
    if party.name:
        return Organisation.objects.filter(name__iexact=party.name).order_by("pk").first()
    return None


# Writing ---------------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


@dataclass
class _Tracked:
    contract: Contract
    existed: bool
    before: dict[str, Any]
    skipped: bool = False
    compliance_date: datetime.date | None = None


def import_release_package(
    data_or_file,
    *,
    place: Place,
    by: User,
    buyer: Organisation | None = None,
    dry_run: bool = False,
) -> OcdsImportReport:
    """Import contracts from an OCDS release package (or a single release).

    `data_or_file` is JSON text (str or bytes), a binary file, or already-parsed JSON. `buyer`,
    if given, is the buyer of every contract in the file, whatever the file says. With
    `dry_run`, everything is checked and counted but nothing is saved.
    """
    report = OcdsImportReport(dry_run=dry_run)
    if buyer is not None and not (buyer.is_public_body and buyer.place_id == place.pk):
        report.error("", f"{buyer} is not a public body serving {place}")
        return report
    data = _read(data_or_file, report)
    if data is _MISSING:
        return report
    nodes = _releases(data, report)
    report.releases = len(nodes)
    if len(nodes) > MAX_RELEASES:
        report.error(
            "releases",
            f"The package has {len(nodes)} releases. Import at most {MAX_RELEASES} at a time",
        )
        return report
    releases = []
    for order, node in enumerate(nodes):
        if not node:
            node.error("expected a release, found null")
        elif not isinstance(node.value, dict):
            node.error(f"expected a release (an object), found {_kind(node.value)}")
        else:
            release = _parse_release(node, order)
            if release is not None:
                releases.append(release)
    if nodes and not releases and not report.errors:
        report.error("", "The file has no usable release")

    # Each contract's releases oldest first; contracts in the order the file first names them.
    first_seen: dict[str, int] = {}
    for release in releases:
        first_seen.setdefault(release.ocid, release.order)
    releases.sort(key=lambda r: (first_seen[r.ocid], r.date or datetime.date.min, r.order))

    try:
        with transaction.atomic():
            tracked: dict[str, _Tracked] = {}
            for release in releases:
                try:
                    with transaction.atomic():
                        _apply(
                            release, place=place, by=by, buyer=buyer, tracked=tracked, report=report
                        )
                except ValidationError as exc:
                    _validation_errors(exc, release, report)
                except DatabaseError as exc:
                    report.error(release.path, f"the release could not be saved ({exc})")
            for ocid, item in tracked.items():
                try:
                    with transaction.atomic():
                        _finish(ocid, item, report)
                except DatabaseError as exc:
                    report.error("", f"{ocid} could not be saved ({exc})")
            if report.errors or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    report.saved = not report.errors and not dry_run
    return report


def _validation_errors(exc: ValidationError, release: _Release, report: OcdsImportReport):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            path = release.paths.get(name) or release.paths.get(f"{name}_id") or release.path
            for message in errors:
                report.error(path, message[:1].lower() + message[1:])
    else:
        for message in exc.messages:
            report.error(release.path, message[:1].lower() + message[1:])


def _snapshot(contract: Contract) -> dict[str, Any]:
    return {name: getattr(contract, name) for name in IMPORTED_FIELDS}


def _apply(
    release: _Release,
    *,
    place: Place,
    by: User,
    buyer: Organisation | None,
    tracked: dict[str, _Tracked],
    report: OcdsImportReport,
) -> None:
    """Create or update the release's contract. Raises ValidationError on a problem."""
    errors_before = len(report.errors)
    fields = dict(release.fields)

    item = tracked.get(release.ocid)
    if item is None:
        existing = (
            Contract.objects.select_for_update()
            .select_related("place", "buyer")
            .filter(ocid=release.ocid)
            .first()
        )
        if existing is not None and existing.place_id != place.pk:
            report.error(
                _join(release.path, "ocid"),
                f"{release.ocid} is already imported as {existing.reference} in {existing.place}",
            )
            return
        if existing is None:
            existing = Contract(place=place, owner=by, ocid=release.ocid)
            item = _Tracked(existing, existed=False, before={})
        else:
            item = _Tracked(
                existing,
                existed=True,
                before=_snapshot(existing),
                skipped=existing.stage in (Stage.CLOSED, Stage.CANCELLED),
            )
        tracked[release.ocid] = item
    contract = item.contract
    if item.skipped:
        return

    # The buyer.
    if buyer is not None:
        contract.buyer = buyer
    elif release.buyer is not None:
        matched, problem = _match_buyer(release.buyer, place)
        if matched is None:
            report.error(release.buyer.path, problem)
        else:
            contract.buyer = matched
    elif not contract.buyer_id:
        report.error(
            _join(release.path, "buyer"),
            "the release names no buyer. Choose the buyer when importing",
        )

    if release.problems:
        return  # reported already; the buyer was checked too, so every problem is listed

    for name, value in release.defaults.items():
        if name not in fields and not getattr(contract, name):
            fields[name] = value
    if contract.pk is None:
        for name, path in (("title", "tender.title"), ("estimated_value", "tender.value")):
            if name not in fields and not getattr(contract, name):
                report.error(
                    _join(release.path, path),
                    f"the release has no {'title' if name == 'title' else 'value'}, which a "
                    "new contract needs",
                )
    if contract.pk is None:
        fields.setdefault("category", Contract.Category.MIXED)
        fields.setdefault("procedure", Contract.Procedure.OTHER)

    # The reference: the tender's id, else the ocid. Kept once set, unless it was the ocid.
    reference = next(
        (r for r in (release.tender_id, release.ocid) if r and len(r) <= REFERENCE_MAX), None
    )
    if not contract.reference or (contract.reference == release.ocid and reference):
        if reference is None:
            report.error(
                _join(release.path, "tender.id"),
                f"neither the tender id nor the ocid fits in a {REFERENCE_MAX}-character reference",
            )
        else:
            contract.reference = reference

    # The supplier, registered if unknown.
    if release.supplier is not None and len(report.errors) == errors_before:
        supplier = _match_supplier(release.supplier)
        if supplier is None:
            supplier = _register_supplier(release.supplier, by, report)
        elif supplier.kind not in SUPPLIER_KINDS:
            report.error(
                release.supplier.path,
                f"the supplier {release.supplier.describe()} is {supplier}, a "
                f"{supplier.get_kind_display().lower()}, not a supplier",
            )
            supplier = None
        if supplier is not None:
            fields["supplier"] = supplier

    if len(report.errors) > errors_before:
        return

    for name, value in fields.items():
        setattr(contract, name, value)

    # The stage only moves forward; cancelling or closing ends it.
    current = contract.stage if contract.pk else Stage.PLANNING
    target = release.stage
    if (
        not contract.pk
        or target == Stage.CANCELLED
        or (
            current in Contract.ORDER
            and Contract.ORDER.index(target) > Contract.ORDER.index(current)
        )
    ):
        contract.stage = target
    if contract.stage != item.before.get("stage"):
        contract.stage_changed_at = timezone.now()

    started = contract.stage_index >= Contract.ORDER.index(Stage.PROCUREMENT_STARTED) or (
        contract.stage == Stage.CANCELLED and contract.procurement_started_on
    )
    if started:
        known = [
            d
            for d in (contract.procurement_started_on, contract.awarded_on, release.date)
            if d is not None
        ]
        item.compliance_date = contract.procurement_started_on or (min(known) if known else None)
        if item.compliance_date is None:
            item.compliance_date = timezone.localdate()
    contract.s1_compliance = compliance_for(
        contract, item.compliance_date if started and contract.pk else None
    )
    contract.full_clean()
    if contract.pk is None or _snapshot(contract) != item.before:
        created_now = contract.pk is None
        contract._history_user = by
        contract.save()
        # Only a saved contract's assessments can be read (a new one has none, of course).
        if created_now and started:
            refreshed = compliance_for(contract, item.compliance_date)
            if refreshed != contract.s1_compliance:
                contract.s1_compliance = refreshed
                contract._history_user = by
                contract.save(update_fields=["s1_compliance", "updated_at"])
    for message in release.notes:
        report.note(release.ocid, message)


def _register_supplier(party: _Party, by: User, report: OcdsImportReport):
    if not party.name:
        report.error(party.path, "the supplier has no name, so it cannot be added")
        return None
    try:
        with transaction.atomic():
            supplier = organisation_register(
                by=by,
                name=party.name,
                kind=Organisation.Kind.SUPPLIER,
                size=party.size,
                is_vcse=party.is_vcse,
                identifier=party.identifier,
            )
    except ValidationError as exc:
        report.error(party.path, f"the supplier cannot be added: {'; '.join(exc.messages)}")
        return None
    report.suppliers_created.append(supplier)
    return supplier


def _finish(ocid: str, item: _Tracked, report: OcdsImportReport) -> None:
    """After all of a contract's releases: reporting periods, the note, and the count."""
    contract = item.contract
    if contract.pk is None:
        return  # it had errors
    result = ContractResult(ocid, contract)
    if item.skipped:
        result.changed = []
        report.skipped.append(result)
        report.note(
            ocid,
            f"not changed: the contract is {contract.get_stage_display().lower()} in this service",
        )
        return
    if (
        contract.contract_start
        and contract.contract_end
        and contract.stage_index >= Contract.ORDER.index(Stage.AWARDED)
    ):
        if not contract.periods.exists():
            for start, end in quarters(contract.contract_start, contract.contract_end):
                ReportingPeriod.objects.create(contract=contract, start=start, end=end)
                report.periods_created += 1
        elif item.existed and (
            item.before["contract_start"] != contract.contract_start
            or item.before["contract_end"] != contract.contract_end
        ):
            report.note(
                ocid,
                "the contract period changed, and its reporting periods were kept: check them",
            )
    if (
        contract.s1_compliance == Contract.Compliance.NON_COMPLIANT
        and approved_assessment(contract) is None
    ):
        report.note(ocid, NO_ASSESSMENT)
    after = _snapshot(contract)
    if not item.existed:
        report.created.append(result)
    else:
        result.changed = [
            name.removesuffix("_id").replace("_", " ")
            for name in IMPORTED_FIELDS
            if after[name] != item.before[name]
        ]
        (report.updated if result.changed else report.unchanged).append(result)
