"""Applying one release: who may, and writing it through the contract services.

A release is applied only when its buyer is one of the importer's bodies and, for a contract
already recorded, when the importer manages that contract and the release names the same buyer.
An older release than the one last applied changes nothing. The writing goes through the same
services as the pages (`contract_create`, `contract_update`, the stage services in
`stages.py`), in a savepoint of its own: a release that breaks a rule is rolled back alone and
listed with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from people.models import Organisation, User
from places.models import Place

from .. import services
from ..models import Contract
from .matching import BuyerDirectory, SupplierBook
from .reading import OcdsError, join
from .releases import REFERENCE_MAX, Party, Release
from .report import ImportReport, ReleaseOutcome, Status, UnrecognisedBuyer
from .stages import Held, advance

Stage = Contract.Stage
# The fields a release may set, in the order the report lists changes.
RELEASE_FIELDS = (
    "title",
    "description",
    "estimated_value",
    "cpv_code",
    "category",
    "procedure",
    "planned_procurement_start",
)
# Service field names that are about the same part of the release as another.
FIELD_PATHS = {
    "organisation": "supplier",
    "delivered_by": "supplier",
    "supplier": "suppliers",
    "period": "contract_start",
}
WATCHED = (
    "reference",
    *RELEASE_FIELDS,
    "procurement_started_on",
    "awarded_on",
    "contract_start",
    "contract_end",
    "award_value",
    "stage",
    "cancelled_reason",
)


@dataclass
class ImportContext:
    place: Place
    by: User
    directory: BuyerDirectory
    suppliers: SupplierBook
    report: ImportReport
    confirmed_cancellations: set[str] = field(default_factory=set)
    chosen_parties: dict[str, Party] = field(default_factory=dict)  # review-page matches used


def apply_release(release: Release, ctx: ImportContext) -> ReleaseOutcome:
    outcome = ReleaseOutcome(release.path, release.ocid, release.date, notes=list(release.notes))
    buyer = _buyer(release, ctx, outcome)
    if buyer is None:
        return outcome
    if release.problems:
        outcome.status, outcome.problems = Status.PROBLEM, list(release.problems)
        return outcome
    contract = (
        Contract.objects.select_for_update()
        .select_related("buyer", "place")
        .filter(ocid=release.ocid)
        .first()
    )
    if contract is not None and not _may_update(contract, buyer, release, ctx, outcome):
        return outcome
    mark = ctx.suppliers.mark()
    try:
        with transaction.atomic():
            _write(release, contract, buyer, ctx, outcome)
    except Held as held:
        outcome.status, outcome.reason = Status.HELD, str(held)
        ctx.suppliers.roll_back_to(mark)
    except ValidationError as error:
        outcome.status, outcome.problems = Status.PROBLEM, _problems(error, release)
        ctx.suppliers.roll_back_to(mark)
    return outcome


def _buyer(release: Release, ctx: ImportContext, outcome: ReleaseOutcome) -> Organisation | None:
    """The release's buyer when it is one of the importer's bodies; otherwise None, and the
    outcome says why."""
    if release.buyer is None:
        outcome.status = Status.PROBLEM
        outcome.problems = [OcdsError(join(release.path, "buyer"), "the release names no buyer")]
        return None
    match = ctx.directory.match(release.buyer)
    body = match.organisation
    if not match.recognised:
        unknown = ctx.report.unrecognised.setdefault(
            match.key, UnrecognisedBuyer(match.key, release.buyer.name or "", release.buyer.ids)
        )
        unknown.releases += 1
        unknown.chosen_id = body.pk if body is not None else None
    if body is None:
        outcome.status = Status.SKIPPED
        outcome.reason = (
            f"the buyer {release.buyer.describe()} is not recognised. If it is one of your "
            "bodies, say so on the review page"
        )
        return None
    outcome.buyer = body.name
    if body.pk not in ctx.directory.mine:
        outcome.status = Status.SKIPPED
        outcome.reason = (
            f"the buyer is {body}, not one of the bodies you are an officer of in {ctx.place}"
        )
        return None
    if not match.recognised:
        ctx.chosen_parties.setdefault(match.key, release.buyer)
    return body


def _may_update(
    contract: Contract,
    buyer: Organisation,
    release: Release,
    ctx: ImportContext,
    outcome: ReleaseOutcome,
) -> bool:
    """A recorded contract is updated only by its own buyer's officers, from a release naming
    the same buyer, newer than the last one applied, while the contract is open."""
    outcome.contract_id, outcome.reference, outcome.title = (
        contract.pk,
        contract.reference,
        contract.title,
    )
    buyers = {contract.buyer_id, *contract.joint_buyers.values_list("pk", flat=True)}
    refusal, skip = "", ""
    if contract.place_id != ctx.place.pk:
        refusal = f"{release.ocid} is already recorded in {contract.place}. Import it there"
    elif not buyers & set(ctx.directory.mine):
        refusal = (
            f"{release.ocid} is {contract.reference}, a contract of {contract.buyer}: only its "
            "officers can update it"
        )
    elif buyer.pk not in buyers:
        refusal = (
            f"the notice names {buyer} as the buyer, but {contract.reference} is bought by "
            f"{contract.buyer} here. An import never moves a contract to another buyer"
        )
    elif release.date and contract.ocds_release_date and release.date < contract.ocds_release_date:
        skip = (
            f"this notice ({release.date:%-d %b %Y %H:%M}) is older than the one already applied "
            f"to {contract.reference} ({contract.ocds_release_date:%-d %b %Y %H:%M}), so it "
            "changes nothing"
        )
    elif contract.stage in (Stage.CLOSED, Stage.CANCELLED):
        skip = f"{contract.reference} is {contract.get_stage_display().lower()} here: left as it is"
    if refusal:
        outcome.status, outcome.reason = Status.REFUSED, refusal
    elif skip:
        outcome.status, outcome.reason = Status.SKIPPED, skip
    return not (refusal or skip)


def snapshot(contract: Contract) -> dict[str, Any]:
    values = {name: getattr(contract, name) for name in WATCHED}
    values["suppliers"] = [
        (row.organisation_id, row.value) for row in contract.award_suppliers.order_by("position")
    ]
    return values


def _write(release, contract, buyer, ctx: ImportContext, outcome: ReleaseOutcome) -> None:
    existed = contract is not None
    before = snapshot(contract) if existed else {}
    periods_before = contract.periods.count() if existed else 0
    write = _update(release, contract, ctx) if existed else None
    contract = write or _create(release, buyer, ctx, outcome)
    contract = advance(release, contract, ctx, outcome, existed=existed)
    after = snapshot(contract)
    ctx.report.periods_created += contract.periods.count() - periods_before
    outcome.contract_id, outcome.reference, outcome.title = (
        contract.pk,
        contract.reference,
        contract.title,
    )
    if not existed:
        outcome.status = Status.CREATED
        if not release.value_published:
            outcome.notes.append("no value was published: recorded as 'value not published'")
        return
    outcome.changed = [
        name.replace("_", " ") for name in (*WATCHED, "suppliers") if after[name] != before[name]
    ]
    outcome.status = Status.UPDATED if outcome.changed else Status.UNCHANGED


def _reference(release: Release, buyer: Organisation, outcome: ReleaseOutcome) -> str:
    """The tender's id, else (if it is too long or the buyer already uses it) the ocid."""
    tender_id = release.tender_id
    if tender_id and len(tender_id) <= REFERENCE_MAX:
        taken = Contract.objects.filter(buyer=buyer, reference=tender_id.strip()).exists()
        if not taken:
            return tender_id
        outcome.notes.append(
            f"{buyer} already has a contract {tender_id}: the ocid is used as the reference"
        )
    if len(release.ocid) <= REFERENCE_MAX:
        return release.ocid
    raise ValidationError(
        {"reference": f"neither the tender id nor the ocid fits in {REFERENCE_MAX} characters"}
    )


