"""The needs list's filters: kind, area (with the areas inside it), status, and, for a
supplier, the needs that fit its current commitments."""

import django_filters
from django.db.models import Q

from contracts.models import Commitment
from contracts.querysets import reported_by
from objectives.filters import AreaFilter
from places.models import Area
from socialvalue.filters import GovFilterSet

from .models import Need
from .permissions import supplier_ids


def fits_commitments(queryset, organisation_ids):
    """Needs in the areas (or below them) or counted in the measures of the suppliers'
    current commitments."""
    commitments = Commitment.objects.open_for_returns().filter(reported_by(list(organisation_ids)))
    rows = list(commitments.values_list("measure_id", "area__path").distinct())
    if not rows:
        return queryset.none()
    fits = Q(measure_id__in={measure for measure, _ in rows})
    for path in {path for _, path in rows}:
        fits |= Q(areas__path__startswith=path)
    return queryset.filter(fits).distinct()


class NeedFilterSet(GovFilterSet):
    area = AreaFilter(
        label="Area (includes the areas inside it)",
        queryset=Area.objects.current().exclude(kind=Area.Kind.LSOA).order_by("path"),
        method="filter_area",
        empty_label="All areas",
    )
    kind = django_filters.ChoiceFilter(
        label="Kind of help", choices=Need.Kind.choices, empty_label="Any kind"
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=Need.Status.choices, empty_label="Any status"
    )
    # A choice like the others (styled as a GOV.UK select), not a Yes/No/Unknown boolean.
    fits = django_filters.ChoiceFilter(
        label="Needs that fit my commitments",
        choices=[("true", "Open needs that fit")],
        empty_label="All needs",
        method="filter_fits",
    )

    class Meta:
        model = Need
        fields = ["area", "kind", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not supplier_ids(self.request.user):
            del self.filters["fits"]

    def filter_area(self, queryset, name, area):
        return queryset.filter(areas__path__startswith=area.path).distinct()

    def filter_fits(self, queryset, name, value):
        if value != "true":
            return queryset
        # Only what a supplier can still pledge to: open or partly met.
        still_wanted = queryset.filter(status__in=(Need.Status.OPEN, Need.Status.PART_MET))
        return fits_commitments(still_wanted, supplier_ids(self.request.user))
