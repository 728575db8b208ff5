"""Writes to people, organisations and memberships, each in one transaction."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.services import queue_email

from . import notices
from .models import Invitation, LoginFailure, Membership, Organisation, Registration, User

Role = Membership.Role


@transaction.atomic
def membership_create(
    *, user: User, organisation: Organisation, role: str, job_title: str = ""
) -> Membership:
    existing = (
        Membership.objects.current().filter(user=user, organisation=organisation, role=role).first()
    )
    if existing:
        return existing
    membership = Membership(user=user, organisation=organisation, role=role, job_title=job_title)
    membership.full_clean(validate_constraints=False)
    membership.save()
    return membership


def is_last_admin(membership: Membership) -> bool:
    """An organisation must keep at least one admin, or nobody could manage its members."""
    if membership.role != Role.ORG_ADMIN:
        return False
    return not (
        Membership.objects.current()
        .filter(organisation=membership.organisation, role=Role.ORG_ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_end(*, membership: Membership, by: User) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_current:
        raise ValidationError("This membership has already ended")
    if is_last_admin(membership):
        raise ValidationError(
            f"{membership.user} is the only admin of {membership.organisation}. "
            "Invite another admin before removing this one"
        )
    membership.ended_at = timezone.now()
    membership.ended_by = by
    membership.save(update_fields=["ended_at", "ended_by"])
    return membership


@transaction.atomic
def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    full_name: str,
    role: str,
    by: User,
    accept_url_for,
) -> Invitation:
    """Invite someone by email. `accept_url_for(token)` builds the absolute link to send."""
    email = User.objects.normalize_email(email).strip().lower()
    if role not in Membership.ROLES_FOR_KIND.get(organisation.kind, set()):
        raise ValidationError(
            {
                "role": f"A {organisation.get_kind_display().lower()} cannot have the role "
                f"{Role(role).label.lower()}"
            }
        )
    if (
        Membership.objects.current()
        .filter(user__email__iexact=email, organisation=organisation, role=role)
        .exists()
    ):
        raise ValidationError(
            {"email": f"{email} is already {Role(role).label.lower()} at {organisation}"}
        )
    # A new invitation replaces any still pending for the same person and role.
    Invitation.objects.filter(
        email=email,
        organisation=organisation,
        role=role,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=timezone.now())
    token, token_hash = Invitation.new_token()
    invitation = Invitation(
        email=email,
        full_name=full_name.strip(),
        organisation=organisation,
        role=role,
        token_hash=token_hash,
        invited_by=by,
        expires_at=Invitation.default_expiry(),
    )
    invitation.full_clean()
    invitation.save()
    context = {
        "invitation": invitation,
        "accept_url": accept_url_for(token),
        "service_name": settings.SOCIALVALUE_SERVICE_NAME,
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    queue_email(
        to=email,
        subject=f"You have been invited to join {organisation} on "
        f"{settings.SOCIALVALUE_SERVICE_NAME}",
        body=render_to_string("people/email/invitation.txt", context),
    )
    notices.invited(invitation=invitation)
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
) -> Membership:
    """Accept an invitation: as a signed-in user with the invited email, or as a new person
    choosing a password."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError("This invitation has expired or has already been used")
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                "An account already exists for this email address. Sign in to accept"
            )
        user = User(email=invitation.email, full_name=full_name.strip() or invitation.full_name)
        user.set_password(password)
        user.full_clean()
        user.save()
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(
            f"This invitation is for {invitation.email}. Sign out and sign in as that person"
        )
    membership = membership_create(
        user=user, organisation=invitation.organisation, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


# Throttling ---------------------------------------------------------------------------------

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


STATUS_FIELDS = ("size", "is_vcse")


def _confirm_status(organisation: Organisation, by: User) -> None:
    organisation.confirmed_size = organisation.size
    organisation.confirmed_is_vcse = organisation.is_vcse
    organisation.status_confirmed_at = timezone.now()
    organisation.status_confirmed_by = by


def _unconfirm_status(organisation: Organisation) -> None:
    organisation.confirmed_size = ""
    organisation.confirmed_is_vcse = False
    organisation.status_confirmed_at = None
    organisation.status_confirmed_by = None


@transaction.atomic
def organisation_register(
    *, by: User, areas=(), confirm_status: bool = False, **fields
) -> Organisation:
    """An officer registers a community group or supplier the place works with.

    Its SME and VCSE status is self-declared unless `confirm_status` says the person
    registering it vouches for it (an officer filling in the form), and they may confirm it.
    Imports and the award form's new supplier leave it self-declared."""
    from django.utils.text import slugify

    from socialvalue.rules import allowed

    organisation = Organisation(**fields)
    base = slugify(organisation.name)[:70] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    organisation.slug = slug
    if confirm_status and allowed(by, "people.confirm_status", organisation):
        _confirm_status(organisation, by)
    organisation.full_clean()
    organisation._history_user = by
    organisation.save()
    organisation.areas.set(areas)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, by: User, areas=None, **fields):
    """Change an organisation's details. A change to its SME or VCSE status makes it
    self-declared again, until an officer confirms it (`organisation_status_confirm`)."""
    # As stored: a model form may already have set the new values on the instance.
    before = Organisation.objects.filter(pk=organisation.pk).values(*STATUS_FIELDS).first()
    for name, value in fields.items():
        setattr(organisation, name, value)
    if before and any(getattr(organisation, name) != before[name] for name in STATUS_FIELDS):
        _unconfirm_status(organisation)
    organisation.full_clean()
    organisation._history_user = by
    organisation.save()
    if areas is not None:
        organisation.areas.set(areas)
    return organisation


@transaction.atomic
def organisation_status_confirm(*, organisation: Organisation, by: User) -> Organisation:
    """An officer confirms the organisation's SME and VCSE status as it stands: from now on
    it counts in published figures and open data, with who confirmed it and when."""
    from socialvalue.rules import allowed

    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not allowed(by, "people.confirm_status", organisation):
        raise ValidationError("You cannot confirm this organisation's status")
    _confirm_status(organisation, by)
    organisation.full_clean()
    organisation._history_user = by
    organisation.save()
    return organisation


# Residents' own accounts --------------------------------------------------------------------

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
