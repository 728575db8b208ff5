import django_filters
from django.db.models import Q

from people.models import Organisation
from socialvalue.filters import GovFilterSet

from .models import Contract
from .waiting import SIGN_OFF_QUEUES


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
    sign_off = django_filters.ChoiceFilter(
        label="Sign-off",
        choices=[
            ("mine", "Waiting for my sign-off"),
            ("assessment", "Assessment waiting for my sign-off"),
            ("exemption", "Exemption waiting for my confirmation"),
        ],
        empty_label="Any",
        method="filter_sign_off",
    )

    class Meta:
        model = Contract
        fields = ["q", "stage", "s1_compliance", "buyer", "category", "sign_off"]

    def filter_sign_off(self, queryset, name, value):
        """Contracts with a decision waiting that the user may make: the sign-off rule in SQL,
        the queues the home page counts (`contracts.waiting`)."""
        user = self.request.user
        queues = SIGN_OFF_QUEUES.values() if value == "mine" else [SIGN_OFF_QUEUES[value]]
        condition = Q(pk__in=[])
        for queue in queues:
            condition |= Q(pk__in=queue(user).values("pk"))
        return queryset.filter(condition)

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))
