import django_filters
from django.db.models import Q

from objectives.filters import AreaFilter
from objectives.models import Outcome
from places.models import Area
from socialvalue.filters import GovFilterSet

from .models import Consultation, Proposal


def _text(queryset, fields, value):
    condition = Q()
    for word in value.split()[:8]:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return queryset.filter(condition)


class ProposalFilterSet(GovFilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_text")
    area = AreaFilter(
        label="Area (includes the areas inside it)",
        queryset=Area.objects.current().exclude(kind=Area.Kind.LSOA).order_by("path"),
        method="filter_area",
        empty_label="All areas",
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=Proposal.Status.choices, empty_label="Any status"
    )
    outcome = django_filters.ModelChoiceFilter(
        label="Suggested outcome",
        field_name="suggested_outcome",
        queryset=Outcome.objects.filter(framework__status="active").order_by(
            "framework__name", "name"
        ),
        empty_label="All outcomes",
    )

    class Meta:
        model = Proposal
        fields = ["q", "area", "status", "outcome"]

    def filter_text(self, queryset, name, value):
        return _text(
            queryset, ["title", "problem", "affected", "change", "organisation__name"], value
        )

    def filter_area(self, queryset, name, value):
        return queryset.within_area(value)


class ConsultationFilterSet(GovFilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_text")
    area = AreaFilter(
        label="Area (includes the areas inside it)",
        queryset=Area.objects.current().exclude(kind=Area.Kind.LSOA).order_by("path"),
        method="filter_area",
        empty_label="All areas",
    )

    class Meta:
        model = Consultation
        fields = ["q", "area"]

    def filter_text(self, queryset, name, value):
        return _text(queryset, ["title", "purpose", "owner__name"], value)

    def filter_area(self, queryset, name, value):
        return queryset.within_area(value)
