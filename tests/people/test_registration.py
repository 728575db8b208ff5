"""Residents create their own account: GET/POST /register/."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from people import services
from people.models import LoginFailure, Membership, Registration, User
from tests.conftest import PASSWORD
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db
REGISTER = "/register/"
STRONG = "plum kettle orbit lantern"


def _data(**overrides):
    data = {
        "full_name": "Rita Resident",
        "email": "Rita@Example.org",
        "password": STRONG,
        "password_confirm": STRONG,
        "agree_privacy": "on",
    }
    data.update(overrides)
    return data


def _signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_the_page_is_public_and_links_the_privacy_notice(client):
    response = client.get(REGISTER)

    assert response.status_code == 200
    assertTemplateUsed(response, "people/register.html")
    assertContains(response, "Create an account")
    assertContains(response, 'href="/privacy/"')
    assertContains(response, "I agree to the privacy notice")


def test_sign_in_page_links_to_registration_keeping_next(client):
    response = client.get("/sign-in/?next=/proposals/1/")

    assertContains(response, 'href="/register/?next=/proposals/1/"')


def _link(outbox) -> str:
    match = re.search(r"https?://[^/\s]+(/register/confirm/[^/]+/)", outbox[-1].body)
    assert match, outbox[-1].body
    return match.group(1)


@pytest.fixture
def register(client, django_capture_on_commit_callbacks):
    """register(data, path) -> the response; the confirmation email is sent."""

    def do(data, path=REGISTER, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data, **extra)

    return do


def test_a_valid_registration_emails_a_link_and_creates_nothing_yet(client, register):
    response = register(_data())

    assert response.status_code == 302
    assert response["Location"] == "/register/check-your-email/"
    assert not User.objects.exists()
    assert _signed_in_user_id(client) is None
    (message,) = mail.outbox
    assert message.to == ["rita@example.org"]
    assert message.subject.startswith("Confirm your email address")
    page = client.get(response["Location"])
    assertContains(page, "Check your email")


def test_the_emailed_link_creates_the_resident_and_signs_them_in(client, register):
    register(_data())
    link = _link(mail.outbox)

    page = client.get(link)
    assertContains(page, "Create your account")
    assertContains(page, "rita@example.org")
    assert not User.objects.exists(), "opening the link (a GET) changes nothing"
    response = client.post(link)

    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get()
    assert user.email == "rita@example.org"
    assert user.full_name == "Rita Resident"
    assert user.check_password(STRONG)
    assert not user.is_staff and not user.is_superuser
    assert not Membership.objects.filter(user=user).exists()
    assert _signed_in_user_id(client) == str(user.pk)
    home = client.get("/")
    assertContains(home, "Your account has been created")
    registration = Registration.objects.get()
    assert registration.user == user and registration.password == ""


def test_the_link_works_once(client, register):
    register(_data())
    link = _link(mail.outbox)
    client.post(link)
    client.logout()

    response = client.post(link)

    assertContains(response, "This link does not work")
    assert User.objects.count() == 1


def test_the_link_expires_after_a_day(client, register):
    register(_data())
    Registration.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.get(_link(mail.outbox))

    assert response.status_code == 404
    assertContains(response, "This link does not work", status_code=404)


def test_a_safe_next_is_followed(client, register):
    register(_data(), f"{REGISTER}?next=/proposals/")

    response = client.post(_link(mail.outbox))

    assert response.status_code == 302
    assert response["Location"] == "/proposals/"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/path", "/\\evil.example", "javascript:alert(1)"],
)
def test_an_open_redirect_is_refused(client, register, next_url):
    register({**_data(), "next": next_url})

    response = client.post(_link(mail.outbox))

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in_user_id(client) is not None


def test_a_known_email_is_answered_like_any_other_whatever_its_case(client, register):
    existing = UserFactory(email="rita@example.org", full_name="Someone Else")

    response = register(_data(email="RITA@example.ORG"))

    assert response.status_code == 302
    assert response["Location"] == "/register/check-your-email/"
    assert list(User.objects.all()) == [existing]
    assert existing.check_password(PASSWORD)  # untouched
    assert _signed_in_user_id(client) is None
    assert not Registration.objects.exists()
    (message,) = mail.outbox
    assert message.subject.startswith("Someone tried to create an account")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "Password must be 12 characters or more"),
        ("123456789012345", "Password must include letters or symbols, not only numbers"),
        ("password1234", "Password is too easy to guess. Choose a less common password"),
        ("rita@example.org", "Password must not be like your name or email address"),
    ],
)
def test_a_weak_password_is_refused_in_plain_words(client, password, message):
    response = client.post(REGISTER, _data(password=password, password_confirm=password))

    assert response.status_code == 200
    assertContains(response, message)
    assert not User.objects.exists()
    assert _signed_in_user_id(client) is None


def test_mismatched_passwords_are_refused(client):
    response = client.post(REGISTER, _data(password_confirm=STRONG + "x"))

    assert response.status_code == 200
    assertContains(response, "The two passwords do not match")
    assert not User.objects.exists()


def test_an_empty_form_gets_a_message_for_each_field(client):
    response = client.post(REGISTER, {})

    for message in (
        "Enter your full name",
        "Enter your email address",
        "Enter a password",
        "Enter the password again",
        "Confirm you agree to the privacy notice",
    ):
        assertContains(response, message)
    assert not User.objects.exists()


def test_the_privacy_notice_must_be_agreed(client):
    data = _data()
    del data["agree_privacy"]

    response = client.post(REGISTER, data)

    assertContains(response, "Confirm you agree to the privacy notice")
    assert not User.objects.exists()


def test_five_registrations_an_hour_from_one_address_then_refused(client):
    for n in range(5):
        client.post(REGISTER, _data(email=f"person{n}@example.org"), REMOTE_ADDR="203.0.113.9")
    assert Registration.objects.count() == 5

    response = client.post(REGISTER, _data(email="sixth@example.org"), REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 200
    assertContains(response, "There have been too many attempts to create an account")
    assert not Registration.objects.filter(email="sixth@example.org").exists()
    # Another address is not affected.
    other = client.post(REGISTER, _data(email="sixth@example.org"), REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_refusals_for_existing_addresses_count_towards_the_limit(client):
    UserFactory(email="taken@example.org")
    for _ in range(5):
        client.post(REGISTER, _data(email="taken@example.org"), REMOTE_ADDR="203.0.113.9")

    response = client.post(REGISTER, _data(), REMOTE_ADDR="203.0.113.9")

    assertContains(response, "There have been too many attempts to create an account")
    assertNotContains(response, "An account already exists")


def test_attempts_older_than_an_hour_do_not_count(client):
    for _ in range(5):
        LoginFailure.objects.create(
            kind=LoginFailure.Kind.REGISTRATION,
            ip_address="203.0.113.9",
            at=timezone.now() - timedelta(minutes=61),
        )

    response = client.post(REGISTER, _data(), REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 302


def test_registration_counts_do_not_lock_anyone_out_of_signing_in(client, officer):
    for n in range(5):
        client.post(REGISTER, _data(email=f"person{n}@example.org"), REMOTE_ADDR="203.0.113.9")
        client.logout()

    response = client.post(
        "/sign-in/",
        {"username": "officer@example.org", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 302


def test_a_signed_in_person_is_sent_on(client, officer):
    client.force_login(officer)

    response = client.get(f"{REGISTER}?next=/proposals/")

    assert response.status_code == 302
    assert response["Location"] == "/proposals/"


# The service, whatever the entry point -----------------------------------------------------


def _request(**fields):
    services.registration_request(
        **{
            "full_name": "Rita",
            "email": "Rita@example.org",
            "password": STRONG,
            "ip_address": None,
            "absolute_url": lambda path: f"https://example.org{path}",
            **fields,
        }
    )


def test_service_never_touches_an_existing_account(django_capture_on_commit_callbacks):
    UserFactory(email="rita@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        _request()
    assert not Registration.objects.exists()
    assert "https://example.org/password-reset/" in mail.outbox[0].body


def test_service_applies_the_password_validators():
    with pytest.raises(ValidationError) as caught:
        _request(password="short")
    assert "password" in caught.value.message_dict
    assert not Registration.objects.exists()


def test_service_without_an_ip_address_is_not_counted():
    _request()
    assert not LoginFailure.objects.exists()
    assert not services.registration_is_throttled(ip_address=None)


def test_confirming_refuses_when_the_address_got_an_account_meanwhile():
    _request()
    UserFactory(email="rita@example.org")
    with pytest.raises(ValidationError, match="An account already exists"):
        services.registration_confirm(registration=Registration.objects.get())
    assert Registration.objects.get().confirmed_at is None
