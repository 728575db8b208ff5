"""Memberships and invitations: joining an organisation, and leaving it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.services import queue_email

from .. import notices
from ..models import Invitation, Membership, Organisation, User

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
