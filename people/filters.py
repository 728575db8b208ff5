import django_filters
from django.db.models import Q

from socialvalue.filters import GovFilterSet

from .models import Organisation


class OrganisationFilterSet(GovFilterSet):
    q = django_filters.CharFilter(label="Name contains", method="filter_text")
    kind = django_filters.ChoiceFilter(
        label="Kind of organisation", choices=Organisation.Kind.choices, empty_label="Any kind"
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))
