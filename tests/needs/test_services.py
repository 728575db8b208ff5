"""The needs board's services: the life cycle with who and when, pledges against what is still
needed, and a confirmed linked pledge counted once, in the commitment's return, through the
ledger; unlinked pledges never reach it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from contracts import services as contract_services
from contracts.models import DeliveryReturn, DeliveryTotal
from needs import services
from needs.models import Need, NeedStep, Pledge
from needs.selectors import still_needed
from objectives.progress import delivery_for

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def verified_total(commitment) -> Decimal:
    total = DeliveryTotal.objects.filter(commitment=commitment).first()
    return total.verified if total else Decimal("0")


def claimed_total(commitment) -> Decimal:
    total = DeliveryTotal.objects.filter(commitment=commitment).first()
    return total.claimed if total else Decimal("0")


def test_posting_and_publishing_records_each_step_with_who(board):
    need = board.need(status=Need.Status.DRAFT)
    assert need.status == Need.Status.DRAFT and need.opened_at is None
    need = services.need_transition(need=need, by=board.vcs_member, to=Need.Status.OPEN)
    assert need.opened_at is not None
    steps = list(need.steps.values_list("from_status", "to_status", "by_id"))
    assert steps == [("", "draft", board.vcs_member.pk), ("draft", "open", board.vcs_member.pk)]


@pytest.mark.parametrize(
    "over, field",
    [
        (dict(areas=[]), "areas"),
        (dict(needed_by=datetime.date(2020, 1, 1)), "needed_by"),
        (dict(quantity=Decimal("0")), "quantity"),
        (dict(quantity=Decimal("-3")), "quantity"),
        (dict(measure=None), "measure"),
    ],
)
def test_bad_needs_are_refused_and_nothing_is_saved(board, over, field):
    with pytest.raises(ValidationError) as caught:
        board.need(**over)
    assert field in caught.value.message_dict
    assert not Need.objects.exists()


def test_a_person_cannot_post_for_a_group_they_do_not_belong_to(board):
    with pytest.raises(ValidationError):
        board.need(by=board.other_member)
    with pytest.raises(ValidationError):
        board.need(by=board.supplier_contact)
    assert not Need.objects.exists()


def test_a_pledge_above_what_is_still_needed_must_say_so(board):
    need = board.need(quantity=Decimal("10"))
    first = board.pledge(need, quantity=Decimal("8"))
    services.pledge_accept(pledge=first, by=board.vcs_member)
    assert still_needed(need) == Decimal("2")
    with pytest.raises(ValidationError) as caught:
        board.pledge(need, quantity=Decimal("3"))
    assert "2 apprenticeship starts is still needed" in str(caught.value.message_dict)
    assert Pledge.objects.count() == 1
    confirmed = board.pledge(need, quantity=Decimal("3"), above_confirmed=True)
    assert confirmed.above_need_confirmed


@pytest.mark.parametrize(
    "over, field",
    [
        (dict(quantity=None), "quantity"),
        (dict(quantity=Decimal("0")), "quantity"),
        (dict(by_date=datetime.date(2021, 1, 1)), "by_date"),
        (dict(by_date=None), "by_date"),
        (dict(offer="  "), "offer"),
        (dict(attested=False), "attested"),
    ],
)
def test_bad_pledges_are_refused_and_nothing_is_saved(board, over, field):
    need = board.need()
    with pytest.raises(ValidationError) as caught:
        board.pledge(need, **over)
    assert field in caught.value.message_dict
    assert not Pledge.objects.exists()


def test_a_pledge_can_only_name_the_suppliers_own_commitment_in_the_needs_measure(board):
    need = board.need()
    with pytest.raises(ValidationError) as caught:
        board.pledge(need, commitment=board.rival_commitment)
    assert "commitment" in caught.value.message_dict
    unmeasured = board.need(with_measure=False)
    with pytest.raises(ValidationError):
        board.pledge(unmeasured, commitment=board.commitment)


def test_nobody_pledges_to_a_draft_or_hidden_or_met_need(board):
    draft = board.need(status=Need.Status.DRAFT)
    with pytest.raises(ValidationError):
        board.pledge(draft)
    hidden = board.need()
    services.need_hide(need=hidden, by=board.officer, reason="Names a child")
    with pytest.raises(ValidationError):
        board.pledge(hidden)


def test_only_the_needs_own_group_accepts_or_declines(board):
    need = board.need()
    pledge = board.pledge(need)
    for outsider in (board.other_member, board.supplier_contact, board.officer):
        with pytest.raises(PermissionDenied):
            services.pledge_accept(pledge=pledge, by=outsider)
    with pytest.raises(ValidationError):
        services.pledge_decline(pledge=pledge, by=board.vcs_member, reason=" ")
    declined = services.pledge_decline(pledge=pledge, by=board.vcs_member, reason="Not now")
    assert declined.status == Pledge.Status.DECLINED and declined.decided_by == board.vcs_member


def test_the_supplier_cannot_confirm_its_own_delivery(board):
    need = board.need()
    pledge = board.pledge(need)
    services.pledge_accept(pledge=pledge, by=board.vcs_member)
    for who in (board.supplier_contact, board.both, board.other_member, board.officer):
        with pytest.raises(PermissionDenied):
            services.pledge_confirm_receipt(
                pledge=pledge, by=who, received_on=TODAY(), quantity=Decimal("4"), note="ok"
            )
    assert not DeliveryReturn.objects.exists()


@pytest.mark.parametrize(
    "over, field",
    [
        (dict(received_on=None), "received_on"),
        (dict(received_on=datetime.date.today() + datetime.timedelta(days=2)), "received_on"),
        (dict(quantity=None), "quantity"),
        (dict(quantity=Decimal("0")), "quantity"),
        (dict(note=""), "note"),
    ],
)
def test_bad_receipts_are_refused_and_nothing_is_counted(board, over, field):
    need = board.need()
    pledge = board.pledge(need)
    services.pledge_accept(pledge=pledge, by=board.vcs_member)
    fields = dict(received_on=TODAY(), quantity=Decimal("4"), note="Arrived")
    fields.update(over)
    with pytest.raises(ValidationError) as caught:
        services.pledge_confirm_receipt(pledge=pledge, by=board.vcs_member, **fields)
    assert field in caught.value.message_dict
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.ACCEPTED
    assert not DeliveryReturn.objects.exists()


def confirm(board, pledge, quantity="4"):
    services.pledge_accept(pledge=pledge, by=board.vcs_member)
    return services.pledge_confirm_receipt(
        pledge=pledge,
        by=board.vcs_member,
        received_on=TODAY(),
        quantity=Decimal(quantity),
        note="Four apprentices spent the day",
    )


def test_a_confirmed_linked_pledge_becomes_the_return_and_counts_once_when_verified(board):
    need = board.need()
    pledge = confirm(board, board.pledge(need))
    r = pledge.delivery_return
    assert r is not None and r.status == DeliveryReturn.Status.SUBMITTED
    assert r.quantity == Decimal("4") and r.commitment == board.commitment
    assert r.submitted_by == board.supplier_contact  # who pledged, and attested
    assert r.group_confirmed_by == board.vcs_member and r.supported_group == board.group
    assert r.period.start <= TODAY() <= r.period.end
    assert claimed_total(board.commitment) == Decimal("4")
    assert verified_total(board.commitment) == 0
    # Received today: its quarter has not ended, so it waits, claimed, until the period ends
    # or an officer allows early returns for it (nothing verified in an unended period).
    with pytest.raises(ValidationError, match="verify it once the period has ended"):
        contract_services.return_verify(delivery_return=r, by=board.officer)
    assert verified_total(board.commitment) == 0
    contract_services.period_allow_early_returns(
        period=r.period, by=board.officer, reason="The group confirmed what it received"
    )
    contract_services.return_verify(delivery_return=r, by=board.officer)
    assert verified_total(board.commitment) == Decimal("4")
    assert delivery_for([board.target.pk])[board.target.pk].verified == Decimal("4")
    need.refresh_from_db()
    assert need.status == Need.Status.PART_MET


def test_two_pledges_in_one_period_join_one_return_and_are_counted_once_each(board):
    need = board.need(quantity=Decimal("10"))
    confirm(board, board.pledge(need, quantity=Decimal("4")))
    second = confirm(board, board.pledge(need, quantity=Decimal("6")), quantity="6")
    assert DeliveryReturn.objects.count() == 1
    assert second.delivery_return.quantity == Decimal("10")
    assert claimed_total(board.commitment) == Decimal("10")
    need.refresh_from_db()
    assert need.status == Need.Status.MET


def test_support_after_the_periods_return_was_verified_is_not_counted_and_says_why(board):
    need = board.need()
    period = contract_services.period_of(board.commitment, TODAY())
    period.early_returns_reason = "Year end"
    period.save()
    own = contract_services.return_submit(
        commitment=board.commitment,
        period=period,
        by=board.supplier_contact,
        quantity=Decimal("1"),
        evidence_text="One start",
        attested=True,
    )
    contract_services.return_verify(delivery_return=own, by=board.officer)
    pledge = confirm(board, board.pledge(need))
    assert pledge.delivery_return is None
    assert "already verified" in pledge.not_counted_reason
    assert verified_total(board.commitment) == Decimal("1")
    assert claimed_total(board.commitment) == 0


def test_an_unlinked_pledge_is_community_support_and_never_reaches_the_ledger(board):
    need = board.need()
    pledge = confirm(board, board.pledge(need, linked=False))
    assert pledge.status == Pledge.Status.RECEIVED and pledge.delivery_return is None
    assert not DeliveryReturn.objects.exists()
    assert claimed_total(board.commitment) == 0 and verified_total(board.commitment) == 0


def test_hiding_keeps_everything_and_records_the_step(board):
    need = board.need()
    with pytest.raises(ValidationError):
        services.need_hide(need=need, by=board.officer, reason="")
    with pytest.raises(ValidationError):
        services.need_hide(need=need, by=board.vcs_member, reason="mine")
    services.need_hide(need=need, by=board.officer, reason="Abusive")
    need.refresh_from_db()
    assert need.hidden_reason == "Abusive" and Need.objects.filter(pk=need.pk).exists()
    assert need.steps.filter(kind=NeedStep.Kind.HIDDEN, by=board.officer).exists()
    services.need_unhide(need=need, by=board.officer)
    need.refresh_from_db()
    assert need.hidden_at is None


def test_both_sides_are_notified(board):
    from notifications.models import Notification

    need = board.need()
    pledge = board.pledge(need)
    assert Notification.objects.filter(recipient=board.vcs_member, kind="pledge_made").exists()
    services.pledge_accept(pledge=pledge, by=board.vcs_member)
    assert Notification.objects.filter(
        recipient=board.supplier_contact, kind="pledge_decided"
    ).exists()
    services.pledge_message(pledge=pledge, by=board.supplier_contact, body="Tuesday at 10?")
    assert Notification.objects.filter(recipient=board.vcs_member, kind="pledge_message").exists()
    assert not Notification.objects.filter(recipient=board.rival_contact).exists()
    assert not Notification.objects.filter(recipient=board.other_member).exists()
