"""Who may do what with frameworks, objectives and targets."""

from people.models import Membership
from people.permissions import organisation_ids, organisations_of, place_ids, place_roles, served_by
from socialvalue.rules import rule

Role = Membership.Role
# Officers and leaders of a public body create and edit its objectives.
EDITOR_ROLES = (Role.OFFICER, Role.LEADER)


def editing_organisation_ids(user) -> set[int]:
    """The organisations whose objectives (as lead or partner) this person may edit."""
    return organisation_ids(user, *EDITOR_ROLES)


def led_place_ids(user) -> set[int]:
    """The places whose public bodies this person is a leader of: they see every objective
    of the place, drafts and retired ones too."""
    return place_ids(user, Role.LEADER)


def places_for_objectives(user):
    """The places this person may create objectives in (every place for a superuser)."""
    return served_by(user, *EDITOR_ROLES)


def lead_organisations(user):
    """The organisations this person may name as an objective's lead (any, for a superuser)."""
    return organisations_of(user, *EDITOR_ROLES)


@rule("objectives.view_objective", anonymous=True)
def can_view_objective(user, objective) -> bool:
    from .models import Objective

    return Objective.objects.visible_to(user).filter(pk=objective.pk).exists()


@rule("objectives.add_objective")
def can_add_objective(user, place=None) -> bool:
    """Officers and leaders of a public body serving the place create objectives."""
    if place is None:
        return bool(editing_organisation_ids(user))
    return bool(place_roles(user, place.pk) & set(EDITOR_ROLES))


@rule("objectives.change_objective")
def can_change_objective(user, objective) -> bool:
    if objective.status in (objective.Status.ACHIEVED, objective.Status.RETIRED):
        return False
    involved = {objective.lead_organisation_id, *(p.pk for p in objective.partners.all())}
    return bool(involved & editing_organisation_ids(user))


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
