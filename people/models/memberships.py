"""People, the organisations they belong to, and the roles they hold there."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from places.models import Area, Place

from .querysets import MembershipQuerySet, OrganisationQuerySet


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=self.normalize_email(username).strip())

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Enter an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address."""

    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "staff status", default=False, help_text="Can sign in to the Django admin"
    )
    date_joined = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_case_insensitive_unique")
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organisation(models.Model):
    """A public body, VCS group, social enterprise or supplier."""

    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        NHS = "nhs", "NHS body"
        POLICE = "police", "Police"
        FIRE = "fire", "Fire and rescue service"
        HOUSING = "housing", "Housing association"
        OTHER_PUBLIC = "other_public", "Other public body"
        VCS = "vcs", "Voluntary or community group"
        SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
        SUPPLIER = "supplier", "Supplier"

    PUBLIC_BODY_KINDS = frozenset(
        {Kind.LOCAL_AUTHORITY, Kind.NHS, Kind.POLICE, Kind.FIRE, Kind.HOUSING, Kind.OTHER_PUBLIC}
    )
    COMMUNITY_KINDS = frozenset({Kind.VCS, Kind.SOCIAL_ENTERPRISE})

    class Size(models.TextChoices):
        UNKNOWN = "", "Not known"
        SME = "sme", "Small or medium-sized enterprise (SME)"
        LARGE = "large", "Large"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text="The place a public body serves",
    )
    areas = models.ManyToManyField(
        Area,
        blank=True,
        related_name="organisations",
        help_text="The areas a community group works in",
    )
    size = models.CharField(max_length=10, choices=Size.choices, blank=True, default="")
    is_vcse = models.BooleanField(
        "VCSE", default=False, help_text="A voluntary, community or social enterprise"
    )
    # What an officer of a public body confirmed of `size` and `is_vcse`, who and when. Only a
    # confirmed status counts in published figures and open data; the organisation's own say
    # is shown as self-declared (see `confirmed_scale`, `confirmed_vcse`).
    confirmed_size = models.CharField(
        max_length=10, choices=Size.choices, blank=True, default="", editable=False
    )
    confirmed_is_vcse = models.BooleanField(default=False, editable=False)
    status_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    status_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    identifier = models.CharField(
        max_length=60,
        blank=True,
        help_text="An organisation identifier such as GB-COH-01234567 or GB-PPON-…",
    )
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[areas])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["place", "kind"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:organisation_detail", kwargs={"slug": self.slug})

    @property
    def is_public_body(self) -> bool:
        return self.kind in self.PUBLIC_BODY_KINDS

    @property
    def is_community_group(self) -> bool:
        return self.kind in self.COMMUNITY_KINDS

    # SME and VCSE status: declared, and confirmed ------------------------------------------
    # The rule, once: a status counts when an officer confirmed these very values. A change made
    # afterwards by any route (the organisation's page, the admin, an import) no longer matches
    # what was confirmed, so it is self-declared again. `OrganisationQuerySet.confirmed_sme()`
    # and `.confirmed_vcse()` are the same rule in SQL, for counting.

    @property
    def size_confirmed(self) -> bool:
        return bool(self.status_confirmed_at and self.size and self.confirmed_size == self.size)

    @property
    def vcse_status_confirmed(self) -> bool:
        return bool(self.status_confirmed_at and self.confirmed_is_vcse == self.is_vcse)

    @property
    def confirmed_scale(self) -> str:
        """The size to publish ("sme", "large"), or "" while it is only self-declared."""
        return self.size if self.size_confirmed else ""

    @property
    def confirmed_vcse(self) -> bool | None:
        """True or False once confirmed; None while only self-declared. Community groups and
        social enterprises are VCSEs by their kind, which an officer recorded."""
        if self.kind in self.COMMUNITY_KINDS:
            return True
        return self.is_vcse if self.vcse_status_confirmed else None

    @property
    def has_declared_status(self) -> bool:
        return bool(self.size or self.is_vcse)

    @property
    def status_is_self_declared(self) -> bool:
        """Something is declared that an officer has not confirmed (as it stands now)."""
        unconfirmed_size = bool(self.size) and not self.size_confirmed
        unconfirmed_vcse = (
            self.is_vcse
            and self.kind not in self.COMMUNITY_KINDS
            and not self.vcse_status_confirmed
        )
        return unconfirmed_size or unconfirmed_vcse

    def status_summary(self) -> str:
        """Like "SME, VCSE" or "large": what the organisation is said to be."""
        parts = []
        if self.size:
            parts.append("SME" if self.size == self.Size.SME else "large")
        if self.is_vcse:
            parts.append("VCSE")
        return ", ".join(parts)

    def clean(self) -> None:
        if self.kind in self.PUBLIC_BODY_KINDS and not self.place_id:
            raise ValidationError({"place": "Choose the place this public body serves"})


class Membership(models.Model):
    """A person's role in an organisation. Ended, never deleted."""

    class Role(models.TextChoices):
        OFFICER = "officer", "Officer (procurement or commissioning)"
        LEADER = "leader", "Leader"
        MEMBER = "member", "Member"
        SUPPLIER_CONTACT = "supplier_contact", "Supplier contact"
        ORG_ADMIN = "org_admin", "Organisation admin"

    # Which roles make sense in which kinds of organisation: set below the class.
    ROLES_FOR_KIND: dict[str, set[str]] = {}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    job_title = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=models.Q(ended_at__isnull=True),
                name="membership_one_current_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.organisation}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None

    def clean(self) -> None:
        allowed = (
            self.ROLES_FOR_KIND.get(self.organisation.kind, set())
            if self.organisation_id
            else set()
        )
        if self.organisation_id and self.role and self.role not in allowed:
            raise ValidationError(
                {
                    "role": f"A {self.organisation.get_kind_display().lower()} cannot have "
                    f"the role {self.get_role_display().lower()}"
                }
            )


_public_roles = {Membership.Role.OFFICER, Membership.Role.LEADER, Membership.Role.ORG_ADMIN}
Membership.ROLES_FOR_KIND.update(
    dict.fromkeys(Organisation.PUBLIC_BODY_KINDS, _public_roles)
    | {
        Organisation.Kind.VCS: {Membership.Role.MEMBER, Membership.Role.ORG_ADMIN},
        Organisation.Kind.SOCIAL_ENTERPRISE: {
            Membership.Role.MEMBER,
            Membership.Role.SUPPLIER_CONTACT,
            Membership.Role.ORG_ADMIN,
        },
        Organisation.Kind.SUPPLIER: {Membership.Role.SUPPLIER_CONTACT, Membership.Role.ORG_ADMIN},
    }
)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An invitation to join an organisation. Only a hash of the link's token is stored."""

    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="invitations"
    )
    role = models.CharField(max_length=20, choices=Membership.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        return token, _hash_token(token)

    @staticmethod
    def hash_token(token: str) -> str:
        return _hash_token(token)

    @staticmethod
    def default_expiry():
        return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class Registration(models.Model):
    """A resident asked for an account: it is made only when they open the link emailed to the
    address (`services.registration_confirm`), so the form answers the same whether or not the
    address has an account already, and nobody gets an account for an address they do not
    hold. Only hashes of the link's token and of the chosen password are kept; the password's
    hash is moved to the account and cleared here once it is made."""

    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    password = models.CharField(max_length=128, blank=True)
    next_url = models.CharField(max_length=500, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The account made when the link was opened",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Registration for {self.email}"

    @property
    def is_pending(self) -> bool:
        return self.confirmed_at is None and self.expires_at > timezone.now()


class LoginFailure(models.Model):
    """An attempt counted for throttling: a failed sign-in, a wrong two-factor code, a
    resident's registration, a password-reset request, or a link (password reset, invitation,
    registration) that did not work (`kind` says which; each throttle counts only its own
    kind). Stored in the database so every worker sees it. `people.services.Throttle` reads and
    writes it."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", "Failed sign-in"
        TWO_FACTOR = "two_factor", "Wrong two-factor code"
        REGISTRATION = "registration", "Registration"
        PASSWORD_RESET = "password_reset", "Password reset request"
        BAD_LINK = "bad_link", "Link that did not work"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SIGN_IN)
    email = models.CharField(max_length=254, db_index=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        who = self.email or self.ip_address or "unknown"
        return f"{self.get_kind_display()}: {who} at {self.at:%Y-%m-%d %H:%M}"
