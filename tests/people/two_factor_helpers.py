"""Helpers for tests of two-factor sign-in: codes an authenticator app would show, a person
with two-factor sign-in on, and a test-client session in which a code was entered."""

import time

from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from people import two_factor


def code_for(key: str, *, steps_ahead: int = 0) -> str:
    """The 6-digit code an app holding `key` shows now (or `steps_ahead` 30-second steps on)."""
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def turn_on(user):
    """Two-factor sign-in on for `user`, as the set-up page does it. Returns (device, codes)."""
    key = two_factor.new_secret()
    return two_factor.two_factor_enable(user=user, key=key, code=code_for(key))


def sign_in_verified(client, user, device) -> None:
    """Signed in, with a code entered in this session."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
