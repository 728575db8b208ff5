"""The package around the releases: ocids, publisher, extensions, and the streamed document.

The ocid is the contract's own when it has one (imported from Find a Tender or Contracts
Finder, with that publisher's prefix); otherwise one is minted as
`<SOCIALVALUE_OCID_PREFIX>-<contract id>`. A council registers its prefix with the Open
Contracting Partnership and sets it; the demo uses a clearly fictional one. Fields OCDS and the
extensions used do not define are declared in the project's own extension
(`data/ocds/extensions/socialvalue/`, served at `extension_url()` and listed in the package).
Each place's package names its own publisher (`publisher_for`). `unpublished_reason` says why a
place has no package yet: no prefix, no publisher, or nothing to publish.
"""

from __future__ import annotations

import json
from collections import namedtuple
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from contracts.models import (
    Assessment,
    AwardSupplier,
    Commitment,
    Contract,
    LedgerEntry,
)
from places.models import Place
from socialvalue.sql import AnyOf

from ..figures import Scope, contracts
from .release import STAGES, _date, _datetime, ocid_prefix, release_for

VERSION = "1.1"
EXTENSIONS = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_sustainability_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_metrics_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_partyDetails_scale_extension/master/extension.json",
]
CHUNK_SIZE = 500
EXTENSION_DIR = (
    Path(__file__).resolve().parent.parent / "data" / "ocds" / "extensions" / "socialvalue"
)


def extension_url() -> str:
    """The stable address of the project's own OCDS extension (listed in every package)."""
    path = reverse("dashboards:ocds_extension", kwargs={"name": "extension.json"})
    return settings.SOCIALVALUE_SITE_URL + path


def publisher_for(place: Place) -> dict | None:
    """The place's own publisher: the one configured for it, else its local authority when it
    has exactly one. None when neither says who publishes."""
    if place.open_data_publisher:
        return {"name": place.open_data_publisher}
    councils = list(
        place.organisations.filter(kind="local_authority", archived_at__isnull=True)[:2]
    )
    if len(councils) != 1:
        return None
    publisher = {"name": councils[0].name}
    parts = councils[0].identifier.split("-", 2)
    if len(parts) == 3 and all(parts):
        publisher.update(scheme=f"{parts[0]}-{parts[1]}", uid=parts[2])
    return publisher


def unpublished_reason(scope: Scope) -> str | None:
    """Why the place has no OCDS package yet, or None when it has one."""
    place = scope.place
    if not ocid_prefix():
        return (
            "Open contracting data is published once the council has registered its OCDS "
            "prefix with the Open Contracting Partnership and set it here"
        )
    if publisher_for(place) is None:
        return f"Open contracting data for {place} is published once its publisher is named"
    if not exported_contracts(scope).exists():
        return (
            f"Nothing to publish yet: no contract in {place} has started procurement with a "
            "social value assessment or commitments on record"
        )
    return None


def exported_contracts(scope: Scope):
    """The contracts in the package: procurement started under the Act (not exempt), with an
    approved assessment or a current commitment, in reference order."""
    return (
        contracts(scope)
        .filter(stage__in=STAGES, not_in_scope=False)
        .filter(
            Q(assessments__status=Assessment.Status.APPROVED)
            | Q(commitments__withdrawn_at__isnull=True, commitments__isnull=False)
        )
        .distinct()
        .order_by("reference", "pk")
    )


# A commitment's delivery in one reporting period, as the release shows it: the ledger's line,
# with the period as OCDS writes it (one dict for every commitment delivering in the period).
DeliveredLine = namedtuple("DeliveredLine", "period_id period verified")

# What a release shows of each commitment: its own fields, then its measure, area, objective and
# delivering organisation, read once per export (`_Lookups`), not once per commitment.
COMMITMENT_FIELDS = (
    "pk",
    "contract_id",
    "measure_id",
    "area_id",
    "objective_id",
    "delivered_by_id",
    "quantity",
    "start_date",
    "due_date",
    "proxy_value",
    "proxy_source",
    "proxy_year",
)


# A commitment as a release shows it (`release._agreed_metric`, `_delivery_metric`): its fields,
# what it names, and its ledger lines with verified delivery. A plain record, not a model
# instance: a county exports hundreds of thousands.
ExportedCommitment = namedtuple(
    "ExportedCommitment",
    [*COMMITMENT_FIELDS, "measure", "area", "objective", "delivered_by", "verified_returns"],
)


