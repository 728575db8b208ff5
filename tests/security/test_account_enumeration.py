"""No form tells a stranger whether an email address has an account (issue 13, Low: registration
said "an account already exists for this email address").

The family: every form in the application that takes an email address (found by looking
through every form class for an email field) answers an address with an account and one
without in the same way, with the same work behind it (the same number of password hashes and
of emails sent). The owner of an address learns by email, not the person at the keyboard.
"""

import re
from unittest import mock

import pytest
from django import forms
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from people.models import Invitation, User
from tests.people.factories import UserFactory
from tests.security.served import project_form_classes

pytestmark = pytest.mark.django_db

KNOWN = "known@example.org"
UNKNOWN = "unknown@example.org"
STRONG = "plum kettle orbit lantern"


def _normalised(text: str, email: str) -> str:
    text = text.replace(email, "ADDRESS")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", text)
    return re.sub(r'nonce="[^"]+"', "NONCE", text)


def _answer(client, method, path, data, email):
    """Everything the person at the keyboard sees: status, where they are sent, the page they
    end on, and the work done (password hashes, emails) — with the address itself taken out."""
    mail.outbox.clear()
    with mock.patch.object(MD5PasswordHasher, "encode", autospec=True) as encode:
        encode.side_effect = lambda self, password, salt: f"md5${salt}$x"
        response = getattr(client, method)(path, data)
    hashes = encode.call_count
    location = response.get("Location", "")
    page = client.get(location) if location else response
    return {
        "status": response.status_code,
        "location": location.replace(email, "ADDRESS"),
        "page": _normalised(page.content.decode(), email),
        "password hashes": hashes,
        "emails sent": len(mail.outbox),
    }


def _same_for_known_and_unknown(client, method, path, data_for, *, run_on_commit, between=None):
    answers = []
    for email in (KNOWN, UNKNOWN):
        with run_on_commit(execute=True):
            answers.append(_answer(client, method, path, data_for(email), email))
        if between:
            between()
    known, unknown = answers
    for key in known:
        assert known[key] == unknown[key], f"{path}: {key} differs"


# Each form that takes an email address ------------------------------------------------------


def registration(client, world, run_on_commit):
    def data(email):
        return {
            "full_name": "Rita Resident",
            "email": email,
            "password": STRONG,
            "password_confirm": STRONG,
            "agree_privacy": "on",
        }

    _same_for_known_and_unknown(
        client, "post", reverse("people:register"), data, run_on_commit=run_on_commit
    )


def sign_in(client, world, run_on_commit):
    def data(email):
        return {"username": email, "password": "a wrong password"}

    _same_for_known_and_unknown(
        client, "post", reverse("people:login"), data, run_on_commit=run_on_commit
    )


def password_reset(client, world, run_on_commit):
    def data(email):
        return {"email": email}

    # The reset email goes to the address's owner only: count what the response shows.
    for email in (KNOWN, UNKNOWN):
        response = client.post(reverse("people:password_reset"), data(email))
        assert response.status_code == 302
        assert response["Location"] == reverse("people:password_reset_done")


def invitation(client, world, run_on_commit):
    """An organisation admin invites someone: whether the address already has an account (in
    another organisation) is not theirs to learn."""
    client.force_login(world.users["org_admin"])

    def data(email):
        return {"full_name": "Newt Member", "email": email, "role": "officer"}

    def withdraw_the_first():
        # The organisation's page lists its pending invitations: take the first away, so
        # the second answer is compared like for like.
        Invitation.objects.filter(email=KNOWN).update(revoked_at=timezone.now())

    _same_for_known_and_unknown(
        client,
        "post",
        reverse("people:invitation_create", args=[world.council.slug]),
        data,
        run_on_commit=run_on_commit,
        between=withdraw_the_first,
    )


EMAIL_FORMS = {
    "ResidentRegistrationForm": registration,
    "SignInForm": sign_in,
    "ResetPasswordForm": password_reset,
    "InvitationForm": invitation,
}


def test_every_form_that_takes_an_email_address_is_checked():
    taking_email = {
        form.__name__
        for form in project_form_classes()
        if any(isinstance(field, forms.EmailField) for field in form.base_fields.values())
    }
    assert sorted(taking_email - set(EMAIL_FORMS)) == [], "forms taking an email, unchecked"
    assert sorted(set(EMAIL_FORMS) - taking_email) == []


@pytest.mark.parametrize("name", sorted(EMAIL_FORMS))
def test_known_and_unknown_addresses_get_the_same_answer(
    client, world, name, django_capture_on_commit_callbacks
):
    UserFactory(email=KNOWN, full_name="Kim Known")
    EMAIL_FORMS[name](client, world, django_capture_on_commit_callbacks)


def test_registration_with_a_known_address_tells_its_owner_and_changes_nothing(
    client, world, django_capture_on_commit_callbacks
):
    owner = UserFactory(email=KNOWN, full_name="Kim Known")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("people:register"),
            {
                "full_name": "Someone Else",
                "email": KNOWN.upper(),
                "password": STRONG,
                "password_confirm": STRONG,
                "agree_privacy": "on",
            },
        )

    (message,) = mail.outbox
    assert message.to == [KNOWN]
    assert "Someone tried to create an account" in message.subject
    assert reverse("people:login") in message.body
    assert reverse("people:password_reset") in message.body
    owner.refresh_from_db()
    assert owner.full_name == "Kim Known" and not owner.check_password(STRONG)
    assert User.objects.filter(email__iexact=KNOWN).count() == 1
    assert "_auth_user_id" not in client.session
