import django_filters
from django import forms
from django.db.models import Q

from people.models import Organisation
from places.models import Area
from socialvalue.filters import GovFilterSet

from .models import Dimension, Objective, Outcome, Theme


class AreaFilterField(forms.ModelChoiceField):
    def label_from_instance(self, area):
        return f"{'  ' * area.depth}{area.name} ({area.get_kind_display().lower()})"


class AreaFilter(django_filters.ModelChoiceFilter):
    field_class = AreaFilterField


SORTS = {
    "title": ("Title (A to Z)", ["title", "pk"]),
    "priority": ("Priority (highest first)", ["priority_rank", "-updated_at", "-pk"]),
    "oldest": ("Least recently updated", ["updated_at", "pk"]),
    "status": ("Status", ["status", "-updated_at", "-pk"]),
}


class ObjectiveFilterSet(GovFilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_text")
    area = AreaFilter(
        label="Area (includes the areas inside it)",
        queryset=Area.objects.current().exclude(kind=Area.Kind.LSOA).order_by("path"),
        method="filter_area",
        empty_label="All areas",
    )
    theme = django_filters.ModelChoiceFilter(
        label="Theme",
        field_name="outcome__theme",
        queryset=Theme.objects.select_related("framework").order_by(
            "framework__name", "position", "name"
        ),
        empty_label="All themes",
    )
    outcome = django_filters.ModelChoiceFilter(
        label="Outcome",
        queryset=Outcome.objects.order_by("framework__name", "name"),
        empty_label="All outcomes",
    )
    dimension = django_filters.ChoiceFilter(
        label="Well-being dimension",
        choices=Dimension.choices,
        method="filter_dimension",
        empty_label="All dimensions",
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=Objective.Status.choices, empty_label="Any status"
    )
    organisation = django_filters.ModelChoiceFilter(
        label="Lead or partner organisation",
        # Objectives are led and shared by public bodies and community groups, not suppliers:
        # leaving suppliers out keeps the list short at county scale.
        queryset=Organisation.objects.current()
        .exclude(kind=Organisation.Kind.SUPPLIER)
        .order_by("name"),
        method="filter_organisation",
        empty_label="Any organisation",
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        method="filter_sort",
        empty_label="Recently updated",
    )

    class Meta:
        model = Objective
        fields = ["q", "area", "theme", "outcome", "dimension", "status", "organisation"]

    def filter_text(self, queryset, name, value):
        condition = Q()
        for word in value.split()[:8]:
            condition &= (
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(evidence_of_need__icontains=word)
            )
        return queryset.filter(condition)

    def filter_area(self, queryset, name, value):
        return queryset.within_area(value)

    def filter_dimension(self, queryset, name, value):
        return queryset.filter(**{value: True})

    def filter_organisation(self, queryset, name, value):
        return queryset.involving_organisation(value)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS[value][1])
