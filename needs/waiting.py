"""Pledges waiting for a person: to accept or decline, to confirm as received, to deliver.
The home page counts these querysets and the pledges list shows them (`?waiting=`), so the
two always agree."""

from people.permissions import organisation_ids

from .models import Pledge
from .permissions import supplier_ids

Status = Pledge.Status


def pledges_to_decide(user):
    """Offers to the person's groups, waiting for the group's answer."""
    return Pledge.objects.visible_to(user).filter(
        status=Status.OFFERED, need__group_id__in=organisation_ids(user)
    )


def pledges_to_confirm(user):
    """Accepted pledges to the person's groups, to confirm once received (never their own
    supplier's: a supplier does not confirm its own delivery)."""
    return (
        Pledge.objects.visible_to(user)
        .filter(status=Status.ACCEPTED, need__group_id__in=organisation_ids(user))
        .exclude(organisation_id__in=organisation_ids(user))
    )


def pledges_to_deliver(user):
    """The person's suppliers' accepted pledges, not yet received."""
    return Pledge.objects.visible_to(user).filter(
        status=Status.ACCEPTED, organisation_id__in=supplier_ids(user)
    )


QUEUES = {
    "decide": pledges_to_decide,
    "confirm": pledges_to_confirm,
    "deliver": pledges_to_deliver,
}
