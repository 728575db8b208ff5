"""Consultations' notifications and emails: an answered question tells who asked it (if they
may still see the proposal); a status email says truly why each reader receives it."""

import pytest
from django.core import mail

from consultations import services
from consultations.models import Proposal
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db
S = Proposal.Status


def test_an_answer_tells_who_asked_in_the_service_and_by_one_email(
    people, proposal, django_capture_on_commit_callbacks
):
    question = services.comment_add(proposal=proposal, by=people["resident"], body="When?")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.comment_add(
            proposal=proposal, by=people["officer"], body="In winter", reply_to=question
        )
    note = Notification.objects.get(kind=Kind.PROPOSAL_ANSWERED)
    assert note.recipient == people["resident"]
    assert note.path.endswith(f"#comment-{answer.pk}")
    # One email to the asker (the notification's), none twice.
    to_resident = [m for m in mail.outbox if m.to == [people["resident"].email]]
    assert len(to_resident) == 1 and "In winter" in to_resident[0].body


def test_an_asker_who_can_no_longer_see_the_proposal_is_not_told(
    people, proposal, django_capture_on_commit_callbacks
):
    question = services.comment_add(proposal=proposal, by=people["resident"], body="When?")
    # Back to a never-submitted draft: private to the proposing group.
    Proposal.objects.filter(pk=proposal.pk).update(status=S.DRAFT, submitted_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(
            proposal=proposal, by=people["proposer"], body="Soon", reply_to=question
        )
    assert not Notification.objects.filter(recipient=people["resident"]).exists()


def test_officers_are_not_told_they_belong_to_the_proposing_group(
    people, make_proposal, django_capture_on_commit_callbacks
):
    """Reported: an officer was told "you belong to <VCS group>"."""
    draft = make_proposal(status=S.DRAFT)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_transition(proposal=draft, to=S.SUBMITTED, by=people["proposer"])
    by_address = {m.to[0]: m.body for m in mail.outbox}
    group = draft.organisation.name
    officer_body = by_address[people["officer"].email]
    assert f"belong to {group}" not in officer_body
    assert "review proposals" in officer_body
    # The group's own people are told it is because they belong to it.
    assert f"you belong to {group}" in by_address[people["dual"].email]
    # Every status email says why it was sent, and never the group's name to an outsider.
    for address, body in by_address.items():
        assert "You are receiving this because" in body
        if address != people["dual"].email and address != people["proposer"].email:
            assert f"belong to {group}" not in body
