"""Moving an imported contract to the stage its notice shows, through the stage services.

The stage only moves forward, one service at a time, as on the pages: procurement started
(`contract_record_procurement_start`: a notice is the evidence, and `compliance_for` records
whether section 1 came first), awarded (`contract_award`, or `contract_award_amend` for a later
award notice), in delivery and closed (`contract_advance`). A notice showing an earlier stage
than the contract's is noted and the stage kept. Cancelling a contract recorded before the
import needs the importer's confirmation: until then the release is held and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone

from .. import services
from ..models import SUPPLIER_KINDS, Contract
from ..services import AwardedSupplier
from .matching import register_failure
from .report import Cancellation

if TYPE_CHECKING:
    from .applying import ImportContext
    from .releases import Award, Release
    from .report import ReleaseOutcome

Stage = Contract.Stage
ORDER = Contract.ORDER
NO_ASSESSMENT = "imported after procurement started: no assessment on record"


class Held(Exception):
    """The release would cancel a contract recorded before the import: confirm it first."""


def _index(stage: str) -> int:
    return ORDER.index(stage) if stage in ORDER else -1


def advance(
    release: Release,
    contract: Contract,
    ctx: ImportContext,
    outcome: ReleaseOutcome,
    *,
    existed: bool,
) -> Contract:
    target = release.stage
    if target == Stage.CANCELLED:
        if release.started_on and contract.stage_index < _index(Stage.PROCUREMENT_STARTED):
            contract = _start(release, contract, ctx, outcome)
        return _cancel(release, contract, ctx, existed=existed)
    if _index(target) >= _index(Stage.PROCUREMENT_STARTED) > contract.stage_index:
        contract = _start(release, contract, ctx, outcome)
    if release.award is not None and _index(target) >= _index(Stage.AWARDED):
        contract = _award(release, release.award, contract, ctx, outcome)
    while (
        contract.stage in services.TRANSITIONS
        and _index(target) > contract.stage_index
        and contract.stage_index >= _index(Stage.AWARDED)
    ):
        contract = services.contract_advance(
            contract=contract, to=services.TRANSITIONS[contract.stage], by=ctx.by
        )
    if 0 <= _index(target) < contract.stage_index:
        outcome.notes.append(
            f"the notice shows {Stage(target).label.lower()}, and the contract is already "
            f"{contract.get_stage_display().lower()} here: its stage is kept"
        )
    return contract


def _cancel(release: Release, contract: Contract, ctx: ImportContext, *, existed: bool):
    if contract.stage == Stage.CANCELLED:
        return contract
    confirmed = release.ocid in ctx.confirmed_cancellations
    if existed:
        ctx.report.cancellations[release.ocid] = Cancellation(
            release.ocid, contract.reference, contract.title, confirmed=confirmed
        )
    if existed and not confirmed:
        raise Held(
            f"this notice cancels {contract.reference} ({contract.title}). Confirm the "
            "cancellation to apply it"
        )
    reason = release.cancelled_reason or "Cancelled (OCDS notice)"
    return services.contract_cancel(contract=contract, reason=reason, by=ctx.by)


def _start(release: Release, contract: Contract, ctx: ImportContext, outcome) -> Contract:
    """Record the start the notice shows: the tender period's start, else the award's date,
    else the date the notice was published (publishing a notice starts a procurement)."""
    started_on = release.started_on
    if started_on is None and release.award is not None:
        started_on = release.award.awarded_on
    if started_on is None and release.date is not None:
        started_on = min(timezone.localtime(release.date).date(), timezone.localdate())
        outcome.notes.append(
            f"the notice gives no tender start: its date, {started_on:%-d %B %Y}, is recorded "
            "as the start of procurement"
        )
    if started_on is None:
        raise ValidationError({"started_on": "the notice gives no date to start procurement on"})
    contract = services.contract_record_procurement_start(
        contract=contract, started_on=started_on, by=ctx.by
    )
    if contract.s1_compliance == Contract.Compliance.NOT_RECORDED:
        outcome.notes.append(NO_ASSESSMENT)
    return contract


def _suppliers(award: Award, ctx: ImportContext, outcome) -> list[AwardedSupplier]:
    """Each supplier of the award once, found or registered. A supplier with no name that is
    not known by its identifier is left off, and the report says so."""
    found: dict[int, AwardedSupplier] = {}
    for named in award.suppliers:
        party = named.party
        organisation = ctx.suppliers.find(party)
        if organisation is None and not party.name:
            outcome.notes.append(
                f"a supplier with no name ({', '.join(party.ids) or 'and no identifier'}) is "
                "not known here, so it was left off the award. Add it as an organisation with "
                "that identifier and import the notice again"
            )
            continue
        if organisation is None:
            try:
                organisation = ctx.suppliers.register(party)
            except ValidationError as error:
                raise ValidationError({"supplier": register_failure(party, error)}) from None
        if organisation.kind not in SUPPLIER_KINDS:
            raise ValidationError(
                {
                    "supplier": f"The supplier {party.describe()} is registered here as "
                    f"{organisation} ({organisation.get_kind_display()}), which is not a "
                    "supplier"
                }
            )
        share = named.value
        if organisation.pk in found:  # named twice: a share is known only if every one is
            earlier = found[organisation.pk].value
            share = earlier + share if earlier is not None and share is not None else None
        found[organisation.pk] = AwardedSupplier(organisation, share, party.identifier)
    return list(found.values())


def _award(release: Release, award: Award, contract: Contract, ctx: ImportContext, outcome):
    suppliers = _suppliers(award, ctx, outcome)
    if not suppliers:
        outcome.notes.append("no supplier of the award could be recorded: the award is left out")
        return contract
    awarded_on = award.awarded_on
    if awarded_on is None and release.date is not None:
        awarded_on = min(timezone.localtime(release.date).date(), timezone.localdate())
        outcome.notes.append(
            f"the award has no date: the notice's, {awarded_on:%-d %B %Y}, is recorded"
        )
    if contract.stage == Stage.PROCUREMENT_STARTED:
        return services.contract_award(
            contract=contract,
            by=ctx.by,
            suppliers=suppliers,
            award_value=award.value,
            awarded_on=awarded_on,
            contract_start=award.contract_start,
            contract_end=award.contract_end,
        )
    if contract.stage not in (Stage.AWARDED, Stage.IN_DELIVERY):
        return contract
    changes = _award_changes(award, contract, suppliers)
    if changes:
        services.contract_award_amend(contract=contract, by=ctx.by, **changes)
        contract = Contract.objects.get(pk=contract.pk)
    return contract


def _award_changes(award: Award, contract: Contract, suppliers: list[AwardedSupplier]) -> dict:
    """What a later award notice changes: only what it gives, and differs."""
    changes: dict = {}
    current = [
        (row.organisation_id, row.value) for row in contract.award_suppliers.order_by("position")
    ]
    if current != [(s.organisation.pk, s.value) for s in suppliers]:
        changes["suppliers"] = suppliers
    for name, value in (
        ("award_value", award.value),
        ("awarded_on", award.awarded_on),
        ("contract_start", award.contract_start),
        ("contract_end", award.contract_end),
    ):
        if value is not None and getattr(contract, name) != value:
            changes[name] = value
    return changes
