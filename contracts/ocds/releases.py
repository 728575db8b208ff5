"""What one OCDS release says about a contract, read into plain dataclasses.

`parse_release()` reads the fields the service keeps (title, description, values, CPV code,
procedure, dates), the buyer and every supplier of the award, and the stage the notice shows.
Problems are collected with their JSON paths in `Release.problems`; nothing here touches the
database.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from people.models import Organisation
from socialvalue.dates import contract_period_problem, date_problem

from ..models import Contract, normalise_identifier
from .reading import Node, OcdsError, show

Stage = Contract.Stage
TITLE_MAX = Contract._meta.get_field("title").max_length
REFERENCE_MAX = Contract._meta.get_field("reference").max_length
OCID_MAX = Contract._meta.get_field("ocid").max_length
NAME_MAX = Organisation._meta.get_field("name").max_length
IDENTIFIER_MAX = Organisation._meta.get_field("identifier").max_length
MAX_IDENTIFIERS = 20  # identifiers read for one organisation
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
TENDER_STOPPED = {"cancelled", "unsuccessful", "withdrawn"}
AWARD_STOPPED = {"cancelled", "unsuccessful"}


@dataclass
class Party:
    """An organisation named in a release: a reference and what `parties[]` says about it."""

    path: str
    name: str | None
    ids: list[str]  # identifiers as published, like GB-COH-01234567
    size: str = ""
    is_vcse: bool = False

    @property
    def keys(self) -> list[str]:
        """The identifiers as compared (`normalise_identifier`)."""
        return [normalise_identifier(i) for i in self.ids]

    def describe(self) -> str:
        ref = f" ({show(self.ids[0], 60)})" if self.ids else ""
        return f"{show(self.name or 'with no name')}{ref}"

    @property
    def identifier(self) -> str:
        """The best identifier to store for a new organisation: a scheme's, like GB-COH-…"""
        return next((i for i in self.ids if len(i) <= IDENTIFIER_MAX and "-" in i), "")


@dataclass
class AwardedParty:
    party: Party
    value: Decimal | None = None  # the supplier's own share, only where the release gives it


@dataclass
class Award:
    """Every supplier of the release's live awards, and the award's value and dates."""

    path: str
    suppliers: list[AwardedParty]
    value: Decimal | None
    value_published: bool
    awarded_on: datetime.date | None
    contract_start: datetime.date | None
    contract_end: datetime.date | None
    contract_status: set[str]


@dataclass
class Release:
    path: str
    ocid: str
    date: datetime.datetime | None
    order: int
    release_id: str = ""
    fields: dict[str, Any] = field(default_factory=dict)  # contract fields the release gives
    paths: dict[str, str] = field(default_factory=dict)  # field name -> JSON path
    tender_id: str | None = None
    started_on: datetime.date | None = None
    stage: str = Stage.PLANNING
    cancelled_reason: str = ""
    buyer: Party | None = None
    award: Award | None = None
    value_published: bool = False
    notes: list[str] = field(default_factory=list)
    problems: list[OcdsError] = field(default_factory=list)


# Parties ----------------------------------------------------------------------------------------


def _add_id(ids: list[str], value: str) -> None:
    value = "".join(value.split())
    if value and normalise_identifier(value) not in {normalise_identifier(i) for i in ids}:
        ids.append(value)


def _party_ids(party: Node) -> list[str]:
    ids: list[str] = []
    _add_id(ids, party.code("id") or "")
    for identifier in [party.obj("identifier"), *party.objects("additionalIdentifiers")]:
        scheme, value = identifier.text("scheme"), identifier.code("id")
        if scheme and value:
            joined = value if value.upper().startswith(scheme.upper() + "-") else None
            _add_id(ids, joined or f"{scheme}-{value}")
    return ids[:MAX_IDENTIFIERS]


def _parties(release: Node) -> dict[str, tuple[Node, list[str]]]:
    """Each party by its id, with the identifiers it is known by."""
    parties = {}
    for party in release.objects("parties"):
        party_id = party.code("id")
        parties.setdefault(party_id if party_id is not None else f"#{party.path}", (party, None))
    return parties


