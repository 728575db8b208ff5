"""Two-factor sign-in: setting it up, the code step at sign-in (throttled), recovery codes
(each works once), turning it off and making new codes (with the password)."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from people import two_factor
from people.models import LoginFailure
from tests.conftest import PASSWORD
from tests.people.two_factor_helpers import code_for, sign_in_verified, turn_on

SIGN_IN = "/sign-in/"
CODE = "/sign-in/code/"
SETUP = "/account/two-factor/set-up/"
CODES = "/account/two-factor/recovery-codes/"
NEW_CODES = "/account/two-factor/recovery-codes/new/"
TURN_OFF = "/account/two-factor/turn-off/"


def _signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def _verified(client) -> bool:
    return "otp_device_id" in client.session


def _password_step(client, email="officer@example.org", next_url=""):
    query = f"?next={next_url}" if next_url else ""
    return client.post(f"{SIGN_IN}{query}", {"username": email, "password": PASSWORD})


@pytest.fixture
def with_two_factor(officer):
    device, codes = turn_on(officer)
    mail.outbox.clear()
    return device, codes


# Setting up ---------------------------------------------------------------------------------


def test_the_set_up_page_shows_a_qr_code_and_the_key_and_stores_nothing(client, officer):
    client.force_login(officer)

    response = client.get(SETUP)

    assert response.status_code == 200
    assertTemplateUsed(response, "people/two_factor_setup.html")
    key = client.session[two_factor.SETUP_KEY]
    assertContains(response, '<img src="data:image/svg+xml;base64,')
    assertContains(response, two_factor.secret_for_typing(key))
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    # The same secret while setting up, so a slow scan does not change the code.
    client.get(SETUP)
    assert client.session[two_factor.SETUP_KEY] == key


def test_the_qr_code_holds_the_secret_for_this_account_and_service():
    from people.models import User

    key = "00" * 20
    url = two_factor.setup_url(User(email="a@b.org"), key)
    assert url.startswith("otpauth://totp/")
    assert "secret=AAAAAAAA" in url and "a%40b.org" in url and "issuer=Social" in url


def test_a_wrong_first_code_turns_nothing_on(client, officer):
    client.force_login(officer)
    client.get(SETUP)

    response = client.post(SETUP, {"code": "000000"})

    assert response.status_code == 200
    assertContains(response, "The code is not right")
    assert not TOTPDevice.objects.exists()


def test_the_first_right_code_turns_it_on_and_shows_recovery_codes_once(
    client, officer, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    client.get(SETUP)
    key = client.session[two_factor.SETUP_KEY]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{SETUP}?next=/contracts/", {"code": code_for(key)})

    assert response.status_code == 302 and response["Location"] == CODES
    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed and device.key == key
    assert _verified(client), "the session that set it up counts as verified"
    assert two_factor.SETUP_KEY not in client.session
    page = client.get(CODES)
    codes = re.findall(r">([a-z2-7]{8})</li>", page.content.decode())
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assertContains(page, "This is the only time you will see these codes")
    assertContains(page, 'href="/contracts/"')  # then back to where they were going
    again = client.get(CODES)
    assert again.status_code == 302 and again["Location"] == "/account/"
    assert [m.subject for m in mail.outbox] == ["Two-factor sign-in is on – Social value"]


def test_set_up_when_it_is_already_on_goes_to_the_account_page(client, officer, with_two_factor):
    device, _ = with_two_factor
    sign_in_verified(client, officer, device)

    response = client.get(SETUP)

    assert response.status_code == 302 and response["Location"] == "/account/"
    assert TOTPDevice.objects.filter(user=officer).count() == 1


# Signing in ---------------------------------------------------------------------------------


def test_without_two_factor_the_password_signs_in(client, officer):
    response = _password_step(client)

    assert response["Location"] == "/"
    assert _signed_in_user_id(client) == str(officer.pk)


def test_with_two_factor_the_password_alone_does_not_sign_in(client, officer, with_two_factor):
    response = _password_step(client, next_url="/contracts/")

    assert response.status_code == 302 and response["Location"] == CODE
    assert _signed_in_user_id(client) is None
    page = client.get(CODE)
    assertTemplateUsed(page, "people/sign_in_code.html")
    assertContains(page, "Enter the code from your authenticator app")
    assert _signed_in_user_id(client) is None
    assert client.get("/contracts/").status_code == 302  # still not signed in


def test_the_right_code_signs_in_verified_and_goes_on(client, officer, with_two_factor):
    device, _ = with_two_factor
    _password_step(client, next_url="/contracts/")

    response = client.post(CODE, {"code": code_for(device.key, steps_ahead=1)})

    assert response.status_code == 302 and response["Location"] == "/contracts/"
    assert _signed_in_user_id(client) == str(officer.pk)
    assert _verified(client)
    assert two_factor.PENDING not in client.session


def test_a_code_cannot_be_used_twice(client, officer, with_two_factor):
    device, _ = with_two_factor
    code = code_for(device.key, steps_ahead=1)
    _password_step(client)
    client.post(CODE, {"code": code})
    client.logout()

    _password_step(client)
    response = client.post(CODE, {"code": code})

    assertContains(response, "The code is not right")
    assert _signed_in_user_id(client) is None


def test_a_wrong_code_is_refused_and_counted(client, officer, with_two_factor):
    _password_step(client)

    response = client.post(CODE, {"code": "123456"})

    assert response.status_code == 200
    assertContains(response, "There is a problem")
    assertContains(response, "The code is not right")
    assert _signed_in_user_id(client) is None
    assert LoginFailure.objects.filter(kind="two_factor", email="officer@example.org").count() == 1


def test_five_wrong_codes_lock_the_code_step_even_for_the_right_code(
    client, officer, with_two_factor
):
    device, _ = with_two_factor
    _password_step(client)
    for _ in range(5):
        # django-otp's own growing delay would refuse these anyway; ours is the lock that
        # survives a new sign-in and counts per account and per IP address.
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        client.post(CODE, {"code": "123456"})

    response = client.post(CODE, {"code": code_for(device.key, steps_ahead=1)})

    assertContains(response, "There have been too many wrong codes. Wait 15 minutes")
    assert _signed_in_user_id(client) is None
    # Signing in with the password again does not reset the lock.
    client.post(SIGN_IN, {"username": "officer@example.org", "password": PASSWORD})
    response = client.post(CODE, {"code": code_for(device.key, steps_ahead=1)})
    assertContains(response, "There have been too many wrong codes")


def test_the_devices_own_delay_also_refuses_quick_guesses(client, officer, with_two_factor):
    device, _ = with_two_factor
    _password_step(client)
    client.post(CODE, {"code": "123456"})

    response = client.post(CODE, {"code": code_for(device.key, steps_ahead=1)})

    assertContains(response, "The code is not right")  # within a second of a wrong one


def test_the_code_must_follow_the_password_within_five_minutes(client, officer, with_two_factor):
    device, _ = with_two_factor
    _password_step(client)
    later = timezone.now() + timedelta(seconds=two_factor.PENDING_SECONDS + 1)

    with mock.patch("people.two_factor.timezone.now", return_value=later):
        response = client.post(CODE, {"code": code_for(device.key, steps_ahead=1)})

    assert response.status_code == 302 and response["Location"] == SIGN_IN
    assert _signed_in_user_id(client) is None


def test_the_code_step_without_a_password_first_goes_to_sign_in(client, db):
    response = client.get(CODE)

    assert response.status_code == 302 and response["Location"] == SIGN_IN


def test_a_recovery_code_signs_in_once(client, officer, with_two_factor):
    _, codes = with_two_factor
    _password_step(client)

    response = client.post(CODE, {"code": codes[0].upper()}, follow=True)

    assert _signed_in_user_id(client) == str(officer.pk)
    assertContains(response, "You used a recovery code. It will not work again. You have 9 left")
    client.logout()
    _password_step(client)
    response = client.post(CODE, {"code": codes[0]})
    assertContains(response, "The code is not right")
    assert _signed_in_user_id(client) is None


def test_the_admin_sign_in_asks_for_the_code_too(client, db):
    from tests.people.factories import UserFactory

    root = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    device, _ = turn_on(root)

    response = client.post(
        "/admin/login/?next=/admin/", {"username": "root@example.org", "password": PASSWORD}
    )

    assert response["Location"] == CODE and _signed_in_user_id(client) is None
    response = client.post(CODE, {"code": code_for(device.key, steps_ahead=1)})
    assert response["Location"] == "/admin/"


# A signed-in person asked for a code (step-up) ---------------------------------------------


def test_a_signed_in_person_enters_a_code_then_goes_back(client, officer, with_two_factor):
    device, _ = with_two_factor
    client.force_login(officer)

    response = client.post(
        f"{CODE}?next=/organisations/", {"code": code_for(device.key, steps_ahead=1)}
    )

    assert response["Location"] == "/organisations/"
    assert _verified(client)


def test_the_code_step_refuses_to_send_anyone_off_the_site(client, officer, with_two_factor):
    device, _ = with_two_factor
    client.force_login(officer)

    response = client.post(
        f"{CODE}?next=https://evil.example/", {"code": code_for(device.key, steps_ahead=1)}
    )

    assert response["Location"] == "/"


# The account page, turning it off, new recovery codes ---------------------------------------


def test_the_account_page_says_whether_two_factor_is_on(client, officer):
    client.force_login(officer)
    response = client.get("/account/")
    assertTemplateUsed(response, "people/account.html")
    assertContains(response, "Set up two-factor sign-in")
    assertContains(response, "officer@example.org")

    device, _ = turn_on(officer)
    sign_in_verified(client, officer, device)
    response = client.get("/account/")
    assertContains(response, "10 of 10")
    assertContains(response, "Turn off two-factor sign-in")
    assertNotContains(response, "Set up two-factor sign-in")


def test_turning_off_needs_the_password(
    client, officer, with_two_factor, django_capture_on_commit_callbacks
):
    device, _ = with_two_factor
    sign_in_verified(client, officer, device)

    response = client.post(TURN_OFF, {"password": "wrong"})

    assertContains(response, "Enter your correct password")
    assert TOTPDevice.objects.filter(user=officer).exists()
    # A wrong password here counts as a failed sign-in.
    assert LoginFailure.objects.filter(kind="sign_in", email="officer@example.org").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(TURN_OFF, {"password": PASSWORD})

    assert response["Location"] == "/account/"
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticToken.objects.filter(device__user=officer).exists()
    assert [m.subject for m in mail.outbox] == ["Two-factor sign-in is off – Social value"]


def test_password_guesses_when_turning_off_are_throttled_like_sign_in(
    client, officer, with_two_factor
):
    device, _ = with_two_factor
    sign_in_verified(client, officer, device)
    for _ in range(5):
        client.post(TURN_OFF, {"password": "wrong"})

    response = client.post(TURN_OFF, {"password": PASSWORD})

    assertContains(response, "There have been too many attempts to sign in")
    assert TOTPDevice.objects.filter(user=officer).exists()


def test_changing_two_factor_needs_a_code_in_this_session(client, officer, with_two_factor):
    client.force_login(officer)  # signed in without a code (it was turned on elsewhere since)

    for path in (TURN_OFF, NEW_CODES):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{CODE}?next=")


def test_new_recovery_codes_replace_the_old_ones(
    client, officer, with_two_factor, django_capture_on_commit_callbacks
):
    device, old = with_two_factor
    sign_in_verified(client, officer, device)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW_CODES, {"password": PASSWORD})

    assert response["Location"] == CODES
    page = client.get(CODES)
    new = re.findall(r">([a-z2-7]{8})</li>", page.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    assert [m.subject for m in mail.outbox] == [
        "New recovery codes for two-factor sign-in – Social value"
    ]


def test_turning_off_or_new_codes_without_two_factor_goes_to_the_account(client, officer):
    client.force_login(officer)

    for path in (TURN_OFF, NEW_CODES, CODES):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/account/"
