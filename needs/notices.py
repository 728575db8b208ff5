"""What the needs board tells people, each through `notifications.services.notify`, which
tells only those who may open the pledge."""

from notifications.models import Kind
from notifications.services import notify
from people.models import Membership, User

from .models import Pledge
from .permissions import SUPPLIER_ROLES


def _members(organisation_id, *roles) -> list[User]:
    current = Membership.objects.current().filter(organisation_id=organisation_id)
    if roles:
        current = current.filter(role__in=roles)
    return list(User.objects.filter(is_active=True, memberships__in=current).distinct())


def _sees(pledge):
    return lambda user: Pledge.objects.visible_to(user).filter(pk=pledge.pk).exists()


def _tell(*, pledge, kind, people, by, title, body=""):
    notify(
        kind=kind,
        recipients=[u for u in people if u.pk != by.pk],
        may_see=_sees(pledge),
        title=title,
        body=body,
        path=pledge.get_absolute_url(),
    )


def _supplier_side(pledge):
    return _members(pledge.organisation_id, *SUPPLIER_ROLES)


def pledge_made(*, pledge, by) -> None:
    _tell(
        pledge=pledge,
        kind=Kind.PLEDGE_MADE,
        people=_members(pledge.need.group_id),
        by=by,
        title=f"{pledge.organisation} pledged to meet “{pledge.need}”",
        body=pledge.offer,
    )


def pledge_decided(*, pledge, by) -> None:
    accepted = pledge.status == Pledge.Status.ACCEPTED
    _tell(
        pledge=pledge,
        kind=Kind.PLEDGE_DECIDED,
        people=_supplier_side(pledge),
        by=by,
        title=f"{pledge.need.group} {'accepted' if accepted else 'declined'} your pledge "
        f"for “{pledge.need}”",
        body="" if accepted else pledge.decline_reason,
    )


def pledge_received(*, pledge, by) -> None:
    _tell(
        pledge=pledge,
        kind=Kind.PLEDGE_RECEIVED,
        people=_supplier_side(pledge),
        by=by,
        title=f"{pledge.need.group} confirmed receiving your pledge for “{pledge.need}”",
    )


def pledge_message(*, message, by) -> None:
    pledge = message.pledge
    people = _members(pledge.need.group_id) + _supplier_side(pledge)
    _tell(
        pledge=pledge,
        kind=Kind.PLEDGE_MESSAGE,
        people=people,
        by=by,
        title=f"New message about the pledge for “{pledge.need}”",
        body=message.body,
    )
