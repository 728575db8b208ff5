"""Two-factor sign-in: a time-based code from an authenticator app, and recovery codes.

Built on django-otp: a person's authenticator is a confirmed `TOTPDevice`, their recovery codes
the tokens of a `StaticDevice` (each works once). `OTPMiddleware` marks a session verified
(`request.user.is_verified()`) once a code has been accepted in it.

- **Setting up** (`two_factor_enable`): the secret lives in the session until the person proves
  their app holds it by entering a first code; only then is the device stored, with ten new
  recovery codes, which are shown once.
- **Signing in**: after a right password, a person with an authenticator is not signed in yet.
  Who they are waits in the session (`pending_*`, five minutes) until they enter a code
  (`code_verify`), which is throttled like the password: 5 wrong codes for one account, or 20
  from one IP address, in 15 minutes lock the code step, on top of django-otp's own growing
  delay between attempts on a device.
- **Where it is required** (`people.permissions.two_factor_required`): a view that records the
  Act's duty uses `TwoFactorRequiredMixin` (or `two_factor_required_view` for a function view,
  as the Django admin does). A person who must use two-factor sign-in and has not in this
  session is sent to set it up, or to enter a code, and then back to where they were.
"""

import base64
import functools
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from notifications.emails import notify

from .models import LoginFailure, User
from .permissions import two_factor_required
from .services import Throttle, sign_in_throttle

RECOVERY_CODE_COUNT = 10
PENDING_SECONDS = 300  # between a right password and the code
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"

# Session keys.
PENDING = "sv_two_factor_pending"
SETUP_KEY = "sv_two_factor_setup_key"
NEW_CODES = "sv_two_factor_new_codes"

WRONG_CODE = "The code is not right. Enter the 6-digit code your authenticator app shows now"
WRONG_CODE_OR_RECOVERY = (
    "The code is not right. Enter the 6-digit code your authenticator app shows now, "
    "or one of your recovery codes"
)
THROTTLED = "There have been too many wrong codes. Wait 15 minutes, then try again"


def code_throttle() -> Throttle:
    """Wrong codes at the sign-in step, counted like failed passwords (and with the same
    limits), for the account and for the IP address, but apart from them."""
    return sign_in_throttle(LoginFailure.Kind.TWO_FACTOR)


# Reads ----------------------------------------------------------------------------------


def authenticator(user) -> TOTPDevice | None:
    if not getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user) -> bool:
    return authenticator(user) is not None


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def is_verified(request) -> bool:
    """Whether a code was accepted in this session (OTPMiddleware sets `is_verified`)."""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def account_notice(*, user: User, subject: str, template: str) -> None:
    """Tell the person by email that their sign-in changed, so a change they did not make
    does not go unnoticed."""
    notify(
        recipients=[user],
        subject=subject,
        template=f"people/email/two_factor_{template}.txt",
        context={"user": user, "account_url": f"{settings.SOCIALVALUE_SITE_URL}/account/"},
    )


# Setting up -------------------------------------------------------------------------------


def new_secret() -> str:
    """A new shared secret: 20 random bytes, hex-encoded (as django-otp stores it)."""
    return random_hex(20)


