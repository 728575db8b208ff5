"""Every way in is throttled: the family of issue 13's Medium 4 (the Django admin's sign-in was
not).

An *authentication entry point* is any URL whose view checks a secret: a password
(`authenticate()`, `check_password`), a two-factor code (`two_factor.code_verify`),
or a token from an emailed link (a password-reset token, an invitation's, a registration's).
The first test finds them by asking every URL the application serves (the Django admin's
included), GET and POST, as an anonymous person and as an officer with two-factor sign-in on
(with and without a code entered), with every secret check watched. Each one found must appear
in `THROTTLED` below with a test that locks it, so a new way in cannot ship without one.
"""

from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from people import services, two_factor
from people.models import Invitation, Registration
from tests.people.two_factor_helpers import code_for, sign_in_verified, turn_on
from tests.security.served import KWARGS

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
# What a form might ask for when it checks a secret. Wrong on purpose, so nothing is changed
# (no account is created, two-factor sign-in is not turned off).
FIELDS = {
    "username": "nobody@example.org",
    "password": "not the password",
    "code": "000000",
    "email": "nobody@example.org",
}
SKIP = {"people:logout", "admin:logout"}  # signing out would end the pass early


# Finding the entry points -------------------------------------------------------------------


def _all_patterns(patterns=None, prefix="", namespace=None):
    """Every URL pattern, the Django admin's included (only those without arguments there)."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _all_patterns(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), route


def _paths(world) -> dict[str, str]:
    reset_user = world.users["officer"]
    kwargs = dict(KWARGS)
    # A real account's id, so the reset link's token is checked (and found wrong).
    kwargs["people:password_reset_confirm"] = lambda w: {
        "uidb64": urlsafe_base64_encode(force_bytes(reset_user.pk)),
        "token": "not-a-token",
    }
    paths = {}
    for name, _route in _all_patterns():
        if name in SKIP:
            continue
        if name in kwargs:
            paths[name] = reverse(name, kwargs=kwargs[name](world))
            continue
        try:
            paths[name] = reverse(name)
        except NoReverseMatch:
            # Only the Django admin's pages about one record are left out: staff only,
            # behind the (tested) sign-in. Every other URL with arguments is in KWARGS.
            assert name.startswith("admin:"), f"{name} needs arguments: add it to KWARGS"
    return paths


@contextmanager
def _watching_secret_checks():
    """Counts calls of every function that checks a secret."""
    calls = []

    def watch(owner, attribute):
        original = getattr(owner, attribute)

        def record(*args, **kwargs):
            calls.append(attribute)
            return original(*args, **kwargs)

        return mock.patch.object(owner, attribute, record)

    patches = [
        watch(ModelBackend, "authenticate"),
        watch(AbstractBaseUser, "check_password"),
        watch(PasswordResetTokenGenerator, "check_token"),
        watch(two_factor, "code_verify"),
        watch(services, "invitation_for_token"),
        watch(services, "registration_for_token"),
    ]
    for patch in patches:
        patch.start()
    try:
        yield calls
    finally:
        for patch in patches:
            patch.stop()


def _entry_points(client, paths) -> set[str]:
    found = set()
    with _watching_secret_checks() as calls:
        for name, path in paths.items():
            before = len(calls)
            client.get(path)
            client.post(path, FIELDS)
            if len(calls) > before:
                found.add(name)
    return found


def discover(client, world) -> set[str]:
    paths = _paths(world)
    found = _entry_points(client, paths)  # anonymous
    officer = world.users["officer"]
    device, _ = turn_on(officer)
    client.force_login(officer)  # two-factor on, no code entered in this session
    found |= _entry_points(client, paths)
    sign_in_verified(client, officer, device)
    found |= _entry_points(client, paths)
    return found


# The throttle of each entry point -----------------------------------------------------------
#
# Each test gets a person and proves the lock: after the allowed number of failures, even the
# right secret is refused.


def _lock_sign_in(client, path):
    for _ in range(5):
        client.post(path, {"username": "officer@example.org", "password": "wrong"})
    response = client.post(path, {"username": "officer@example.org", "password": PASSWORD})
    assert SESSION_KEY not in client.session
    assert services.SIGN_IN_THROTTLED in response.content.decode()


def sign_in(client, world):
    _lock_sign_in(client, reverse("people:login"))


def admin_sign_in(client, world):
    _lock_sign_in(client, reverse("admin:login"))


def sign_in_code(client, world):
    device, _ = turn_on(world.users["officer"])
    client.post(reverse("people:login"), {"username": "officer@example.org", "password": PASSWORD})
    for _ in range(5):
        device.refresh_from_db()
        device.throttle_reset()  # past django-otp's own delay: ours is the lock under test
        client.post(reverse("people:sign_in_code"), {"code": "000000"})
    response = client.post(
        reverse("people:sign_in_code"), {"code": code_for(device.key, steps_ahead=1)}
    )
    assert SESSION_KEY not in client.session
    assert two_factor.THROTTLED in response.content.decode()


def _lock_password_confirm(client, world, name):
    officer = world.users["officer"]
    device, _ = turn_on(officer)
    sign_in_verified(client, officer, device)
    for _ in range(5):
        client.post(reverse(name), {"password": "wrong"})
    response = client.post(reverse(name), {"password": PASSWORD})
    assert services.SIGN_IN_THROTTLED in response.content.decode()
    assert two_factor.has_two_factor(officer)


def two_factor_disable(client, world):
    _lock_password_confirm(client, world, "people:two_factor_disable")


def two_factor_codes_replace(client, world):
    _lock_password_confirm(client, world, "people:two_factor_codes_replace")


def _lock_links(client, bad_path, good_path):
    for _ in range(services.LINK_LIMIT):
        assert client.get(bad_path).status_code != 429
    response = client.get(good_path)
    assert response.status_code == 429
    assert "too many links that did not work" in response.content.decode()


def password_reset_confirm(client, world):
    officer = world.users["officer"]
    uid = urlsafe_base64_encode(force_bytes(officer.pk))
    good = default_token_generator.make_token(officer)
    _lock_links(
        client,
        reverse("people:password_reset_confirm", args=[uid, "wrong-token"]),
        reverse("people:password_reset_confirm", args=[uid, good]),
    )


def invitation_accept(client, world):
    assert Invitation.objects.filter(token_hash=Invitation.hash_token(world.invitation_token))
    _lock_links(
        client,
        reverse("people:invitation_accept", args=["a-guess"]),
        reverse("people:invitation_accept", args=[world.invitation_token]),
    )


def register_confirm(client, world):
    token, token_hash = Invitation.new_token()
    Registration.objects.create(
        email="rita@example.org",
        full_name="Rita Resident",
        password="unusable",
        token_hash=token_hash,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    _lock_links(
        client,
        reverse("people:register_confirm", args=["a-guess"]),
        reverse("people:register_confirm", args=[token]),
    )


THROTTLED = {
    "people:login": sign_in,
    "admin:login": admin_sign_in,
    "people:sign_in_code": sign_in_code,
    "people:two_factor_disable": two_factor_disable,
    "people:two_factor_codes_replace": two_factor_codes_replace,
    "people:password_reset_confirm": password_reset_confirm,
    "people:invitation_accept": invitation_accept,
    "people:register_confirm": register_confirm,
}


def test_every_authentication_entry_point_has_a_throttle_test(client, world):
    found = discover(client, world)

    assert sorted(found - set(THROTTLED)) == [], "entry points with no throttle test"
    assert sorted(set(THROTTLED) - found) == [], "throttle tests for URLs that check nothing"


@pytest.mark.parametrize("name", sorted(THROTTLED))
def test_each_authentication_entry_point_is_throttled(client, world, name):
    THROTTLED[name](client, world)
