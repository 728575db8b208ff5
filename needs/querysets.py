"""Reads of needs and pledges, narrowed to what a person may see (object permissions in the
queryset: anything else answers 404)."""

from django.db import models
from django.db.models import Q

from people.permissions import organisation_ids
from socialvalue.rules import unrestricted

PUBLIC_STATUSES = ("open", "part_met", "met", "closed")


def _council_place_ids(user) -> set[int]:
    from .permissions import council_place_ids

    return council_place_ids(user)


class NeedQuerySet(models.QuerySet):
    def public(self):
        """Published needs, shown to everyone (a hidden one shows only why it was hidden)."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def visible_to(self, user):
        """Published needs, and every need (drafts too) of the person's own groups."""
        if unrestricted(user):
            return self.all()
        if not user.is_authenticated:
            return self.public()
        return self.filter(Q(status__in=PUBLIC_STATUSES) | Q(group_id__in=organisation_ids(user)))

    def listed_for(self, user):
        """What the needs list shows: hidden needs only to their group and the place's
        officers and leaders, who moderate and learn from them."""
        visible = self.visible_to(user)
        if unrestricted(user):
            return visible
        shown = Q(hidden_at__isnull=True)
        if user.is_authenticated:
            shown |= Q(group_id__in=organisation_ids(user))
            shown |= Q(place_id__in=_council_place_ids(user))
        return visible.filter(shown)

    def unmet(self):
        return self.filter(status__in=("open", "part_met"), hidden_at__isnull=True)

    def for_list(self):
        return self.select_related("group", "measure", "place").prefetch_related("areas")


class PledgeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The group whose need it is, the pledging organisation, and the officers and
        leaders of the need's place."""
        if unrestricted(user):
            return self.all()
        if not user.is_authenticated:
            return self.none()
        orgs = organisation_ids(user)
        return self.filter(
            Q(need__group_id__in=orgs)
            | Q(organisation_id__in=orgs)
            | Q(need__place_id__in=_council_place_ids(user))
        )

    def received(self):
        return self.filter(status="received")

    def for_list(self):
        return self.select_related(
            "need",
            "need__group",
            "organisation",
            "commitment",
            "commitment__contract",
            "commitment__measure",
            "delivery_return",
        )