def _party(reference: Node, parties) -> Party | None:
    """Resolve an organisation reference ({id, name}) against parties[]."""
    ref_id = reference.code("id")
    name = reference.text("name", max_length=NAME_MAX)
    party, _ = parties.get(ref_id, (None, None)) if ref_id else (None, None)
    ids = _party_ids(party) if party is not None else []
    if ref_id and normalise_identifier(ref_id) not in {normalise_identifier(i) for i in ids}:
        ids.insert(0, "".join(ref_id.split()))
    result = Party(path=reference.path, name=name, ids=ids)
    if party is not None:
        result.name = result.name or party.text("name", max_length=NAME_MAX)
        details = party.obj("details")
        scale = details.text("scale")
        if scale is not None:
            result.size = SCALES.get(scale.lower().replace("_", ""), "")
        result.is_vcse = bool(details.flag("vcse"))
    if not result.name and not result.ids:
        reference.error("the organisation has no name or id")
        return None
    return result


def _buyer(node: Node, parties) -> Party | None:
    """release.buyer, else the party with the buyer role."""
    buyer_ref = node.obj("buyer")
    if buyer_ref:
        return _party(buyer_ref, parties)
    for party, _ in parties.values():
        if "buyer" in party.strings("roles"):
            return _party(party, parties)
    return None


# The tender -------------------------------------------------------------------------------------


def _cpv(tender: Node) -> tuple[str | None, str | None]:
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
        path = classification.child("id").path
        if not CPV_CODE.match(code):
            classification.child("id").error(
                f'"{show(code, 20)}" is not a CPV code (8 digits, with or without a check digit, '
                "like 45000000-7)"
            )
            return None, path
        return code, path
    return None, None


def _procedure(tender: Node) -> str | None:
    method = tender.text("procurementMethod")
    details = (tender.text("procurementMethodDetails") or "").lower()
    if method is None and not details:
        return None
    for words, procedure in (
        ("framework", Contract.Procedure.FRAMEWORK),
        ("competitive flexible", Contract.Procedure.COMPETITIVE_FLEXIBLE),
        ("direct award", Contract.Procedure.DIRECT_AWARD),
        ("below threshold", Contract.Procedure.BELOW_THRESHOLD),
        ("below-threshold", Contract.Procedure.BELOW_THRESHOLD),
    ):
        if words in details:
            return procedure
    method = (method or "").lower()
    if method == "open" or (not method and "open" in details):
        return Contract.Procedure.OPEN
    if method in ("limited", "direct"):
        return Contract.Procedure.DIRECT_AWARD
    return Contract.Procedure.OTHER


def _lower_first(message: str) -> str:
    """A shared rule's sentence as a problem after its path ("…endDate: the contract …")."""
    return message[:1].lower() + message[1:]


def _put(release: Release, name: str, value, path: str) -> None:
    if value is not None and name not in release.fields:
        release.fields[name] = value
        release.paths[name] = path


def _title(release: Release, sources: list[Node]) -> None:
    """The tender's title and description, else the release's, an award's or a contract's."""
    for source in sources:
        title = source.text("title")
        if title is not None and "title" not in release.fields:
            if len(title) > TITLE_MAX:
                title = title[: TITLE_MAX - 1].rstrip() + "…"
                release.notes.append(f"the title was shortened to {TITLE_MAX} characters")
            _put(release, "title", title, source.child("title").path)
        _put(release, "description", source.text("description"), source.child("description").path)


def _tender(release: Release, node: Node, tender: Node) -> None:
    release.tender_id = tender.code("id")
    value, published = tender.money("value")
    _put(release, "estimated_value", value, tender.child("value").path)
    if not published:
        budget = node.obj("planning").obj("budget")
        value, published = budget.money("amount")
        _put(release, "estimated_value", value, budget.child("amount").path)
    release.value_published = published
    cpv, cpv_path = _cpv(tender)
    _put(release, "cpv_code", cpv, cpv_path)
    category = tender.text("mainProcurementCategory")
    if category is not None:
        _put(
            release,
            "category",
            CATEGORIES.get(category.lower(), Contract.Category.MIXED),
            tender.child("mainProcurementCategory").path,
        )
    _put(release, "procedure", _procedure(tender), tender.child("procurementMethod").path)

    # Procurement start: the tender period's start, unless the tender is only planned (or the
    # start is still to come), when it is the planned start.
    status = (tender.text("status") or "").lower()
    period = tender.obj("tenderPeriod")
    start = period.date("startDate")
    if start is not None and (status == "planned" or start > timezone.localdate()):
        _put(release, "planned_procurement_start", start, period.child("startDate").path)
        start = None
    tags = set(node.strings("tag"))
    if (
        start is not None
        or (tender and status in ("active", "complete"))
        or tags & {"tender", "tenderAmendment", "tenderUpdate"}
    ):
        release.stage = Stage.PROCUREMENT_STARTED
        release.started_on = start
        release.paths["started_on"] = period.child("startDate").path
    if status in TENDER_STOPPED:
        release.stage = Stage.CANCELLED
        reason = tender.text("statusDetails") or f"The tender was {status} (OCDS notice)"
        release.cancelled_reason = reason


