"""Who is told what about contracts, and who is not: each notice reaches only people who may
see what it is about (contracts.notices through notifications.services.notify)."""

import datetime

import pytest
from django.core import mail
from django.test import TestCase

from contracts import services
from contracts.notices import returns_reminders
from notifications.models import Kind, Notification
from people.models import Membership
from tests.contracts.factories import DeliveryReturnFactory
from tests.contracts.pipeline_helpers import complete_assessment, make_contract

pytestmark = pytest.mark.django_db
Role = Membership.Role


def told(kind) -> set:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def _return(world, **fields):
    fields.setdefault("submitted_by", world.supplier_contact)
    return DeliveryReturnFactory(commitment=world.commitment, period=world.periods[0], **fields)


def test_a_submitted_assessment_tells_those_who_may_sign_it_off_and_nobody_else(world):
    contract = make_contract(buyer=world.council, by=world.officer, reference="C-NEW")
    assessment = complete_assessment(contract, author=world.officer)

    services.assessment_submit(assessment=assessment, by=world.officer)

    signers = set(
        Membership.objects.current()
        .filter(organisation=world.council, role__in=[Role.OFFICER, Role.LEADER])
        .exclude(user=world.officer)
        .values_list("user__email", flat=True)
    )
    assert {world.colleague.email, world.leader.email} <= signers
    assert told(Kind.ASSESSMENT_SUBMITTED) == signers
    # The author may not sign off their own work; the supplier, the group and the officer of
    # another council cannot see the contract.
    for outside in (world.officer, world.supplier_contact, world.vcs_member, world.outsider):
        assert outside.email not in told(Kind.ASSESSMENT_SUBMITTED)


def test_an_approved_or_returned_assessment_tells_who_worked_on_it_and_who_was_offered_it(world):
    """The author hears the decision, and so does everyone who was offered the sign-off (so it
    no longer waits for them); the person who decided does not, nor anyone who cannot see
    the contract."""
    contract = make_contract(buyer=world.council, by=world.officer, reference="C-NEW")
    assessment = complete_assessment(contract, author=world.officer)
    services.assessment_submit(assessment=assessment, by=world.officer)
    offered = told(Kind.ASSESSMENT_SUBMITTED)
    assert world.colleague.email in offered and world.leader.email in offered

    services.assessment_return(assessment=assessment, by=world.colleague, reason="Add a KPI")
    assert told(Kind.ASSESSMENT_RETURNED) == {world.officer.email} | offered - {
        world.colleague.email
    }
    note = Notification.objects.get(kind=Kind.ASSESSMENT_RETURNED, recipient=world.officer)
    assert note.body == "Add a KPI" and note.path == assessment.get_absolute_url()

    services.assessment_submit(assessment=assessment, by=world.officer)
    services.assessment_approve(assessment=assessment, by=world.leader)
    assert told(Kind.ASSESSMENT_APPROVED) == {world.officer.email} | offered - {world.leader.email}
    for outside in (world.supplier_contact, world.vcs_member, world.outsider):
        assert outside.email not in told(Kind.ASSESSMENT_APPROVED) | told(Kind.ASSESSMENT_RETURNED)


@pytest.mark.parametrize(
    ("decide", "kind"),
    [
        (
            lambda r, w: services.return_verify(delivery_return=r, by=w.officer),
            Kind.RETURN_VERIFIED,
        ),
        (
            lambda r, w: services.return_query(delivery_return=r, by=w.officer, question="Where?"),
            Kind.RETURN_QUERIED,
        ),
        (
            lambda r, w: services.return_reject(delivery_return=r, by=w.officer, reason="No proof"),
            Kind.RETURN_REJECTED,
        ),
    ],
)
def test_a_decided_return_tells_its_submitter_only(world, decide, kind):
    r = _return(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        decide(r, world)
    assert told(kind) == {world.supplier_contact.email}
    assert [m.to for m in mail.outbox] == [[world.supplier_contact.email]]


def test_a_submitter_who_can_no_longer_see_the_contract_is_not_told(world):
    r = _return(world)
    Membership.objects.filter(user=world.supplier_contact).update(
        ended_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.return_verify(delivery_return=r, by=world.officer)
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_a_supported_group_is_asked_to_confirm_and_no_one_else_is(world):
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = services.return_submit(
            commitment=world.commitment,
            by=world.supplier_contact,
            period=world.periods[0],
            quantity=1,
            evidence_text="Ran a session",
            attested=True,
            supported_group=world.group,
        )
    assert told(Kind.SUPPORT_CONFIRMATION) == {world.vcs_member.email}
    note = Notification.objects.get(kind=Kind.SUPPORT_CONFIRMATION)
    assert note.path == f"/returns/{r.pk}/confirm/" or "confirm" in note.path
    assert [m.to for m in mail.outbox] == [[world.vcs_member.email]]


def test_returns_due_and_overdue_are_reminded_once_to_the_delivering_supplier(world):
    first = world.periods[0]
    # The first period has ended with no return: overdue. Run twice: told once.
    today = first.end + datetime.timedelta(days=3)
    returns_reminders(today=today)
    returns_reminders(today=today)
    about_acme = Notification.objects.filter(
        kind=Kind.RETURN_OVERDUE, title__contains=world.contract.title
    )
    assert {n.recipient for n in about_acme} == {world.supplier_contact}
    assert about_acme.count() == 1
    # The rival hears of its own contract only.
    rival = Notification.objects.filter(recipient=world.rival_contact)
    assert {n.title for n in rival} and all(world.rival_contract.title in n.title for n in rival)
    # Once a return is in, nobody is reminded of that period.
    Notification.objects.all().delete()
    _return(world)
    returns_reminders(today=today)
    assert not Notification.objects.filter(recipient=world.supplier_contact).exists()


def test_a_return_due_soon_is_reminded(world):
    first = world.periods[0]
    returns_reminders(today=first.end - datetime.timedelta(days=5))
    assert world.supplier_contact.email in told(Kind.RETURN_DUE)
    for outside in (world.officer, world.vcs_member, world.outsider):
        assert outside.email not in told(Kind.RETURN_DUE)