def _create(release, buyer, ctx: ImportContext, outcome: ReleaseOutcome) -> Contract:
    fields = release.fields
    if "title" not in fields:
        raise ValidationError({"title": "the release has no title, which a new contract needs"})
    return services.contract_create(
        by=ctx.by,
        buyer=buyer,
        place=ctx.place,
        reference=_reference(release, buyer, outcome),
        title=fields["title"],
        category=fields.get("category", Contract.Category.MIXED),
        estimated_value=fields.get("estimated_value"),
        description=fields.get("description", ""),
        cpv_code=fields.get("cpv_code", ""),
        procedure=fields.get("procedure", Contract.Procedure.OTHER),
        planned_procurement_start=fields.get("planned_procurement_start"),
        ocid=release.ocid,
        ocds_release_date=release.date,
    )


def _update(release: Release, contract: Contract, ctx: ImportContext) -> Contract:
    changes = {
        name: value
        for name, value in release.fields.items()
        if name in RELEASE_FIELDS and getattr(contract, name) != value
    }
    if contract.reference == release.ocid and release.tender_id:
        tender_id = release.tender_id
        if len(tender_id) <= REFERENCE_MAX and not (
            Contract.objects.filter(buyer=contract.buyer, reference=tender_id).exists()
        ):
            changes["reference"] = tender_id
    if release.date and release.date != contract.ocds_release_date:
        changes["ocds_release_date"] = release.date
    if not changes:
        return contract
    return services.contract_update(contract=contract, by=ctx.by, **changes)


def _problems(error: ValidationError, release: Release) -> list[OcdsError]:
    """A rule the services refused, at the path of what it is about (else the release's)."""
    if not hasattr(error, "error_dict"):
        return [OcdsError(release.path, message) for message in error.messages]
    problems = []
    for name, messages in error.message_dict.items():
        path = release.paths.get(name) or release.paths.get(FIELD_PATHS.get(name, "")) or ""
        problems += [OcdsError(path or release.path, message) for message in messages]
    return problems
