"""Who may do what on the community needs board. What a group or a supplier does is theirs
alone: those rules ask superusers too (`superusers=False`), so nobody accepts, confirms or
pledges on someone else's behalf. Each rule is named here and registered with
`socialvalue.rules`; the querysets (`querysets.py`) decide who may see a need or pledge at all.

- A member (any role) of the VCS group or social enterprise posts, publishes, withdraws and
  closes its needs, and accepts, declines and confirms receipt of the pledges made to them.
- A supplier contact (or organisation admin) of a supplier pledges to a published, shown need,
  and withdraws a pledge not yet received. A supplier never confirms its own delivery.
- An officer of a public body serving the place hides a published need (with a reason) and
  shows it again; officers and leaders see the unmet needs and who pledges and delivers.
"""

from people.models import Membership, Organisation
from people.permissions import organisation_ids, place_ids, roles_in, served_by
from socialvalue.rules import rule

from .models.needs import GROUP_KINDS, Need, transition_error
from .models.pledges import Pledge

Role = Membership.Role
SUPPLIER_ROLES = (Role.SUPPLIER_CONTACT, Role.ORG_ADMIN)
# Officers and leaders of a place's public bodies see its needs, hidden ones too.
COUNCIL_ROLES = (Role.OFFICER, Role.LEADER)


def council_place_ids(user) -> set[int]:
    """The places whose needs (hidden ones and every pledge too) this person oversees."""
    return place_ids(user, *COUNCIL_ROLES)


def council_places(user):
    """The places whose unmet needs this person sees (every place for a superuser)."""
    return served_by(user, *COUNCIL_ROLES)


def proposing_body(user, place) -> Organisation | None:
    """The public body serving the place that an officer or leader proposes for (the first
    by name if several)."""
    ids = organisation_ids(user, *COUNCIL_ROLES)
    return Organisation.objects.filter(pk__in=ids, place=place).order_by("name").first()


def in_group(user, need) -> bool:
    return bool(roles_in(user, need.group))


def group_ids(user) -> set[int]:
    """The VCS groups and social enterprises the person may post needs for (one query, read
    with the person's roles)."""
    if not user.is_authenticated:
        return set()
    return set(
        Organisation.objects.filter(
            pk__in=organisation_ids(user), kind__in=GROUP_KINDS, archived_at__isnull=True
        ).values_list("pk", flat=True)
    )


def supplier_ids(user) -> set[int]:
    """The suppliers the person pledges for (a contact or admin of a supplier organisation)."""
    if not user.is_authenticated:
        return set()
    return set(
        Organisation.objects.filter(
            pk__in=organisation_ids(user, *SUPPLIER_ROLES),
            kind=Organisation.Kind.SUPPLIER,
            archived_at__isnull=True,
        ).values_list("pk", flat=True)
    )


def moderates(user, need) -> bool:
    return need.place_id in place_ids(user, Role.OFFICER)


@rule("needs.view_need", anonymous=True)
def can_view_need(user, need) -> bool:
    return Need.objects.visible_to(user).filter(pk=need.pk).exists()


@rule("needs.view_hidden_need")
def can_view_hidden_need(user, need) -> bool:
    """A hidden need's content stays visible to its group and the place's officers."""
    return in_group(user, need) or moderates(user, need)


@rule("needs.add_need", superusers=False)
def can_add_need(user, organisation=None) -> bool:
    if organisation is None:
        return bool(group_ids(user))
    return organisation.pk in group_ids(user)


@rule("needs.edit_need", superusers=False)
def can_edit_need(user, need) -> bool:
    return need.status == Need.Status.DRAFT and in_group(user, need)


def _group_moves(user, need, to) -> bool:
    return transition_error(need, to) is None and in_group(user, need)


@rule("needs.publish_need", superusers=False)
def can_publish_need(user, need) -> bool:
    return _group_moves(user, need, Need.Status.OPEN)


@rule("needs.withdraw_need", superusers=False)
def can_withdraw_need(user, need) -> bool:
    return _group_moves(user, need, Need.Status.WITHDRAWN)


@rule("needs.mark_met", superusers=False)
def can_mark_met(user, need) -> bool:
    return _group_moves(user, need, Need.Status.MET)


@rule("needs.close_need", superusers=False)
def can_close_need(user, need) -> bool:
    return _group_moves(user, need, Need.Status.CLOSED)


@rule("needs.hide_need")
def can_hide_need(user, need) -> bool:
    """An officer of a public body serving the place hides a published need, never one of
    their own organisation's."""
    return (
        need.is_public
        and need.hidden_at is None
        and moderates(user, need)
        and not in_group(user, need)
    )


@rule("needs.unhide_need")
def can_unhide_need(user, need) -> bool:
    return need.hidden_at is not None and moderates(user, need)


@rule("needs.pledge", superusers=False)
def can_pledge(user, need) -> bool:
    """A supplier's contact pledges to a published, shown need that is not yet met."""
    return need.is_pledgeable and bool(supplier_ids(user)) and not in_group(user, need)


def pledger(user, pledge) -> bool:
    return pledge.organisation_id in organisation_ids(user, *SUPPLIER_ROLES)


@rule("needs.view_pledge")
def can_view_pledge(user, pledge) -> bool:
    return Pledge.objects.visible_to(user).filter(pk=pledge.pk).exists()


@rule("needs.decide_pledge", superusers=False)
def can_decide_pledge(user, pledge) -> bool:
    """Only the need's own group accepts or declines a pledge made to it."""
    return pledge.status == Pledge.Status.OFFERED and in_group(user, pledge.need)


@rule("needs.withdraw_pledge", superusers=False)
def can_withdraw_pledge(user, pledge) -> bool:
    return pledge.status in (Pledge.Status.OFFERED, Pledge.Status.ACCEPTED) and pledger(
        user, pledge
    )


@rule("needs.confirm_receipt", superusers=False)
def can_confirm_receipt(user, pledge) -> bool:
    """The group confirms it received an accepted pledge; nobody of the pledging supplier
    confirms their own delivery, even if they also belong to the group."""
    return (
        pledge.status == Pledge.Status.ACCEPTED
        and in_group(user, pledge.need)
        and pledge.organisation_id not in organisation_ids(user)
    )


@rule("needs.message_pledge", superusers=False)
def can_message_pledge(user, pledge) -> bool:
    """The two sides of a pledge write to each other while it is live."""
    live = pledge.status in (Pledge.Status.OFFERED, Pledge.Status.ACCEPTED, Pledge.Status.RECEIVED)
    return live and (in_group(user, pledge.need) or pledger(user, pledge))


@rule("needs.view_unmet")
def can_view_unmet(user, place=None) -> bool:
    """Officers and leaders of a place's public bodies see its unmet needs."""
    held = council_place_ids(user)
    return bool(held) if place is None else place.pk in held


@rule("needs.propose_from_needs")
def can_propose_from_needs(user, place=None) -> bool:
    """Officers and leaders turn recurring needs into a proposal for their place."""
    return can_view_unmet(user, place)
