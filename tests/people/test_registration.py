"""Residents create their own account: GET/POST /register/."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from people import services
from people.models import LoginFailure, Membership, User
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


def test_a_valid_registration_creates_a_resident_and_signs_them_in(client):
    response = client.post(REGISTER, _data())

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
    assert home.status_code == 200
    assertContains(home, "Your account has been created")


def test_a_safe_next_is_followed(client):
    response = client.post(f"{REGISTER}?next=/proposals/", _data())

    assert response.status_code == 302
    assert response["Location"] == "/proposals/"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/path", "/\\evil.example", "javascript:alert(1)"],
)
def test_an_open_redirect_is_refused(client, next_url):
    response = client.post(REGISTER, {**_data(), "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in_user_id(client) is not None


def test_a_duplicate_email_is_refused_whatever_its_case(client):
    existing = UserFactory(email="rita@example.org", full_name="Someone Else")

    response = client.post(REGISTER, _data(email="RITA@example.ORG"))

    assert response.status_code == 200
    assertContains(response, "There is a problem")
    assertContains(
        response,
        "An account already exists for this email address. Sign in or reset your password",
    )
    assert list(User.objects.all()) == [existing]
    assert existing.check_password(PASSWORD)  # untouched
    assert _signed_in_user_id(client) is None


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
        client.logout()
    assert User.objects.count() == 5

    response = client.post(REGISTER, _data(email="sixth@example.org"), REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 200
    assertContains(response, "There have been too many attempts to create an account")
    assert not User.objects.filter(email="sixth@example.org").exists()
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


def test_service_refuses_an_existing_address():
    UserFactory(email="rita@example.org")
    with pytest.raises(ValidationError) as caught:
        services.resident_register(
            full_name="Rita", email="Rita@example.org", password=STRONG, ip_address=None
        )
    assert caught.value.message_dict == {"email": [services.ACCOUNT_EXISTS]}


def test_service_applies_the_password_validators():
    with pytest.raises(ValidationError) as caught:
        services.resident_register(
            full_name="Rita", email="rita@example.org", password="short", ip_address=None
        )
    assert "password" in caught.value.message_dict
    assert not User.objects.exists()


def test_service_without_an_ip_address_is_not_counted():
    services.resident_register(
        full_name="Rita", email="rita@example.org", password=STRONG, ip_address=None
    )
    assert not LoginFailure.objects.exists()
    assert not services.registration_is_throttled(ip_address=None)
