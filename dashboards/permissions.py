"""Who may see the leaders' dashboard and the public transparency page."""

from people.models import Membership
from people.permissions import place_roles
from socialvalue.rules import rule

Role = Membership.Role
DASHBOARD_ROLES = {Role.LEADER, Role.OFFICER}


@rule("dashboards.view_dashboard")
def can_view_dashboard(user, place) -> bool:
    """Leaders and officers of a public body serving the place. VCS members and suppliers'
    contacts hold no role in a public body, so they are refused."""
    if place is None:
        return False
    return bool(place_roles(user, place.pk) & DASHBOARD_ROLES)


@rule("dashboards.view_transparency", anonymous=True)
def can_view_transparency(user, place) -> bool:
    """Anyone, signed in or not: the page shows verified, public data only."""
    return True
