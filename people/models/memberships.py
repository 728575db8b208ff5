"""Memberships (the roles people hold in organisations) and invitations to join."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ..querysets import MembershipQuerySet
from .organisations import Organisation


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
