from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce

from socialvalue.rules import unrestricted


def _areas_in_order():
    from places.models import Area

    return Area.objects.order_by("path")


def _current_target_count():
    from .models import Target

    rows = (
        Target.objects.current()
        .filter(objective=OuterRef("pk"))
        .order_by()
        .values("objective")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    return Coalesce(models.Subquery(rows, output_field=models.IntegerField()), 0)


def _count_per_framework(model, **filters):
    """How many `model` rows belong to each framework, as a subquery (one query for a list)."""
    rows = (
        model.objects.filter(framework=models.OuterRef("pk"), **filters)
        .order_by()
        .values("framework")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    return Coalesce(models.Subquery(rows, output_field=models.IntegerField()), 0)


class FrameworkQuerySet(models.QuerySet):
    def in_use(self):
        return self.filter(status="active")

    def for_list(self):
        """Frameworks with their place and counts of themes, outcomes and measures."""
        from .models import Measure, Outcome, Theme

        return (
            self.select_related("place")
            .annotate(
                theme_count=_count_per_framework(Theme),
                outcome_count=_count_per_framework(Outcome),
                measure_count=_count_per_framework(Measure, retired_at__isnull=True),
                retired_measure_count=_count_per_framework(Measure, retired_at__isnull=False),
            )
            .order_by("place__name", "name", "version")
        )

    def for_detail(self):
        """Frameworks with their themes, outcomes and measures in order: 4 queries at any size."""
        from .models import Measure, Outcome, Theme

        return self.select_related("place").prefetch_related(
            models.Prefetch(
                "themes",
                queryset=Theme.objects.order_by("position", "name").prefetch_related(
                    models.Prefetch(
                        "outcomes",
                        queryset=Outcome.objects.order_by("position", "name").prefetch_related(
                            models.Prefetch("measures", queryset=Measure.objects.order_by("code"))
                        ),
                    )
                ),
            )
        )

    def for_place(self, place):
        return self.filter(place=place)


class MeasureQuerySet(models.QuerySet):
    def usable(self):
        """Measures a new target or commitment may use: neither they nor their framework retired."""
        return self.filter(retired_at__isnull=True, framework__status="active")


class ObjectiveQuerySet(models.QuerySet):
    def _involving(self, organisation_ids):
        through = self.model.partners.through
        return Q(lead_organisation_id__in=organisation_ids) | Q(
            Exists(
                through.objects.filter(
                    objective_id=OuterRef("pk"), organisation_id__in=organisation_ids
                )
            )
        )

    def public(self):
        return self.filter(status__in=self.model.PUBLIC_STATUSES)

    def visible_to(self, user):
        """Active and achieved objectives are public. Drafts and retired ones are seen by the
        lead and partner organisations' people, and by leaders of the place's public bodies."""
        if not user.is_authenticated:
            return self.public()
        if unrestricted(user):
            return self
        from people.permissions import organisation_ids

        from .permissions import led_place_ids

        org_ids = organisation_ids(user)
        led_places = led_place_ids(user)
        condition = Q(status__in=self.model.PUBLIC_STATUSES) | Q(place_id__in=led_places)
        if org_ids:
            condition |= self._involving(org_ids)
        return self.filter(condition)

    def editable_by(self, user):
        """Officers and leaders of the lead or a partner organisation may edit."""
        if not user.is_authenticated:
            return self.none()
        if unrestricted(user):
            return self
        from .permissions import editing_organisation_ids

        org_ids = editing_organisation_ids(user)
        if not org_ids:
            return self.none()
        return self.filter(self._involving(org_ids))

    def for_list(self):
        """Everything the register's rows show, in a fixed number of queries."""
        return (
            self.select_related("lead_organisation", "outcome", "outcome__theme", "place")
            .prefetch_related(models.Prefetch("areas", queryset=_areas_in_order()))
            .annotate(
                priority_rank=models.Case(
                    models.When(priority="high", then=0),
                    models.When(priority="medium", then=1),
                    default=2,
                    output_field=models.IntegerField(),
                ),
                # A subquery, not a join and GROUP BY: PostgreSQL counts for the rows of the
                # page only, and the paginator's count needs no subquery of its own.
                target_count=_current_target_count(),
            )
        )

    def within_area(self, area):
        from places.models import Area

        return self.filter(
            Exists(
                self.model.areas.through.objects.filter(
                    objective_id=OuterRef("pk"),
                    area_id__in=Area.objects.within(area).values("pk"),
                )
            )
        )

    def involving_organisation(self, organisation):
        return self.filter(self._involving([organisation.pk]))


class TargetQuerySet(models.QuerySet):
    def current(self):
        return self.filter(archived_at__isnull=True)