# The award --------------------------------------------------------------------------------------


def _award(release: Release, awards: list[Node], contracts: list[Node], parties) -> None:
    """Every supplier of every live award. A supplier's own value is kept only where its award
    names it alone; the award value is the sum of the live awards' values when each has one."""
    live = [
        a
        for a in awards
        if (a.text("status") or "").lower() not in AWARD_STOPPED and a.objects("suppliers")
    ]
    if not live:
        return
    suppliers: list[AwardedParty] = []
    values = [a.money("value") for a in live]
    for award, (value, _published) in zip(live, values, strict=True):
        named = [p for p in (_party(s, parties) for s in award.objects("suppliers")) if p]
        for party in named:
            share = value if len(named) == 1 and len(live) > 1 else None
            suppliers.append(AwardedParty(party, share))
    total = sum((v for v, _ in values if v is not None), Decimal("0"))
    all_valued = all(v is not None for v, _ in values)
    first = live[0]
    award_ids = {a.code("id") for a in live} - {None}
    linked = [c for c in contracts if c.code("awardID") in award_ids] or contracts
    period = first.obj("contractPeriod")
    if not (period.child("startDate") or period.child("endDate")) and linked:
        period = linked[0].obj("period")
    begins, ends = period.date("startDate"), period.date("endDate")
    for key, day, what in (("startDate", begins, "start date"), ("endDate", ends, "end date")):
        if day is not None and (problem := date_problem(day, what=f"contract {what}")):
            period.child(key).error(_lower_first(problem))
    if begins and ends:
        if ends <= begins:
            period.child("endDate").error("the contract must end after it starts")
        elif too_long := contract_period_problem(begins, ends):
            period.child("endDate").error(_lower_first(too_long))
    awarded_on = first.date("date")
    if awarded_on is not None and awarded_on > timezone.localdate():
        first.child("date").error("the award date is in the future")
    release.award = Award(
        path=first.path,
        suppliers=suppliers,
        value=total if all_valued else None,
        value_published=any(published for _, published in values),
        awarded_on=awarded_on,
        contract_start=begins,
        contract_end=ends,
        contract_status={(c.text("status") or "").lower() for c in linked},
    )
    release.paths.update(
        supplier=first.child("suppliers").path,
        award_value=first.child("value").path,
        awarded_on=first.child("date").path,
        contract_start=period.child("startDate").path,
        contract_end=period.child("endDate").path,
    )


def _award_stage(release: Release) -> None:
    award = release.award
    if award is None or release.stage == Stage.CANCELLED:
        return
    release.stage = Stage.AWARDED
    if "active" in award.contract_status:
        release.stage = Stage.IN_DELIVERY
    if "terminated" in award.contract_status:
        release.stage = Stage.CLOSED
    if "cancelled" in award.contract_status and "active" not in award.contract_status:
        release.stage = Stage.CANCELLED
        release.cancelled_reason = "The contract was cancelled (OCDS notice)"


# The release ------------------------------------------------------------------------------------


def parse_release(node: Node, order: int) -> Release | None:
    """Read one release. None (with the problem reported on `node`) if it has no ocid."""
    errors_before = len(node.errors)
    ocid = node.text("ocid", max_length=OCID_MAX)
    if ocid is None:
        if len(node.errors) == errors_before:
            node.child("ocid").error("the release has no ocid")
        return None
    release = Release(path=node.path, ocid=ocid, date=node.moment("date"), order=order)
    release.release_id = node.code("id") or ""
    if release.date is None and not node.child("date"):
        node.child("date").error(
            "the release has no date, so it cannot be put in order with other notices"
        )
    parties = _parties(node)
    tender = node.obj("tender")
    awards, contracts = node.objects("awards"), node.objects("contracts")
    _title(release, [tender, node, *awards, *contracts])
    _tender(release, node, tender)
    _award(release, awards, contracts, parties)
    _award_stage(release)
    if not release.value_published and release.award is not None:
        value = release.award.value
        _put(release, "estimated_value", value, release.paths.get("award_value", node.path))
        release.value_published = release.award.value_published
    started, awarded = release.started_on, release.award and release.award.awarded_on
    if started and awarded and awarded < started:
        node.errors.append(
            OcdsError(release.paths["awarded_on"], "the award date is before the tender started")
        )
    release.buyer = _buyer(node, parties)
    release.problems = node.errors[errors_before:]
    return release
