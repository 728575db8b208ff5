"""Who may do what with frameworks, objectives and targets."""

from people.models import Membership
from people.permissions import organisation_ids, place_roles
from socialvalue.rules import rule

Role = Membership.Role


@rule("objectives.view_objective", anonymous=True)
def can_view_objective(user, objective) -> bool:
    from .models import Objective

    return Objective.objects.visible_to(user).filter(pk=objective.pk).exists()


@rule("objectives.add_objective")
def can_add_objective(user, place=None) -> bool:
    """Officers and leaders of a public body serving the place create objectives."""
    if place is None:
        return bool(organisation_ids(user, Role.OFFICER, Role.LEADER))
    return bool(place_roles(user, place.pk) & {Role.OFFICER, Role.LEADER})


@rule("objectives.change_objective")
def can_change_objective(user, objective) -> bool:
    if objective.status in (objective.Status.ACHIEVED, objective.Status.RETIRED):
        return False
    involved = {objective.lead_organisation_id, *(p.pk for p in objective.partners.all())}
    return bool(involved & organisation_ids(user, Role.OFFICER, Role.LEADER))


@rule("objectives.change_status")
def can_change_status(user, objective) -> bool:
    return can_change_objective(user, objective)


@rule("objectives.view_framework")
def can_view_framework(user, framework) -> bool:
    return True


@rule("objectives.manage_frameworks")
def can_manage_frameworks(user, place) -> bool:
    """Officers and organisation admins of a public body serving the place keep its frameworks."""
    if place is None:
        return False
    return bool(place_roles(user, place.pk) & {Role.OFFICER, Role.ORG_ADMIN})
