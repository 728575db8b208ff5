"""Writes to pledges: made by a supplier, accepted or declined by the group, confirmed as
received by the group, and, where linked to a commitment, counted once in that commitment's
return through the contracts service (`contracts.services.return_add_confirmed_support`)."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from contracts.models import Commitment
from contracts.querysets import reported_by
from contracts.services import return_add_confirmed_support
from people.models import Organisation, User
from people.permissions import organisation_ids
from socialvalue.numbers import format_quantity
from socialvalue.rules import allowed
from socialvalue.uploads import validate_evidence_file

from .. import notices
from ..models import Need, Pledge, PledgeMessage
from ..permissions import supplier_ids
from ..selectors import received_so_far, still_needed
from .needs import move

Status = Pledge.Status


def _as(instance, by):
    instance._history_user = by
    return instance


def commitments_for(organisation_ids, need: Need):
    """The current commitments a supplier may link a pledge to: ones it reports on, on a
    contract still taking returns, in the need's place, counted in the need's measure."""
    if need.measure_id is None:
        return Commitment.objects.none()
    return (
        Commitment.objects.open_for_returns()
        .filter(reported_by(list(organisation_ids)))
        .filter(measure_id=need.measure_id, contract__place_id=need.place_id)
        .select_related("contract", "measure", "area")
    )


def _check_commitment(commitment, organisation, need, by_date, attested) -> None:
    if not commitments_for([organisation.pk], need).filter(pk=commitment.pk).exists():
        raise ValidationError(
            {"commitment": "Choose one of your current commitments, counted in the need's measure"}
        )
    if not (commitment.start_date <= by_date <= commitment.due_date):
        raise ValidationError(
            {
                "by_date": f"The commitment runs from {commitment.start_date:%-d %B %Y} to "
                f"{commitment.due_date:%-d %B %Y}. Choose a date in that time"
            }
        )
    if not attested:
        raise ValidationError(
            {"attested": "Confirm this pledge is not claimed in any other return"}
        )


def _above_need(need, quantity, confirmed, excluding=None) -> bool:
    remaining = still_needed(need, excluding=excluding)
    if remaining is None or quantity <= remaining:
        return False
    if not confirmed:
        unit = need.measure.unit
        raise ValidationError(
            {
                "confirm_quantity": f"You pledged {format_quantity(quantity, unit)}: "
                f"{format_quantity(remaining, unit)} is still needed. Check the quantity, "
                "and confirm it if you mean to give more"
            }
        )
    return True


@transaction.atomic
def pledge_make(
    *,
    need: Need,
    organisation: Organisation,
    by: User,
    offer: str,
    by_date: datetime.date | None,
    quantity: Decimal | None = None,
    commitment: Commitment | None = None,
    attested: bool = False,
    above_confirmed: bool = False,
) -> Pledge:
    need = Need.objects.select_for_update(of=("self",)).select_related("measure").get(pk=need.pk)
    if not allowed(by, "needs.pledge", need):
        raise ValidationError("This need is not taking pledges")
    if organisation.pk not in supplier_ids(by):
        raise ValidationError({"organisation": "Choose a supplier you are a contact for"})
    if not offer.strip():
        raise ValidationError({"offer": "Describe what you offer"})
    if by_date is None:
        raise ValidationError({"by_date": "Enter the date you will give it by"})
    if by_date < timezone.localdate():
        raise ValidationError({"by_date": "The date you will give it by must be today or later"})
    if need.measure_id is not None and quantity is None:
        raise ValidationError(
            {"quantity": f"Enter the quantity you pledge, in {need.measure.unit}"}
        )
    if need.measure_id is None and quantity is not None:
        raise ValidationError(
            {"quantity": "This need has no unit: say how much in what you offer instead"}
        )
    if quantity is not None and quantity <= 0:
        raise ValidationError({"quantity": "The quantity pledged must be more than 0"})
    if commitment is not None:
        _check_commitment(commitment, organisation, need, by_date, attested)
    above = _above_need(need, quantity, above_confirmed) if quantity is not None else False
    pledge = Pledge(
        need=need,
        organisation=organisation,
        commitment=commitment,
        quantity=quantity,
        by_date=by_date,
        offer=offer.strip(),
        attested=bool(commitment and attested),
        above_need_confirmed=above,
        made_by=by,
    )
    pledge.full_clean()
    _as(pledge, by).save()
    notices.pledge_made(pledge=pledge, by=by)
    return pledge


def _locked(pledge: Pledge) -> Pledge:
    return (
        Pledge.objects.select_for_update(of=("self",))
        .select_related("need", "need__group", "need__measure", "organisation", "commitment")
        .get(pk=pledge.pk)
    )


@transaction.atomic
def pledge_accept(*, pledge: Pledge, by: User) -> Pledge:
    """The need's own group accepts a pledge (never another group's)."""
    pledge = _locked(pledge)
    if not allowed(by, "needs.decide_pledge", pledge):
        raise PermissionDenied
    if not pledge.need.is_pledgeable:
        raise ValidationError(
            f"The need is {pledge.need.get_status_display().lower()}: it takes no more pledges"
        )
    pledge.status, pledge.decided_by, pledge.decided_at = Status.ACCEPTED, by, timezone.now()
    pledge.full_clean()
    _as(pledge, by).save()
    notices.pledge_decided(pledge=pledge, by=by)
    return pledge


@transaction.atomic
def pledge_decline(*, pledge: Pledge, by: User, reason: str) -> Pledge:
    pledge = _locked(pledge)
    if not allowed(by, "needs.decide_pledge", pledge):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Explain why you decline the pledge"})
    pledge.status, pledge.decided_by, pledge.decided_at = Status.DECLINED, by, timezone.now()
    pledge.decline_reason = reason
    pledge.full_clean()
    _as(pledge, by).save()
    notices.pledge_decided(pledge=pledge, by=by)
    return pledge


@transaction.atomic
def pledge_withdraw(*, pledge: Pledge, by: User) -> Pledge:
    pledge = _locked(pledge)
    if not allowed(by, "needs.withdraw_pledge", pledge):
        raise PermissionDenied
    pledge.status, pledge.withdrawn_at = Status.WITHDRAWN, timezone.now()
    _as(pledge, by).save()
    return pledge


def _evidence_line(pledge: Pledge, quantity, received_on, note) -> str:
    need = pledge.need
    amount = format_quantity(quantity, need.measure.unit) if quantity is not None else ""
    text = (
        f"Pledge to {need.group}'s need “{need.title}” ({need.reference}): {amount} received "
        f"on {received_on:%-d %B %Y}, confirmed by the group on the needs board."
    )
    return f"{text} {note}".strip()


@transaction.atomic
def pledge_confirm_receipt(
    *,
    pledge: Pledge,
    by: User,
    received_on: datetime.date | None,
    quantity: Decimal | None = None,
    note: str = "",
    file=None,
) -> Pledge:
    """The group confirms what it received. A pledge linked to a commitment is then counted
    in that commitment's return for the period (once, through the ledger); an unlinked one is
    community support. The need becomes partly met, or met when all it asked for arrived."""
    pledge = _locked(pledge)
    if pledge.organisation_id in supplier_ids(by) or not allowed(
        by, "needs.confirm_receipt", pledge
    ):
        raise PermissionDenied
    need = pledge.need
    if received_on is None:
        raise ValidationError({"received_on": "Enter the date it was received"})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The date it was received must be today or earlier"})
    if received_on < timezone.localtime(pledge.made_at).date():
        raise ValidationError(
            {"received_on": "The date it was received must be on or after the pledge was made"}
        )
    if need.measure_id is not None and quantity is None:
        raise ValidationError({"quantity": f"Enter the quantity received, in {need.measure.unit}"})
    if quantity is not None and quantity <= 0:
        raise ValidationError({"quantity": "The quantity received must be more than 0"})
    if need.measure_id is None:
        quantity = None
    note = (note or "").strip()
    if not note and not file:
        raise ValidationError({"note": "Add a note or a photo of what was received"})
    if file:
        if getattr(file, "detected_type", None) is None:
            validate_evidence_file(file)
        pledge.receipt_file, pledge.receipt_file_name = file, file.name[:200]
    pledge.status = Status.RECEIVED
    pledge.received_quantity, pledge.received_on, pledge.receipt_note = quantity, received_on, note
    pledge.confirmed_by, pledge.confirmed_at = by, timezone.now()
    if pledge.commitment_id:
        counted, why = return_add_confirmed_support(
            commitment=pledge.commitment,
            received_on=received_on,
            quantity=quantity,
            evidence_text=_evidence_line(pledge, quantity, received_on, note),
            supported_group=need.group,
            claimed_by=pledge.made_by,
            confirmed_by=by,
        )
        pledge.delivery_return, pledge.not_counted_reason = counted, why
    pledge.full_clean()
    _as(pledge, by).save()
    _advance_need(need, by)
    notices.pledge_received(pledge=pledge, by=by)
    return pledge


def _advance_need(need: Need, by: User) -> None:
    need = Need.objects.select_for_update(of=("self",)).get(pk=need.pk)
    met = need.quantity is not None and received_so_far(need) >= need.quantity
    if met and need.status in (Need.Status.OPEN, Need.Status.PART_MET):
        move(need, by, Need.Status.MET, "All that was asked for has been received")
    elif need.status == Need.Status.OPEN:
        move(need, by, Need.Status.PART_MET, "Some of what was asked for has been received")


@transaction.atomic
def pledge_message(*, pledge: Pledge, by: User, body: str) -> PledgeMessage:
    """A message in the pledge's conversation, from the group or the supplier."""
    if not allowed(by, "needs.message_pledge", pledge):
        raise PermissionDenied
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Enter your message"})
    side = (
        pledge.need.group if pledge.need.group_id in organisation_ids(by) else pledge.organisation
    )
    message = PledgeMessage(pledge=pledge, author=by, organisation=side, body=body)
    message.full_clean()
    message.save()
    notices.pledge_message(message=message, by=by)
    return message
