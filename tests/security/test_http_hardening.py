"""Sign-in throttling, cookies, CSRF on every state-changing request, security headers and CSP,
redirects that stay on the site, and Django's deploy check with production settings."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, TestCase
from django.urls import reverse

from consultations.models import Response
from people.models import LoginFailure, Registration
from people.services import PASSWORD_RESET_ADDRESS_LIMIT, REGISTRATION_LIMIT
from tests.security.conftest import PASSWORD
from tests.security.served import served_patterns, url_for

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)
THROTTLED = "too many attempts to sign in"


def _sign_in(client, email, password, **extra):
    return client.post(reverse("people:login"), {"username": email, "password": password}, **extra)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# Sign-in throttling ---------------------------------------------------------------------------


def test_sign_in_is_throttled_per_email_even_with_the_right_password(client, world):
    email = world.users["officer"].email
    for attempt in range(settings.LOGIN_FAILURE_LIMIT):
        response = _sign_in(client, email, f"wrong {attempt}")
        assert "Enter a correct email address and password" in response.content.decode()
    response = _sign_in(client, email, PASSWORD)
    assert THROTTLED in response.content.decode()
    assert not _signed_in(client)
    # From another connection too: the lock is on the email address.
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert THROTTLED in _sign_in(other, email, PASSWORD).content.decode()
    assert not _signed_in(other)


def test_sign_in_is_throttled_per_address_across_many_emails(world):
    attacker = Client(REMOTE_ADDR="203.0.113.5")
    for n in range(settings.LOGIN_FAILURE_LIMIT * 4):
        _sign_in(attacker, f"guess{n}@example.org", "password123456")
    response = _sign_in(attacker, world.users["leader"].email, PASSWORD)
    assert THROTTLED in response.content.decode()
    assert not _signed_in(attacker)
    # Someone else on another connection is not locked out by it.
    colleague = Client(REMOTE_ADDR="198.51.100.20")
    _sign_in(colleague, world.users["leader"].email, PASSWORD)
    assert _signed_in(colleague)


def test_a_forged_forwarded_for_header_does_not_escape_the_address_throttle(world):
    """X-Forwarded-For is trusted only behind a declared proxy (DJANGO_BEHIND_PROXY)."""
    attacker = Client(REMOTE_ADDR="203.0.113.6")
    for n in range(settings.LOGIN_FAILURE_LIMIT * 4):
        _sign_in(attacker, f"guess{n}@example.org", "nope", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert set(LoginFailure.objects.values_list("ip_address", flat=True)) == {"203.0.113.6"}
    response = _sign_in(
        attacker, world.users["leader"].email, PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert THROTTLED in response.content.decode()


def test_registration_is_throttled_per_address(world):
    client = Client(REMOTE_ADDR="203.0.113.7")
    url = reverse("people:register")
    for n in range(REGISTRATION_LIMIT + 1):
        response = client.post(
            url,
            {
                "full_name": "Rae Resident",
                "email": f"rae{n}@example.org",
                "password": PASSWORD,
                "password_confirm": PASSWORD,
                "agree_privacy": "on",
            },
        )
        client.logout()
    assert "too many attempts to create an account" in response.content.decode()
    # Each allowed attempt awaits its emailed link; the one over the limit does not.
    assert Registration.objects.filter(email__startswith="rae").count() == REGISTRATION_LIMIT


def test_password_reset_is_throttled_per_address_and_a_forged_header_does_not_escape_it(
    world, mailoutbox
):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    url = reverse("people:password_reset")
    for n in range(PASSWORD_RESET_ADDRESS_LIMIT):
        attacker.post(url, {"email": f"guess{n}@example.org"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = attacker.post(
        url, {"email": world.users["officer"].email}, HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert "too many requests to reset a password" in response.content.decode()
    assert mailoutbox == []
    colleague = Client(REMOTE_ADDR="198.51.100.21")
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert colleague.post(url, {"email": world.users["officer"].email}).status_code == 302
    assert [m.to for m in mailoutbox] == [[world.users["officer"].email]]


def test_anonymous_consultation_responses_are_throttled_per_connection(world):
    consultation = world.consultation
    type(consultation).objects.filter(pk=consultation.pk).update(allow_anonymous=True)
    single = consultation.questions.get(kind="single")
    data = {
        "respondent_type": "resident",
        "area": world.ward.pk,
        f"question_{single.pk}": single.options.first().pk,
    }
    client = Client(REMOTE_ADDR="203.0.113.8")
    url = reverse("consultations:respond", args=[consultation.pk])
    statuses = [client.post(url, data).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [200]
    assert Response.objects.filter(consultation=consultation).count() == 5


# Sessions and cookies ---------------------------------------------------------------------------


def test_the_session_cookie_is_httponly_and_samesite_lax_and_rotates_on_sign_in(client, world):
    client.get(reverse("people:login"))
    before = client.cookies.get(settings.SESSION_COOKIE_NAME)
    response = _sign_in(client, world.users["officer"].email, PASSWORD)
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) <= 8 * 60 * 60
    assert before is None or before.value != cookie.value, "the session id must change"
    csrf = response.cookies.get(settings.CSRF_COOKIE_NAME) or client.cookies.get(
        settings.CSRF_COOKIE_NAME
    )
    assert csrf is not None and csrf["httponly"] is True and csrf["samesite"] == "Lax"


def test_signing_out_ends_the_session_on_the_server(client, world):
    _sign_in(client, world.users["officer"].email, PASSWORD)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("people:logout"))
    assert not Session.objects.filter(session_key=key).exists()


def _production_env() -> dict[str, str]:
    """What `make check` sets: production defaults, nothing that marks a test run."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SOCIALVALUE_", "PYTEST", "DATABASE_URL", "EMAIL_"))
    }
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="check-deploy-" + "7f3a9c" * 10,
        DJANGO_ALLOWED_HOSTS="socialvalue.example.org",
        SOCIALVALUE_OPERATOR_NAME="Example Council",
        EMAIL_HOST="smtp.example.org",
    )
    return env