def secret_for_typing(key: str) -> str:
    """The secret as an authenticator app asks for it: base32, in groups of four."""
    text = base64.b32encode(bytes.fromhex(key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def setup_url(user, key: str) -> str:
    """The otpauth:// address the QR code holds (issuer and account, for the app's list)."""
    return TOTPDevice(user=user, key=key).config_url


def qr_code_data_uri(text: str) -> str:
    """A QR code as an SVG data: URI, for an <img>: drawn by the server, so the page makes no
    outside request, and an image, so the strict CSP (img-src 'self' data:) allows it."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    svg = code.make_image(image_factory=qrcode.image.svg.SvgPathFillImage).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _totp(key: str) -> TOTP:
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time()
    return totp


def _clean_code(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _recovery_codes(device: StaticDevice) -> list[str]:
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@transaction.atomic
def two_factor_enable(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn two-factor sign-in on, once the first code from the person's app matches `key`.
    Returns the device and the new recovery codes (to be shown once, and never again)."""
    User.objects.select_for_update().get(pk=user.pk)
    if has_two_factor(user):
        raise ValidationError("Two-factor sign-in is already on for your account")
    code = _clean_code(code)
    totp = _totp(key)
    if not (code.isdigit() and len(code) == 6 and totp.verify(int(code), tolerance=1)):
        raise ValidationError({"code": WRONG_CODE})
    # Forget any half-finished devices, then store the confirmed one. The code just used
    # cannot be used again (last_t).
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    device = TOTPDevice(
        user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=True, last_t=totp.t()
    )
    device.full_clean()
    device.save()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = _recovery_codes(recovery)
    account_notice(user=user, subject="Two-factor sign-in is on", template="turned_on")
    return device, codes


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    if not has_two_factor(user):
        raise ValidationError("Two-factor sign-in is not on for your account")
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = _recovery_codes(device)
    account_notice(
        user=user, subject="New recovery codes for two-factor sign-in", template="new_codes"
    )
    return codes


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    """Turn two-factor sign-in off: the authenticator and the recovery codes are forgotten."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    account_notice(user=user, subject="Two-factor sign-in is off", template="turned_off")


# Signing in -------------------------------------------------------------------------------


def code_verify(*, user: User, code: str, ip_address: str | None):
    """The device that accepts `code` (the authenticator for 6 digits, else a recovery code,
    which is used up), or a ValidationError. Throttled: see `code_throttle`."""
    throttle = code_throttle()
    if throttle.is_throttled(email=user.email, ip_address=ip_address):
        raise ValidationError(THROTTLED, code="throttled")
    code = _clean_code(code)
    device = None
    with transaction.atomic():
        if code.isdigit() and len(code) == 6:
            candidates = TOTPDevice.objects.filter(user=user, confirmed=True)
        else:
            candidates = StaticDevice.objects.filter(user=user, confirmed=True)
        for candidate in candidates.select_for_update():
            if code and candidate.verify_token(code):
                device = candidate
                break
    if device is None:
        throttle.record(email=user.email, ip_address=ip_address)
        raise ValidationError(WRONG_CODE_OR_RECOVERY, code="wrong")
    throttle.clear(email=user.email)
    return device


def mark_verified(request, device) -> None:
    """Record in the session that this person entered a code."""
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    request.user.otp_device = device


@dataclass(frozen=True)
class Pending:
    """A person who gave the right password and has yet to enter their code."""

    user: User
    backend: str
    next_url: str


def pending_start(request, *, user: User, next_url: str) -> None:
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "at": timezone.now().timestamp(),
        "next": next_url,
    }


def pending(request) -> Pending | None:
    data = request.session.get(PENDING)
    if not isinstance(data, dict):
        return None
    if timezone.now().timestamp() - float(data.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None:
        return None
    return Pending(user=user, backend=data.get("backend", ""), next_url=data.get("next") or "/")


def pending_clear(request) -> None:
    request.session.pop(PENDING, None)


# Where it is required ---------------------------------------------------------------------


def safe_next(request, url: str | None) -> str:
    """`url` if it is a path on this site, else ""."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _back_url(request) -> str:
    """Where to return after the two-factor step: this page for a GET; for a POST (which
    cannot be repeated by a redirect), the page the form was on."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referrer = safe_next(request, request.META.get("HTTP_REFERER", ""))
    if referrer:
        parts = urlsplit(referrer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse("home")


def step_url(name: str, next_url: str) -> str:
    """A two-factor page's address, with where to go afterwards."""
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def is_recovery_code(device) -> bool:
    return isinstance(device, StaticDevice)


def two_factor_redirect(request):
    """None if the person may go on; else a redirect to set up two-factor sign-in (no
    authenticator yet) or to enter a code (an authenticator, but none used in this session),
    which brings them back afterwards."""
    user = request.user
    if not user.is_authenticated or is_verified(request) or not two_factor_required(user):
        return None
    target = "people:sign_in_code" if has_two_factor(user) else "people:two_factor_setup"
    return redirect(step_url(target, _back_url(request)))


class TwoFactorRequiredMixin:
    """For views that record the Act's duty: a person who must use two-factor sign-in does so
    first (see `two_factor_redirect`). Put it first among a view's bases."""

    asks_two_factor = True  # how tests/security/test_two_factor_required.py finds it

    def dispatch(self, request, *args, **kwargs):
        return two_factor_redirect(request) or super().dispatch(request, *args, **kwargs)


def two_factor_required_view(view):
    """The same as `TwoFactorRequiredMixin`, for a function view."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return two_factor_redirect(request) or view(request, *args, **kwargs)

    wrapped.asks_two_factor = True  # kept by method_decorator, for the tests to find
    return wrapped
