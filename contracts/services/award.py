"""Award: the suppliers named on an award, their dates and shares, and amending them."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import Organisation, User

from ..models import (
    AwardSupplier,
    Commitment,
    Contract,
)
from .common import Stage, _by, _ensure_periods, _set_stage


@dataclass(frozen=True)
class AwardedSupplier:
    """One supplier named on an award: its share of the value only where the source gives it,
    and the identifier the source used for it."""

    organisation: Organisation
    value: Decimal | None = None
    identifier: str = ""


def _award_dates(
    contract: Contract,
    awarded_on: datetime.date,
    contract_start: datetime.date | None,
    contract_end: datetime.date | None,
) -> None:
    if awarded_on > timezone.localdate():
        raise ValidationError({"awarded_on": "The award date cannot be in the future"})
    if contract.procurement_started_on and awarded_on < contract.procurement_started_on:
        raise ValidationError(
            {"awarded_on": "The award date must be on or after the date procurement started"}
        )
    if contract_start and contract_end and contract_end <= contract_start:
        raise ValidationError(
            {"contract_end": "The contract end date must be after its start date"}
        )


def _set_award_suppliers(contract: Contract, suppliers: list[AwardedSupplier], by: User) -> None:
    """The award names exactly `suppliers`, in order. A supplier with current commitments on the
    contract cannot be taken off it."""
    if not suppliers:
        raise ValidationError({"supplier": "Name at least one supplier on the award"})
    wanted = [s.organisation.pk for s in suppliers]
    if len(set(wanted)) != len(wanted):
        raise ValidationError({"supplier": "Name each supplier on the award once"})
    existing = {row.organisation_id: row for row in contract.award_suppliers.all()}
    leaving = set(existing) - set(wanted)
    committed = (
        Commitment.objects.current()
        .filter(contract=contract, delivered_by_id__in=leaving)
        .select_related("delivered_by")
        .first()
    )
    if committed is not None:
        raise ValidationError(
            {
                "supplier": f"{committed.delivered_by} has commitments on this contract, so it "
                "stays on the award. Withdraw its commitments first"
            }
        )
    for organisation_id in leaving:
        _by(existing[organisation_id], by).delete()
    for position, supplier in enumerate(suppliers):
        row = existing.get(supplier.organisation.pk) or AwardSupplier(
            contract=contract, organisation=supplier.organisation
        )
        before = (row.pk, row.position, row.value, row.identifier)
        row.position, row.value = position, supplier.value
        row.identifier = supplier.identifier or row.identifier
        if (row.pk, row.position, row.value, row.identifier) != before or row.pk is None:
            row.full_clean()
            _by(row, by).save()
    if contract.supplier_id != wanted[0]:
        contract.supplier = suppliers[0].organisation
        contract.full_clean()
        _by(contract, by).save()


@transaction.atomic
def contract_award(
    *,
    contract: Contract,
    by: User,
    award_value: Decimal | None,
    awarded_on: datetime.date,
    contract_start: datetime.date | None,
    contract_end: datetime.date | None,
    supplier: Organisation | None = None,
    suppliers: Sequence[AwardedSupplier] = (),
) -> Contract:
    """Award the contract to `supplier`, or to every one of `suppliers` (a framework or a joint
    award). The award value is the whole award's and is never divided among suppliers; each
    supplier's own share is recorded only where it is known. An award value or contract period
    that was not published may be left empty (imports); the pages always ask for them."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.stage != Stage.PROCUREMENT_STARTED:
        raise ValidationError(
            {"stage": "Only a contract whose procurement has started can be awarded"}
        )
    if (supplier is None) == (not suppliers):
        raise ValueError("Give either supplier or suppliers")
    named = [AwardedSupplier(supplier)] if supplier is not None else list(suppliers)
    _award_dates(contract, awarded_on, contract_start, contract_end)
    contract.award_value = award_value
    contract.awarded_on = awarded_on
    contract.contract_start = contract_start
    contract.contract_end = contract_end
    contract.supplier = named[0].organisation
    _set_stage(contract, Stage.AWARDED, by)
    _set_award_suppliers(contract, named, by)
    _ensure_periods(contract)
    return contract


_UNCHANGED = object()


@transaction.atomic
def contract_award_amend(
    *,
    contract: Contract,
    by: User,
    suppliers: Sequence[AwardedSupplier] | None = None,
    award_value=_UNCHANGED,
    awarded_on=_UNCHANGED,
    contract_start=_UNCHANGED,
    contract_end=_UNCHANGED,
) -> int:
    """Change a recorded award (a later award notice, or a correction): only what is given.
    The same rules as the award; a supplier with commitments stays on it. Reporting periods are
    made when the contract period becomes known, and otherwise kept as they are (returns may
    hang on them). Returns how many periods were made."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.stage not in (Stage.AWARDED, Stage.IN_DELIVERY):
        raise ValidationError(
            {"stage": f"The contract is {contract.get_stage_display().lower()}: its award is kept"}
        )
    for name, value in (
        ("award_value", award_value),
        ("awarded_on", awarded_on),
        ("contract_start", contract_start),
        ("contract_end", contract_end),
    ):
        if value is not _UNCHANGED:
            setattr(contract, name, value)
    _award_dates(contract, contract.awarded_on, contract.contract_start, contract.contract_end)
    contract.full_clean()
    _by(contract, by).save()
    if suppliers is not None:
        _set_award_suppliers(contract, list(suppliers), by)
    return _ensure_periods(contract)


@transaction.atomic
def award_supplier_add(
    *, contract: Contract, organisation: Organisation, by: User, value: Decimal | None = None
) -> AwardSupplier:
    """Name another supplier on the award (a framework or a joint award), after the others."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.stage not in (Stage.AWARDED, Stage.IN_DELIVERY):
        raise ValidationError("Suppliers are added to the award once the contract is awarded")
    if contract.award_suppliers.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": f"{organisation} is already on the award"})
    if contract.subcontractors.filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": f"{organisation} is a subcontractor here"})
    last = contract.award_suppliers.order_by("-position").values_list("position", flat=True)
    row = AwardSupplier(
        contract=contract,
        organisation=organisation,
        position=(last.first() or 0) + 1,
        identifier=organisation.identifier,
        value=value,
    )
    row.full_clean()
    _by(row, by).save()
    return row


def award_supplier_ids(contract: Contract) -> set[int]:
    """The organisations named on the contract's award (prefetch `award_suppliers` to read them
    without a query)."""
    ids = {row.organisation_id for row in contract.award_suppliers.all()}
    if contract.supplier_id:
        ids.add(contract.supplier_id)
    return ids
