import django_filters
from django.db.models import Q

from people.models import Organisation
from socialvalue.filters import GovFilterSet

from .models import Assessment, Contract, Exemption
from .signoff import awaiting_sign_off


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
        choices=[("mine", "Waiting for my sign-off")],
        empty_label="Any",
        method="filter_sign_off",
    )

    class Meta:
        model = Contract
        fields = ["q", "stage", "s1_compliance", "buyer", "category", "sign_off"]

    def filter_sign_off(self, queryset, name, value):
        """Contracts with a decision waiting that the user may make: the sign-off rule in SQL
        (`contracts.signoff.awaiting_sign_off`), as the home page counts them."""
        user = self.request.user
        assessments = awaiting_sign_off(user, Assessment.objects.all()).values("contract_id")
        exemptions = awaiting_sign_off(user, Exemption.objects.all()).values("contract_id")
        return queryset.filter(Q(pk__in=assessments) | Q(pk__in=exemptions))

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))