class _Lookups:
    """What releases show of the measures, areas and objectives the commitments name (plain
    records of a few fields), each read once however many commitments name it: a county's
    400,000 commitments share a few thousand."""

    def __init__(self):
        self.known: dict[type, dict] = {}
        self.records: dict[type, type] = {}

    def fetch(self, model, ids, fields: tuple[str, ...]) -> dict:
        known = self.known.setdefault(model, {})
        missing = set(ids) - known.keys()
        if missing:
            if model not in self.records:
                self.records[model] = namedtuple(model.__name__, fields)
            record = self.records[model]
            rows = model.objects.filter(AnyOf("pk", missing)).values_list("pk", *fields)
            known.update((pk, record(*values)) for pk, *values in rows)
        return known


def _commitments(
    contract_ids, lookups: _Lookups, organisation_ids: set[int]
) -> tuple[dict[int, list[ExportedCommitment]], dict]:
    """The current commitments of these contracts, each with its measure, area, objective,
    delivering organisation and its ledger lines with verified delivery (`verified_returns`,
    one per reporting period, in period order), and the organisations they and the contracts
    (`organisation_ids`) name: four queries, plus one per kind of thing named for the first
    time. The organisations are read afresh for each chunk of contracts, so that what is held
    does not grow with the export."""
    from objectives.models import Measure, Objective
    from people.models import Organisation
    from places.models import Area

    rows = list(
        Commitment.objects.current()
        .filter(AnyOf("contract_id", contract_ids))
        .order_by("pk")
        .values_list(*COMMITMENT_FIELDS)
    )
    lines: dict[int, list[DeliveredLine]] = {}
    periods: dict[int, dict] = {}
    for commitment_id, period_id, start, end, verified in (
        # By commitment: by contract, PostgreSQL reads the whole ledger for each chunk.
        LedgerEntry.objects.filter(
            AnyOf("commitment_id", [r[0] for r in rows]), verified_returns__gt=0
        )
        .order_by("commitment_id", "period_start")
        .values_list("commitment_id", "period_id", "period_start", "period_end", "verified")
    ):
        if period_id not in periods:
            periods[period_id] = {"startDate": _date(start), "endDate": _date(end)}
        lines.setdefault(commitment_id, []).append(
            DeliveredLine(period_id, periods[period_id], verified)
        )
    measures = lookups.fetch(Measure, {r[2] for r in rows}, ("code", "name", "unit"))
    areas = lookups.fetch(Area, {r[3] for r in rows}, ("name", "gss_code"))
    objectives = lookups.fetch(Objective, {r[4] for r in rows}, ("title",))
    organisations = {
        o.pk: o
        for o in Organisation.objects.filter(AnyOf("pk", {r[5] for r in rows} | organisation_ids))
    }
    by_contract: dict[int, list[ExportedCommitment]] = {}
    for row in rows:
        commitment = ExportedCommitment(
            *row,
            measures[row[2]],
            areas[row[3]],
            objectives[row[4]],
            organisations[row[5]],
            lines.get(row[0], []),
        )
        by_contract.setdefault(row[1], []).append(commitment)
    return by_contract, organisations


# What a release shows of a contract (`release.release_for`): its own fields, then the
# organisations it names, its award rows, its latest approved assessment and its commitments.
# Plain records, not model instances: a county exports tens of thousands of contracts, and
# building, prefetching and freeing model instances cost more than the release itself.
CONTRACT_FIELDS = (
    "pk",
    "reference",
    "ocid",
    "title",
    "description",
    "stage",
    "category",
    "estimated_value",
    "award_value",
    "procurement_started_on",
    "awarded_on",
    "contract_start",
    "contract_end",
    "buyer_id",
    "supplier_id",
)
ExportedContract = namedtuple(
    "ExportedContract",
    [
        *CONTRACT_FIELDS,
        "buyer",
        "supplier",
        "joint_buyers",
        "subcontractors",
        "award_rows",
        "assessment",
        "current_commitments",
    ],
)
ASSESSMENT_FIELDS = (
    "contract_id",
    "version",
    "approved_at",
    "weighting_percent",
    "lever_contract_conditions",
    "lever_lotting_reservation",
    "lever_supply_chain",
    "economic_relevant",
    "social_relevant",
    "environmental_relevant",
)
ExportedAssessment = namedtuple("ExportedAssessment", ASSESSMENT_FIELDS)
AwardRow = namedtuple("AwardRow", "organisation_id organisation value")