PRODUCTION_PROBE = """
import json
import django
from django.conf import settings
from django.core.management import call_command
django.setup()
call_command("check", "--deploy", "--fail-level", "WARNING")
names = ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
         "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT",
         "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_CONTENT_TYPE_NOSNIFF",
         "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY"]
print("SETTINGS=" + json.dumps({name: getattr(settings, name) for name in names}))
"""


def test_the_deploy_check_is_clean_and_cookies_are_secure_in_production():
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=BASE_DIR,
        env={**_production_env(), "DJANGO_SETTINGS_MODULE": "socialvalue.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "System check identified some issues" not in (
        result.stdout + result.stderr
    )
    (line,) = [x for x in result.stdout.splitlines() if x.startswith("SETTINGS=")]
    production = json.loads(line.removeprefix("SETTINGS="))
    assert production == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
    }


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


# CSRF -----------------------------------------------------------------------------------------


def _counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model not in (Session, LoginFailure)
    }


def test_no_view_is_exempt_from_csrf():
    exempt = [
        pattern.name
        for pattern in served_patterns()
        if getattr(pattern.view_class, "csrf_exempt", False)
    ]
    assert exempt == []


@pytest.mark.parametrize("role", ["officer", "superuser", "anonymous"])
def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(world, role):
    """Every URL whose view accepts POST, posted without the token by someone who could
    otherwise act (a superuser may do anything; an officer runs the world's records;
    anonymous people reach the public forms)."""
    client = Client(enforce_csrf_checks=True)
    if world.users[role] is not None:
        client.force_login(world.users[role])
    before = _counts()
    accepted = []
    for pattern in served_patterns():
        if not pattern.accepts_post:
            continue
        path = url_for(pattern.name, world)
        response = client.post(path, {"reason": "x", "body": "x", "note": "x"})
        if response.status_code != 403 or b"CSRF" not in response.content:
            accepted.append(f"{path} ({pattern.name}): {response.status_code}")
    assert accepted == [], "POSTs without a CSRF token that were not refused"
    assert _counts() == before


