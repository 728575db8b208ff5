import django_filters
from django.db.models import Q

from people.models import Organisation
from socialvalue.filters import GovFilterSet

from .models import Contract


class ContractFilterSet(GovFilterSet):
    q = django_filters.CharFilter(label="Reference or title", method="filter_text")
    stage = django_filters.ChoiceFilter(
        label="Stage", choices=Contract.Stage.choices, empty_label="Any stage"
    )
    s1_compliance = django_filters.ChoiceFilter(
        label="Section 1 compliance", choices=Contract.Compliance.choices, empty_label="Any"
    )
    buyer = django_filters.ModelChoiceFilter(
        label="Buyer",
        queryset=Organisation.objects.public_bodies().order_by("name"),
        empty_label="Any buyer",
    )
    category = django_filters.ChoiceFilter(
        label="Category", choices=Contract.Category.choices, empty_label="Any category"
    )

    class Meta:
        model = Contract
        fields = ["q", "stage", "s1_compliance", "buyer", "category"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))
