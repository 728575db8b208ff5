"""Contracts through the pipeline: created, changed, started in procurement (with the section 1
gate and compliance), advanced and cancelled."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import Organisation, User
from places.models import Place

from ..models import (
    Assessment,
    Contract,
)
from .common import Stage, _by, _set_stage

# Contracts ------------------------------------------------------------------------------------


@transaction.atomic
def contract_create(
    *,
    by: User,
    buyer: Organisation,
    place: Place,
    reference: str,
    title: str,
    category: str,
    estimated_value: Decimal | None,
    owner: User | None = None,
    description: str = "",
    cpv_code: str = "",
    procedure: str = Contract.Procedure.OPEN,
    planned_procurement_start: datetime.date | None = None,
    areas=(),
    joint_buyers=(),
    ocid: str = "",
    ocds_release_date: datetime.datetime | None = None,
) -> Contract:
    contract = Contract(
        buyer=buyer,
        place=place,
        reference=reference.strip(),
        title=title.strip(),
        category=category,
        estimated_value=estimated_value,
        owner=owner or by,
        description=description.strip(),
        cpv_code=cpv_code.strip(),
        procedure=procedure,
        planned_procurement_start=planned_procurement_start,
        ocid=ocid,
        ocds_release_date=ocds_release_date,
    )
    contract.full_clean()
    _by(contract, by).save()
    _set_areas(contract, areas)
    contract.joint_buyers.set([o for o in joint_buyers if o.pk != buyer.pk])
    return contract


def _set_areas(contract: Contract, areas) -> None:
    areas = list(areas)
    outside = [a.name for a in areas if a.place_id != contract.place_id]
    if outside:
        raise ValidationError({"areas": f"{', '.join(outside)} not in {contract.place}"})
    contract.areas.set(areas)


@transaction.atomic
def contract_update(*, contract: Contract, by: User, **fields) -> Contract:
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.stage in (Stage.CLOSED, Stage.CANCELLED):
        raise ValidationError(f"This contract is {contract.get_stage_display().lower()}")
    areas = fields.pop("areas", None)
    joint_buyers = fields.pop("joint_buyers", None)
    for name, value in fields.items():
        setattr(contract, name, value.strip() if isinstance(value, str) else value)
    contract.full_clean()
    _by(contract, by).save()
    if areas is not None:
        _set_areas(contract, areas)
    if joint_buyers is not None:
        contract.joint_buyers.set([o for o in joint_buyers if o.pk != contract.buyer_id])
    return contract


def approved_assessment(contract: Contract) -> Assessment | None:
    """The earliest approved version: the dated record that section 1 was considered."""
    return (
        contract.assessments.filter(
            status__in=[Assessment.Status.APPROVED, Assessment.Status.SUPERSEDED],
            approved_at__isnull=False,
        )
        .order_by("approved_at")
        .first()
    )


def compliance_for(contract: Contract, started_on: datetime.date | None) -> str:
    """A named rule: section 1 is met when an assessment was approved on or before the day
    procurement started, or the contract is out of the Act's scope. A start recorded before any
    approval is non-compliant: the record says so, and dashboards count it. A contract with no
    assessment on record at all (imported, or started before the service was used) is "not
    recorded", counted apart: nothing shows section 1 was not considered."""
    if contract.not_in_scope:
        return Contract.Compliance.EXEMPT
    if started_on is None:
        return Contract.Compliance.NOT_STARTED
    assessment = approved_assessment(contract)
    if assessment is None:
        if contract.pk is None or not contract.assessments.exists():
            return Contract.Compliance.NOT_RECORDED
        return Contract.Compliance.NON_COMPLIANT
    approved_on = timezone.localtime(assessment.approved_at).date()
    return (
        Contract.Compliance.COMPLIANT
        if approved_on <= started_on
        else Contract.Compliance.NON_COMPLIANT
    )


def procurement_start_gate(contract: Contract) -> str | None:
    """A named rule: a contract cannot move to "procurement started" without an approved
    assessment, or an exemption a second person has confirmed (which alone sets
    `not_in_scope`). Returns why not, or None."""
    if contract.stage != Stage.APPROVED:
        return (
            f"The contract is {contract.get_stage_display().lower()}. It must be approved to "
            "procure first"
        )
    if contract.not_in_scope:
        return None
    if approved_assessment(contract) is None:
        return (
            "Approve the social value assessment, or have an exemption confirmed if the Act "
            "does not apply"
        )
    return None


@transaction.atomic
def contract_start_procurement(
    *, contract: Contract, started_on: datetime.date, by: User
) -> Contract:
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    problem = procurement_start_gate(contract)
    if problem:
        raise ValidationError({"stage": problem})
    _record_start(contract, started_on, by)
    return contract


def _record_start(contract: Contract, started_on: datetime.date, by: User) -> None:
    """Procurement started on `started_on`: recorded with its section 1 compliance."""
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": "The start date cannot be in the future"})
    contract.procurement_started_on = started_on
    contract.s1_compliance = compliance_for(contract, started_on)
    _set_stage(contract, Stage.PROCUREMENT_STARTED, by)


@transaction.atomic
def contract_record_procurement_start(
    *, contract: Contract, started_on: datetime.date, by: User
) -> Contract:
    """Record a start that happened outside the service, shown by a published notice (an
    imported tender or award). Unlike `contract_start_procurement` this cannot be gated: the
    procurement has started whatever the service says. `compliance_for` records whether section
    1 was considered before it, so a contract imported with no approved assessment says so."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.stage_index >= Contract.ORDER.index(Stage.PROCUREMENT_STARTED) or (
        contract.stage == Stage.CANCELLED
    ):
        raise ValidationError(
            {"stage": f"The contract is already {contract.get_stage_display().lower()}"}
        )
    _record_start(contract, started_on, by)
    return contract


TRANSITIONS = {
    Stage.AWARDED: Stage.IN_DELIVERY,
    Stage.IN_DELIVERY: Stage.CLOSED,
}


@transaction.atomic
def contract_advance(*, contract: Contract, to: str, by: User) -> Contract:
    """Awarded → in delivery → closed. Other moves have their own services; backwards never."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if TRANSITIONS.get(contract.stage) != to:
        raise ValidationError(
            {
                "stage": (
                    f"A contract that is {contract.get_stage_display().lower()} cannot move to "
                    f"{Stage(to).label.lower()}"
                )
            }
        )
    _set_stage(contract, to, by)
    return contract


@transaction.atomic
def contract_cancel(*, contract: Contract, reason: str, by: User) -> Contract:
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.stage in (Stage.CLOSED, Stage.CANCELLED):
        raise ValidationError(
            {"stage": f"The contract is already {contract.get_stage_display().lower()}"}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Explain why the contract is cancelled"})
    contract.cancelled_reason = reason.strip()
    _set_stage(contract, Stage.CANCELLED, by)
    return contract