def test_a_post_with_the_token_from_the_form_is_accepted(world):
    """The CSRF test above can fail: with the token, the same kind of request goes through."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["officer"])
    url = reverse("consultations:proposal_note", args=[world.proposal.pk])
    page = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = client.post(url, {"csrfmiddlewaretoken": token, "note": "Checked"})
    assert response.status_code == 302


# Headers and CSP --------------------------------------------------------------------------------

PAGES = [
    ("anonymous", "objectives:objective_list"),
    ("anonymous", "people:login"),
    ("anonymous", "dashboards:transparency"),
    ("officer", "home"),
    ("officer", "contracts:contract_detail"),
    ("officer", "contracts:assessment_section"),
    ("vcs_member", "consultations:proposal_detail"),
]


def _directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize(("role", "name"), PAGES)
def test_pages_send_the_security_headers_and_a_nonce_csp(client, world, role, name):
    if world.users[role]:
        client.force_login(world.users[role])
    response = client.get(url_for(name, world))
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = _directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    nonces = set()
    for directive in ("script-src", "style-src"):
        sources = csp[directive]
        assert "'self'" in sources
        nonce = [s for s in sources if s.startswith("'nonce-")]
        assert len(nonce) == 1, f"{directive} has no nonce"
        assert all(s == "'self'" or s.startswith("'nonce-") for s in sources), sources
        nonces.add(nonce[0][len("'nonce-") : -1])
    (nonce,) = nonces
    page = response.content.decode()
    # Every inline script and style carries this response's nonce, so the CSP lets them run
    # and nothing injected without it can.
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", page):
        if "src=" in tag:
            continue
        assert f'nonce="{nonce}"' in tag, f"inline {tag} has no nonce"
    assert not re.search(r"\son[a-z]+\s*=", page), "inline event handlers are blocked by the CSP"


def test_each_response_gets_a_fresh_nonce(client):
    first = _directives(client.get(reverse("objectives:objective_list"))["Content-Security-Policy"])
    second = _directives(
        client.get(reverse("objectives:objective_list"))["Content-Security-Policy"]
    )
    assert first["script-src"] != second["script-src"]


def test_error_pages_send_the_headers_too(client, world):
    client.force_login(world.users["vcs_member"])
    for path in ("/no-such-page/", url_for("contracts:contract_detail", world)):
        response = client.get(path)
        assert response.status_code == 404
        assert response["X-Frame-Options"] == "DENY"
        assert "Content-Security-Policy" in response


# Redirects stay on the site ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:x"]
)
def test_sign_in_never_redirects_off_the_site(client, world, target):
    response = client.post(
        reverse("people:login") + "?next=" + target,
        {"username": world.users["officer"].email, "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_registration_never_redirects_off_the_site(
    target, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client(REMOTE_ADDR="203.0.113.30")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("people:register") + "?next=" + target,
            {
                "full_name": "Rae Resident",
                "email": "rae@example.org",
                "password": PASSWORD,
                "password_confirm": PASSWORD,
                "agree_privacy": "on",
                "next": target,
            },
        )
    link = re.search(r"https?://[^/\s]+(/register/confirm/\S+/)", mailoutbox[0].body).group(1)
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_password_reset_does_not_say_whether_an_account_exists(client, world, mailoutbox):
    url = reverse("people:password_reset")
    with TestCase.captureOnCommitCallbacks(execute=True):
        known = client.post(url, {"email": world.users["officer"].email})
        unknown = client.post(url, {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mailoutbox] == [[world.users["officer"].email]]
