"""An invitation to someone who already has an account shows in their notifications too,
without a second email and without the secret link."""

import pytest
from django.core import mail
from django.test import TestCase

from notifications.models import Kind, Notification
from people import services
from people.models import Membership
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db


def _invite(council, by, email):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.invitation_create(
            organisation=council,
            email=email,
            full_name="Nia Newcomer",
            role=Membership.Role.LEADER,
            by=by,
            accept_url_for=lambda token: f"https://example.org/invitations/{token}/",
        )


def test_an_existing_account_sees_its_invitation_once(council, officer):
    nia = UserFactory(email="nia@example.org")
    other = UserFactory(email="someone@example.org")
    _invite(council, officer, "NIA@example.org")

    (note,) = Notification.objects.filter(kind=Kind.INVITATION)
    assert note.recipient == nia and str(council) in note.title
    assert "invitations/" not in note.path + note.body  # the token stays in the email only
    assert [m.to for m in mail.outbox] == [["nia@example.org"]]
    assert not Notification.objects.filter(recipient=other).exists()


def test_a_newcomer_without_an_account_gets_the_email_only(council, officer):
    _invite(council, officer, "new@example.org")
    assert Notification.objects.count() == 0
    assert [m.to for m in mail.outbox] == [["new@example.org"]]
