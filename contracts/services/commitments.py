"""After award: suppliers, subcontractors, KPIs, performance ratings and the commitments suppliers
make."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from objectives.models import Measure, Objective
from people.models import Organisation, User
from places.models import Area

from ..models import (
    Commitment,
    Contract,
    KeyPerformanceIndicator,
    PerformanceAssessment,
)
from .award import award_supplier_ids
from .common import Stage, _by

# Award: suppliers, subcontractors, KPIs and commitments --------------------------------------


@transaction.atomic
def supplier_create(
    *, by: User, name: str, size: str, is_vcse: bool, identifier: str = ""
) -> Organisation:
    from people.services import organisation_register

    return organisation_register(
        by=by,
        name=name,
        kind=Organisation.Kind.SUPPLIER,
        size=size,
        is_vcse=is_vcse,
        identifier=identifier,
    )


@transaction.atomic
def subcontractor_add(*, contract: Contract, organisation: Organisation, by: User) -> None:
    if contract.stage not in (Stage.AWARDED, Stage.IN_DELIVERY):
        raise ValidationError("Subcontractors are added once the contract is awarded")
    if organisation.pk in award_supplier_ids(contract):
        raise ValidationError({"organisation": "That is a supplier on the award"})
    _by(contract, by)
    contract.subcontractors.add(organisation)


@transaction.atomic
def kpi_add(
    *, contract: Contract, by: User, name: str, target: str = ""
) -> KeyPerformanceIndicator:
    if contract.stage in (Stage.CLOSED, Stage.CANCELLED):
        raise ValidationError(f"The contract is {contract.get_stage_display().lower()}")
    kpi = KeyPerformanceIndicator(contract=contract, name=name.strip(), target=target.strip())
    kpi.full_clean()
    _by(kpi, by).save()
    return kpi


@transaction.atomic
def performance_rate(
    *, contract: Contract, by: User, period_end: datetime.date, rating: str, explanation: str = ""
) -> PerformanceAssessment:
    if contract.stage not in (Stage.IN_DELIVERY, Stage.CLOSED, Stage.AWARDED):
        raise ValidationError("A contract is rated once it is awarded")
    if period_end > timezone.localdate():
        raise ValidationError({"period_end": "The year being rated must have ended"})
    record = PerformanceAssessment(
        contract=contract,
        assessed_by=by,
        period_end=period_end,
        rating=rating,
        explanation=explanation.strip(),
    )
    record.full_clean()
    _by(record, by).save()
    return record


@transaction.atomic
def commitment_add(
    *,
    contract: Contract,
    by: User,
    measure: Measure,
    quantity: Decimal,
    area: Area,
    objective: Objective,
    start_date: datetime.date,
    due_date: datetime.date,
    delivered_by: Organisation | None = None,
    schedule: str = Commitment.Schedule.QUARTERLY,
) -> Commitment:
    """Counts first: a quantity of a measure, where, for which objective, by when. The proxy £
    per unit is copied now, so later framework changes do not rewrite history."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.stage not in (Stage.AWARDED, Stage.IN_DELIVERY):
        raise ValidationError("Commitments are recorded once the contract is awarded")
    delivered_by = delivered_by or contract.supplier
    if (
        delivered_by.pk not in award_supplier_ids(contract)
        and not contract.subcontractors.filter(pk=delivered_by.pk).exists()
    ):
        raise ValidationError(
            {
                "delivered_by": "Choose a supplier on the award or one of the subcontractors "
                "on this contract"
            }
        )
    commitment = Commitment(
        contract=contract,
        delivered_by=delivered_by,
        measure=measure,
        quantity=quantity,
        area=area,
        objective=objective,
        start_date=start_date,
        due_date=due_date,
        schedule=schedule,
        proxy_value=measure.proxy_value,
        proxy_source=measure.proxy_source,
        proxy_year=measure.proxy_year,
    )
    commitment.full_clean()
    _by(commitment, by).save()
    return commitment


@transaction.atomic
def commitment_set_recovery_action(*, commitment: Commitment, by: User, action: str) -> Commitment:
    commitment.recovery_action = action.strip()
    _by(commitment, by).save()
    return commitment
