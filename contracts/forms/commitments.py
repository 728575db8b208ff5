"""Forms for commitments, their recovery action, and a contract's early returns."""

from crispy_forms_gds.layout import Submit
from django import forms
from django.urls import reverse

from objectives.models import Measure, Objective
from people.models import Organisation
from places.models import Area
from socialvalue.forms import GovDateField, GovFormMixin, QuantityField
from socialvalue.numbers import format_money

from ..models import Commitment, Contract, ReportingPeriod
from ..services import award_supplier_ids
from .returns import PeriodChoiceField
from .supply_chain import OrganisationChoiceField


class MeasureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, measure):
        proxy = (
            f", {format_money(measure.proxy_value)} per unit ({measure.proxy_source}, {measure.proxy_year})"
            if measure.proxy_value is not None
            else ""
        )
        return f"{measure.code} {measure.name} ({measure.unit}{proxy})"


class AreaChoiceField(forms.ModelChoiceField):
    """One area, named as every form names an area (`Area.choice_label`)."""

    def label_from_instance(self, area):
        return area.choice_label


class CommitmentForm(GovFormMixin, forms.Form):
    submit_label = "Save commitment"

    measure = MeasureChoiceField(
        label="Measure",
        queryset=Measure.objects.none(),
        empty_label="Choose a measure",
        help_text="From the place's outcomes frameworks. The £ proxy per unit is copied now",
        error_messages={"required": "Choose the measure the commitment counts"},
    )
    quantity = QuantityField(
        label="Quantity",
        what="quantity",
        more_than_zero=True,
        help_text="How many, in the measure's unit",
    )
    area = AreaChoiceField(
        label="Where it will be delivered",
        queryset=Area.objects.none(),
        empty_label="Choose an area",
        help_text="A ward or a neighbourhood",
        error_messages={"required": "Choose where it will be delivered"},
    )
    objective = forms.ModelChoiceField(
        label="Objective it serves",
        queryset=Objective.objects.none(),
        empty_label="Choose an objective",
        error_messages={"required": "Choose the objective it serves"},
    )
    delivered_by = OrganisationChoiceField(
        label="Delivered by",
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text="A supplier on the award, or a subcontractor. Each delivery is claimed once",
        error_messages={"required": "Choose who will deliver it"},
    )
    start_date = GovDateField(label="Start date", label_text="Start date")
    due_date = GovDateField(label="Due date", label_text="Due date")
    schedule = forms.ChoiceField(
        label="Schedule",
        choices=Commitment.Schedule.choices,
        widget=forms.RadioSelect,
        initial=Commitment.Schedule.QUARTERLY,
        error_messages={"required": "Choose when it will be delivered"},
    )

    # The second button: save, then a new form with the same where, who and when.
    ANOTHER = "another"

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.add_input(
            Submit(self.ANOTHER, "Save and add another", css_class="govuk-button--secondary")
        )
        place = contract.place
        self.fields["measure"].queryset = (
            Measure.objects.usable()
            .filter(framework__place=place)
            .select_related("framework")
            .order_by("framework__name", "code")
        )
        self.fields["area"].queryset = (
            Area.objects.filter(place=place, kind__in=[Area.Kind.WARD, Area.Kind.NEIGHBOURHOOD])
            .current()
            .select_related("parent")
            .order_by("path")
        )
        self.fields["objective"].queryset = Objective.objects.filter(
            place=place, status=Objective.Status.ACTIVE
        ).order_by("title")
        delivering = [o.pk for o in contract.subcontractors.all()]
        delivering += award_supplier_ids(contract)
        self.fields["delivered_by"].queryset = Organisation.objects.filter(
            pk__in=delivering
        ).order_by("name")
        if contract.supplier_id:
            self.initial.setdefault("delivered_by", contract.supplier_id)
        self.initial.setdefault("start_date", contract.contract_start)
        self.initial.setdefault("due_date", contract.contract_end)

    def clean(self):
        cleaned = super().clean()
        start, due = cleaned.get("start_date"), cleaned.get("due_date")
        if start and due and due <= start:
            self.add_error("due_date", "The due date must be after the start date")
        return cleaned


class RecoveryActionForm(GovFormMixin, forms.Form):
    submit_label = "Save recovery action"

    action = forms.CharField(
        label="Recovery action",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What will be done to catch up, by whom and by when",
        error_messages={"required": "Describe the recovery action"},
    )

    def __init__(self, *args, commitment: Commitment, **kwargs):
        kwargs.setdefault("initial", {})["action"] = commitment.recovery_action
        super().__init__(*args, **kwargs)
        self.helper.form_action = reverse(
            "contracts:commitment_recovery", kwargs={"pk": commitment.pk}
        )


class EarlyReturnsForm(GovFormMixin, forms.Form):
    """Choose a period that has not ended, and say why returns may be made for it now.
    Only such periods are offered: an ended one, one already opened, or another contract's
    is an invalid choice, whatever is posted."""

    submit_label = "Allow returns before this period ends"

    period = PeriodChoiceField(
        label="Reporting period",
        queryset=ReportingPeriod.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="Only periods that have not ended, and are not already open for returns, "
        "are shown",
        error_messages={
            "required": "Choose the reporting period",
            "invalid_choice": "Choose a reporting period that has not ended",
        },
    )
    reason = forms.CharField(
        label="Why may returns be made before the period ends?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the contract is ending early. The supplier sees this, and it "
        "is shown with every return for the period",
        error_messages={"required": "Explain why returns may be made before the period ends"},
    )

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods
