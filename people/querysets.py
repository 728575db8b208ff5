from django.db import models


class OrganisationQuerySet(models.QuerySet):
    def current(self):
        return self.filter(archived_at__isnull=True)

    def public_bodies(self):
        from .models import Organisation

        return self.filter(kind__in=Organisation.PUBLIC_BODY_KINDS)

    def visible_to(self, user):
        """Organisations are a directory: every signed-in person may see them."""
        if not user.is_authenticated:
            return self.none()
        return self

    def for_list(self):
        return self.select_related("place").annotate(
            member_count=models.Count(
                "memberships__user",
                filter=models.Q(memberships__ended_at__isnull=True),
                distinct=True,
            )
        )


class MembershipQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_at__isnull=True)

    def visible_to(self, user):
        """Who belongs to an organisation is known to its own members only."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            organisation__in=self.model.objects.current().filter(user=user).values("organisation")
        )
