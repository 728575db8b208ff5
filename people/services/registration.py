"""A resident's own account: the request, the emailed link, and its confirmation."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Invitation, LoginFailure, Registration, User
from .throttles import KEEP_ATTEMPTS_FOR, Throttle

REGISTRATION_LIMIT = 5


REGISTRATION_WINDOW = timedelta(hours=1)


REGISTRATION_THROTTLE = Throttle(
    kind=LoginFailure.Kind.REGISTRATION,
    window=REGISTRATION_WINDOW,
    per_address=REGISTRATION_LIMIT,
)


REGISTRATION_THROTTLED = (
    "There have been too many attempts to create an account from this connection. "
    "Wait an hour, then try again"
)


ACCOUNT_EXISTS = "An account already exists for this email address. Sign in or reset your password"


def registration_is_throttled(*, ip_address: str | None) -> bool:
    """At most REGISTRATION_LIMIT attempts to create an account from one IP address an hour
    (an attempt without a known IP address is not counted)."""
    return REGISTRATION_THROTTLE.is_throttled(ip_address=ip_address)


REGISTRATION_VALID_HOURS = 24


def registration_request(
    *,
    full_name: str,
    email: str,
    password: str,
    ip_address: str | None,
    absolute_url,
    next_url: str = "",
) -> None:
    """A resident asks for their own account: no organisation and no role. They may support
    proposals and ask questions; publicly they are only ever "A resident".

    Nothing is created yet, and the answer is the same whatever the address: an email goes to
    it, either with a link that makes the account (`registration_confirm`) or, when the address
    has an account already, telling its owner that someone tried and how to sign in or reset
    the password. Both do the same work (one password hash, one email), so the time taken does
    not tell them apart either. `absolute_url(path)` makes the links absolute.

    Every attempt that gets this far is counted against the IP address, so the form cannot be
    used to send many emails. The count is written before (and outside) the transaction."""
    if registration_is_throttled(ip_address=ip_address):
        raise ValidationError(REGISTRATION_THROTTLED, code="throttled")
    if ip_address:
        REGISTRATION_THROTTLE.record(ip_address=ip_address)
    _registration_request(
        full_name=full_name,
        email=email,
        password=password,
        absolute_url=absolute_url,
        next_url=next_url,
    )


@transaction.atomic
def _registration_request(*, full_name, email, password, absolute_url, next_url) -> None:
    from django.contrib.auth import password_validation
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse

    from notifications.emails import notify

    email = User.objects.normalize_email(email or "").strip().lower()
    full_name = (full_name or "").strip()
    try:
        password_validation.validate_password(password, User(email=email, full_name=full_name))
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    password_hash = make_password(password)  # whichever answer follows
    # Requests nobody confirmed are of no further use once expired.
    Registration.objects.filter(
        confirmed_at__isnull=True, expires_at__lt=timezone.now() - KEEP_ATTEMPTS_FOR
    ).delete()
    if User.objects.filter(email__iexact=email).exists():
        notify(
            recipients=[email],
            subject="Someone tried to create an account with your email address",
            template="people/email/registration_exists.txt",
            context={
                "email": email,
                "sign_in_url": absolute_url(reverse("people:login")),
                "reset_url": absolute_url(reverse("people:password_reset")),
            },
        )
        return
    token, token_hash = Invitation.new_token()
    registration = Registration(
        email=email,
        full_name=full_name,
        password=password_hash,
        next_url=next_url,
        token_hash=token_hash,
        expires_at=timezone.now() + timedelta(hours=REGISTRATION_VALID_HOURS),
    )
    registration.full_clean()
    registration.save()
    notify(
        recipients=[email],
        subject="Confirm your email address to create your account",
        template="people/email/registration_confirm.txt",
        context={
            "registration": registration,
            "confirm_url": absolute_url(reverse("people:register_confirm", args=[token])),
            "valid_hours": REGISTRATION_VALID_HOURS,
        },
    )


def registration_for_token(token: str) -> Registration | None:
    return Registration.objects.filter(token_hash=Invitation.hash_token(token)).first()


@transaction.atomic
def registration_confirm(*, registration: Registration) -> User:
    """Make the account a resident asked for, now that they have opened the emailed link."""
    from django.db import IntegrityError

    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_pending:
        raise ValidationError(
            "This link has expired or has already been used. Create your account again"
        )
    if User.objects.filter(email__iexact=registration.email).exists():
        raise ValidationError(ACCOUNT_EXISTS, code="exists")
    user = User(email=registration.email, full_name=registration.full_name)
    user.password = registration.password
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same address confirmed at the same moment
        raise ValidationError(ACCOUNT_EXISTS, code="exists") from None
    registration.confirmed_at = timezone.now()
    registration.user = user
    registration.password = ""  # the account holds it now
    registration.save(update_fields=["confirmed_at", "user", "password"])
    return user
