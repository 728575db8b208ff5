"""What the signed-in home page shows of a person's organisations (registered with
`socialvalue.attention.register_home_section` in `PeopleConfig.ready`)."""

from django.utils import timezone

from .models import Invitation, Membership, Organisation
from .permissions import administered_ids


def organisations_section(user) -> dict:
    """The person's organisations with the roles they hold in each, and, for the
    organisations they administer, how many invitations wait for an answer."""
    memberships = list(
        Membership.objects.current()
        .filter(user=user, organisation__archived_at__isnull=True)
        .select_related("organisation", "organisation__place")
        .prefetch_related("organisation__areas")
        .order_by("organisation__name", "role")
    )
    organisations: dict[int, dict] = {}
    for membership in memberships:
        entry = organisations.setdefault(
            membership.organisation_id,
            {"organisation": membership.organisation, "roles": []},
        )
        entry["roles"].append(membership.get_role_display())
    admin_org_ids = administered_ids(user)
    return {
        "organisations": list(organisations.values()),
        "pending_invitations": Invitation.objects.filter(
            organisation_id__in=admin_org_ids,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).count()
        if admin_org_ids
        else 0,
        "admin_organisations": Organisation.objects.filter(pk__in=admin_org_ids),
    }
