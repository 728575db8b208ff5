"""Support a group confirmed it received from a supplier: confirmed on the return that claims
it, or counted into the commitment's return for its period (a pledge on the needs board)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import Organisation, User

from .. import ledger
from ..models import Commitment, DeliveryReturn, ReportingPeriod
from .common import Stage, _by, _set_stage
from .periods import period_of


@transaction.atomic
def return_confirm_support(*, delivery_return: DeliveryReturn, by: User) -> DeliveryReturn:
    r = DeliveryReturn.objects.select_for_update().get(pk=delivery_return.pk)
    if not r.supported_group_id:
        raise ValidationError("This return does not name a group that received support")
    if r.status not in DeliveryReturn.SUPPORT_CONFIRMABLE:
        raise ValidationError(
            f"This return is {r.get_status_display().lower()}: only a submitted or verified "
            "return can be confirmed"
        )
    if r.group_confirmed_at:
        raise ValidationError("The group has already confirmed this support")
    r.group_confirmed_at = timezone.now()
    r.group_confirmed_by = by
    r.version += 1
    _by(r, by).save()
    return r


def _support_period(
    commitment: Commitment, received_on: datetime.date
) -> tuple[ReportingPeriod | None, str]:
    """The reporting period that support received on `received_on` counts in, or why it
    cannot count: the contract takes no returns, the commitment was withdrawn, or the date is
    outside every period."""
    contract = commitment.contract
    if contract.stage not in (Stage.AWARDED, Stage.IN_DELIVERY):
        return None, f"The contract is {contract.get_stage_display().lower()}: returns are closed"
    if commitment.withdrawn_at:
        return None, "The commitment was withdrawn"
    period = period_of(commitment, received_on)
    if period is None:
        return None, f"{received_on:%-d %B %Y} is outside the contract's reporting periods"
    return period, ""


@transaction.atomic
def return_add_confirmed_support(
    *,
    commitment: Commitment,
    received_on: datetime.date,
    quantity: Decimal,
    evidence_text: str,
    supported_group: Organisation,
    claimed_by: User,
    confirmed_by: User,
) -> tuple[DeliveryReturn | None, str]:
    """A named rule: support that a group confirmed it received, against a supplier's
    commitment (a pledge on the needs board), is counted in that commitment's return for the
    period it was received in, so the supplier never types it again and it is counted once,
    through the ledger. It joins the period's return while that waits for verification
    (submitted or queried), or starts the return, already confirmed by the group, even before
    the period ends (the recipient's confirmation is its evidence). A verified return is never
    changed: support received in a period whose return is already verified is not counted,
    and the reason says so. `claimed_by` is who claimed it for the supplier (and attested it
    is claimed nowhere else); the officer verifies it like any return.

    Returns the return it was counted in (or None) and, when not counted, why."""
    contract = commitment.contract
    period, refusal = _support_period(commitment, received_on)
    if refusal:
        return None, refusal
    existing = (
        DeliveryReturn.objects.select_for_update()
        .filter(commitment=commitment, period=period)
        .exclude(status=DeliveryReturn.Status.REJECTED)
        .first()
    )
    line = evidence_text.strip()
    if existing is None:
        r = DeliveryReturn(
            commitment=commitment,
            period=period,
            quantity=quantity,
            evidence_text=line,
            attested=True,
            supported_group=supported_group,
            group_confirmed_at=timezone.now(),
            group_confirmed_by=confirmed_by,
            submitted_by=claimed_by,
        )
    elif existing.status in ledger.CLAIMED_STATUSES:
        r = existing
        r.quantity += quantity
        r.evidence_text = f"{r.evidence_text}\n\n{line}"
        r.version += 1
    else:
        return None, (
            f"The return for {period} was already {existing.get_status_display().lower()} "
            "before this support was confirmed"
        )
    r.full_clean()
    _by(r, confirmed_by).save()
    ledger.record([commitment.pk])
    if contract.stage == Stage.AWARDED:
        _set_stage(contract, Stage.IN_DELIVERY, confirmed_by)
    return r, ""
