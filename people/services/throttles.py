"""How many tries of signing in, resetting a password or following an emailed link one
address or one person gets before they must wait."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import LoginFailure

# Attempts are kept longer than any throttle's window, then cleared out as new ones arrive.
KEEP_ATTEMPTS_FOR = timedelta(days=1)


def _email_key(email: str) -> str:
    return (email or "").strip().lower()[:254]


@dataclass(frozen=True)
class Throttle:
    """One throttle: at most `per_email` attempts of one kind for one email address, and
    `per_address` from one IP address, within `window` (None: that count is not limited).

    Sign-in, registration and password reset all use this, each counting only its own kind of
    row in the one LoginFailure table, so every worker sees the same counts. An attempt with no
    known IP address is counted only against its email address."""

    kind: str
    window: timedelta
    per_email: int | None = None
    per_address: int | None = None

    def _recent(self):
        return LoginFailure.objects.filter(kind=self.kind, at__gte=timezone.now() - self.window)

    def is_throttled(self, *, email: str = "", ip_address: str | None = None) -> bool:
        recent = self._recent()
        email = _email_key(email)
        if self.per_email and email and recent.filter(email=email).count() >= self.per_email:
            return True
        return bool(self.per_address and ip_address) and (
            recent.filter(ip_address=ip_address).count() >= self.per_address
        )

    def record(self, *, email: str = "", ip_address: str | None = None) -> None:
        LoginFailure.objects.create(kind=self.kind, email=_email_key(email), ip_address=ip_address)
        # Keep the table small: attempts older than a day are of no further use.
        LoginFailure.objects.filter(at__lt=timezone.now() - KEEP_ATTEMPTS_FOR).delete()

    def clear(self, *, email: str) -> None:
        LoginFailure.objects.filter(kind=self.kind, email=_email_key(email)).delete()


def sign_in_throttle(kind: str = LoginFailure.Kind.SIGN_IN) -> Throttle:
    """Too many recent failures for one email address, or from one IP address, lock sign-in
    (or, with another `kind`, a step of it counted apart, such as the two-factor code).

    The IP limit is higher than the per-email one so a shared office connection is not locked
    out by one person's mistakes. Read from settings each time, so they can be changed."""
    limit = settings.LOGIN_FAILURE_LIMIT
    return Throttle(
        kind=kind,
        window=timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS),
        per_email=limit,
        per_address=limit * 4,
    )


SIGN_IN_THROTTLED = "There have been too many attempts to sign in. Wait 15 minutes, then try again"


def login_is_throttled(*, email: str, ip_address: str | None) -> bool:
    return sign_in_throttle().is_throttled(email=email, ip_address=ip_address)


def login_failure_record(*, email: str, ip_address: str | None) -> None:
    sign_in_throttle().record(email=email, ip_address=ip_address)


def login_failures_clear(*, email: str) -> None:
    sign_in_throttle().clear(email=email)


# Password reset: every request is counted, whether or not an account uses the address, so
# neither the emails sent nor the refusal says whether one exists.
PASSWORD_RESET_LIMIT = 5  # requests for one email address an hour


PASSWORD_RESET_ADDRESS_LIMIT = 20  # requests from one IP address an hour


PASSWORD_RESET_WINDOW = timedelta(hours=1)


PASSWORD_RESET_THROTTLE = Throttle(
    kind=LoginFailure.Kind.PASSWORD_RESET,
    window=PASSWORD_RESET_WINDOW,
    per_email=PASSWORD_RESET_LIMIT,
    per_address=PASSWORD_RESET_ADDRESS_LIMIT,
)


PASSWORD_RESET_THROTTLED = (
    "There have been too many requests to reset a password. Wait an hour, then try again"
)


def password_reset_attempt(*, email: str, ip_address: str | None) -> None:
    """Count a request for a password-reset email, or refuse it (ValidationError, code
    "throttled") when the email address or the IP address has asked too often. A refused
    request is not counted, so the lock ends when the window passes."""
    if PASSWORD_RESET_THROTTLE.is_throttled(email=email, ip_address=ip_address):
        raise ValidationError(PASSWORD_RESET_THROTTLED, code="throttled")
    PASSWORD_RESET_THROTTLE.record(email=email, ip_address=ip_address)


# Links that sign someone in or set a password (password reset, invitation, registration)
# carry long random tokens that cannot be guessed; still, nobody may try them in bulk. A link
# that does not work counts against the IP address; too many lock every such link from it.
LINK_LIMIT = 20


LINK_THROTTLE = Throttle(
    kind=LoginFailure.Kind.BAD_LINK,
    window=timedelta(minutes=15),
    per_address=LINK_LIMIT,
)


def link_is_throttled(*, ip_address: str | None) -> bool:
    return LINK_THROTTLE.is_throttled(ip_address=ip_address)


def bad_link_record(*, ip_address: str | None) -> None:
    if ip_address:
        LINK_THROTTLE.record(ip_address=ip_address)
