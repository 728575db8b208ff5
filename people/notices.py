"""The notifications people raise, through `notifications.services.notify`."""

from django.urls import reverse

from notifications.models import Kind
from notifications.services import notify


def invited(*, invitation) -> None:
    """Someone who already has an account sees their invitation in the service too (the link
    to accept it is only in the email: the token is never stored)."""
    from .models import User

    address = invitation.email.lower()
    notify(
        kind=Kind.INVITATION,
        recipients=User.objects.filter(email__iexact=address),
        may_see=lambda user: user.email.lower() == address,
        title=f"You were invited to join {invitation.organisation} as "
        f"{invitation.get_role_display().lower()}",
        body="Open the link in the invitation email to accept it.",
        path=reverse("people:account"),
        email=False,
    )