def _named(through, ids) -> dict[int, list[int]]:
    """Per contract, the organisations a many-to-many field names, in name order (as the
    field's own `.all()` gives them)."""
    named: dict[int, list[int]] = {}
    for contract_id, organisation_id in (
        through.objects.filter(AnyOf("contract_id", ids))
        .order_by("organisation__name", "organisation_id")
        .values_list("contract_id", "organisation_id")
    ):
        named.setdefault(contract_id, []).append(organisation_id)
    return named


def _with_details(ids, lookups: _Lookups | None = None) -> list[ExportedContract]:
    """These contracts with everything their releases show, in a fixed number of queries,
    in reference order."""

    lookups = lookups or _Lookups()
    rows = list(
        Contract.objects.filter(AnyOf("pk", ids))
        .order_by("reference", "pk")
        .values_list(*CONTRACT_FIELDS)
    )
    ids = [row[0] for row in rows]
    assessments: dict[int, ExportedAssessment] = {}
    for row in (
        Assessment.objects.filter(AnyOf("contract_id", ids), status=Assessment.Status.APPROVED)
        .order_by("contract_id", "-version")
        .values_list(*ASSESSMENT_FIELDS)
    ):
        assessments.setdefault(row[0], ExportedAssessment(*row))  # the latest approved
    award_rows: dict[int, list[tuple]] = {}
    for contract_id, *row in (
        AwardSupplier.objects.filter(AnyOf("contract_id", ids))
        .order_by("contract_id", "position", "pk")
        .values_list("contract_id", "organisation_id", "value")
    ):
        award_rows.setdefault(contract_id, []).append(row)
    joint_buyers = _named(Contract.joint_buyers.through, ids)
    subcontractors = _named(Contract.subcontractors.through, ids)
    named = (
        {row[-2] for row in rows}
        | {row[-1] for row in rows if row[-1]}
        | {row[0] for found in award_rows.values() for row in found}
        | {pk for found in (*joint_buyers.values(), *subcontractors.values()) for pk in found}
    )
    commitments, organisations = _commitments(ids, lookups, named)
    return [
        ExportedContract(
            *row,
            buyer=organisations[row[-2]],
            supplier=organisations.get(row[-1]),
            joint_buyers=[organisations[pk] for pk in joint_buyers.get(row[0], ())],
            subcontractors=[organisations[pk] for pk in subcontractors.get(row[0], ())],
            award_rows=[
                AwardRow(pk, organisations[pk], value) for pk, value in award_rows.get(row[0], ())
            ],
            assessment=assessments.get(row[0]),
            current_commitments=commitments.get(row[0], []),
        )
        for row in rows
    ]


def _head(*, uri: str, now: str, place: Place) -> dict:
    return {
        "uri": uri,
        "version": VERSION,
        "publishedDate": now,
        "publisher": publisher_for(place) or {"name": place.name},
        "extensions": [*EXTENSIONS, extension_url()],
    }


def releases(scope: Scope, *, now: str, chunk_size: int | None = None):
    """Each contract's release, reading the contracts and what they carry a chunk at a time,
    so a county's export is held in memory one chunk at a time, never whole. What many
    contracts share (measures, areas, objectives, organisations) is read once."""
    chunk_size = chunk_size or CHUNK_SIZE
    ids = list(exported_contracts(scope).values_list("pk", flat=True))
    lookups = _Lookups()
    for start in range(0, len(ids), chunk_size):
        for contract in _with_details(ids[start : start + chunk_size], lookups):
            yield release_for(contract, now=now)


def release_package(scope: Scope, *, uri: str) -> dict:
    now = _datetime(timezone.now())
    return {
        **_head(uri=uri, now=now, place=scope.place),
        "releases": list(releases(scope, now=now)),
    }


def release_package_text(scope: Scope, *, uri: str):
    """The release package as JSON text in pieces, for a streamed response: the same document
    as `release_package`, one release at a time."""
    now = _datetime(timezone.now())
    head = json.dumps(
        {**_head(uri=uri, now=now, place=scope.place), "releases": None},
        indent=2,
        ensure_ascii=False,
    )
    before, after = head.rsplit("null", 1)
    yield before + "["
    separator = "\n"
    for release in releases(scope, now=now):
        # One release per line, compact: json's C encoder, which (unlike indenting) leaves no
        # reference cycles behind for the garbage collector. A release has no cycles to look
        # for (what releases share, such as a period's dates, is shared, never nested in itself).
        yield separator + json.dumps(release, ensure_ascii=False, check_circular=False)
        separator = ",\n"
    yield "\n]" + after
