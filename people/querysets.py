from django.db import models


class OrganisationQuerySet(models.QuerySet):
    def current(self):
        return self.filter(archived_at__isnull=True)

    def public_bodies(self):
        from .models import Organisation

        return self.filter(kind__in=Organisation.PUBLIC_BODY_KINDS)

    def confirmed_sme(self):
        """SMEs whose size an officer confirmed, as it stands (`Organisation.size_confirmed`)."""
        return self.filter(size="sme", confirmed_size="sme", status_confirmed_at__isnull=False)

    def confirmed_vcse(self):
        """VCSEs: community groups and social enterprises by their kind, and others whose VCSE
        status an officer confirmed, as it stands (`Organisation.confirmed_vcse`)."""
        from .models import Organisation

        return self.filter(
            models.Q(kind__in=Organisation.COMMUNITY_KINDS)
            | models.Q(is_vcse=True, confirmed_is_vcse=True, status_confirmed_at__isnull=False)
        )

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
        from socialvalue.rules import unrestricted  # loads the auth backends: not at import

        if unrestricted(user):
            return self
        return self.filter(
            organisation__in=self.model.objects.current().filter(user=user).values("organisation")
        )
