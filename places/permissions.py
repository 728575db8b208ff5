"""Who may do what with places and areas."""

from people.models import Membership
from people.permissions import place_roles
from socialvalue.rules import rule

Role = Membership.Role


@rule("places.view_place")
def can_view_place(user, place) -> bool:
    return True


@rule("places.view_area")
def can_view_area(user, area) -> bool:
    return True


@rule("places.manage_areas")
def can_manage_areas(user, place) -> bool:
    """Officers and organisation admins of a public body serving the place keep its areas."""
    return bool(place_roles(user, getattr(place, "pk", None)) & {Role.OFFICER, Role.ORG_ADMIN})
