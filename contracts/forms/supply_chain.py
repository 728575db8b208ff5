"""Forms for award and the supply chain: choosing or registering a supplier, the award,
subcontractors, award suppliers, KPIs and performance ratings. Each renders GOV.UK markup and
hands clean values to one service; the services hold the rules, the forms only the input checks."""

from crispy_forms_gds.layout import Fieldset, Layout
from django import forms
from django.utils import timezone

from people.models import Organisation
from socialvalue.dates import contract_period_problem
from socialvalue.forms import GovDateField, GovFormMixin, MoneyField

from ..models import SUPPLIER_KINDS, Contract
from ..services import award_supplier_ids


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, org):
        extras = [org.get_kind_display().lower(), org.status_summary()]
        if org.status_is_self_declared:
            extras.append("self-declared")
        return f"{org.name} ({', '.join(e for e in extras if e)})"


class SupplierChoiceMixin:
    """Choose a registered organisation, or register a new supplier inline: exactly one.

    Two plain parts rather than radios with conditional reveals: GOV.UK Frontend's reveal
    script sets aria-expanded on radio inputs, which accessibility checkers refuse."""

    supplier_noun = "supplier"

    def add_supplier_fields(self, queryset, *, existing_label: str):
        noun = self.supplier_noun
        self.fields["existing"] = OrganisationChoiceField(
            label=existing_label,
            queryset=queryset,
            required=False,
            empty_label="Not registered yet",
            help_text=f"If the {noun} is not in the list, register it below instead",
        )
        self.fields["new_name"] = forms.CharField(
            label="Organisation name",
            max_length=200,
            required=False,
            help_text="As registered, for example at Companies House",
            error_messages={"max_length": "The name must be 200 characters or fewer"},
        )
        self.fields["new_size"] = forms.ChoiceField(
            label="Size",
            choices=[
                (Organisation.Size.SME, "Small or medium-sized enterprise (SME)"),
                (Organisation.Size.LARGE, "Large"),
            ],
            widget=forms.RadioSelect,
            required=False,
            help_text="An SME has fewer than 250 staff and a turnover up to £44 million",
        )
        self.fields["new_is_vcse"] = forms.BooleanField(
            label="It is a voluntary, community or social enterprise (VCSE)", required=False
        )
        self.fields["new_identifier"] = forms.CharField(
            label="Organisation identifier (optional)",
            max_length=60,
            required=False,
            help_text="Such as GB-COH-01234567 or GB-PPON-…",
        )

    def supplier_layout(self):
        return (
            "existing",
            Fieldset(
                "new_name",
                "new_size",
                "new_is_vcse",
                "new_identifier",
                legend=f"Or register a new {self.supplier_noun}",
                legend_size="m",
            ),
        )

    def clean_supplier_fields(self, cleaned):
        noun = self.supplier_noun
        existing = cleaned.get("existing")
        name = (cleaned.get("new_name") or "").strip()
        if existing and name:
            self.add_error(
                "new_name",
                f"Choose a registered {noun} or register a new one, not both. Clear one of them",
            )
        elif not existing and not name:
            if "existing" not in self.errors:
                self.add_error("existing", f"Choose the {noun}, or register a new one below")
        elif name:
            if Organisation.objects.filter(name__iexact=name).exists():
                self.add_error(
                    "new_name",
                    f"An organisation called {name} is already registered. Choose it from "
                    "the list instead",
                )
            if not cleaned.get("new_size"):
                self.add_error("new_size", f"Say whether the new {noun} is an SME or large")
        return cleaned

    def _post_clean(self):
        """The error summary lists problems in the order the fields appear on the page."""
        super()._post_clean()
        order = {name: i for i, name in enumerate(["__all__", *self.fields])}
        self._errors = type(self._errors)(
            sorted(self._errors.items(), key=lambda item: order.get(item[0], len(order)))
        )

    def new_supplier_kwargs(self) -> dict | None:
        data = self.cleaned_data
        if data.get("existing"):
            return None
        return {
            "name": data["new_name"].strip(),
            "size": data["new_size"],
            "is_vcse": data["new_is_vcse"],
            "identifier": data["new_identifier"].strip(),
        }


def _supplier_queryset():
    return Organisation.objects.current().filter(kind__in=SUPPLIER_KINDS).order_by("name")


class AwardForm(SupplierChoiceMixin, GovFormMixin, forms.Form):
    submit_label = "Record the award"

    award_value = MoneyField(
        label="Award value (£)",
        what="award value",
        help_text="The total value of the contract as awarded",
    )
    awarded_on = GovDateField(label="Award date", label_text="Award date")
    contract_start = GovDateField(label="Contract start date", label_text="Contract start date")
    contract_end = GovDateField(label="Contract end date", label_text="Contract end date")

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_supplier_fields(_supplier_queryset(), existing_label="Supplier")
        self.order_fields(["existing", "new_name", "new_size", "new_is_vcse", "new_identifier"])
        self.helper.layout = Layout(
            *self.supplier_layout(), "award_value", "awarded_on", "contract_start", "contract_end"
        )

    def clean(self):
        cleaned = self.clean_supplier_fields(super().clean())
        start, end = cleaned.get("contract_start"), cleaned.get("contract_end")
        if start and end and end <= start:
            self.add_error("contract_end", "The contract end date must be after its start date")
        elif start and end and (too_long := contract_period_problem(start, end)):
            self.add_error("contract_end", too_long)
        return cleaned


class SubcontractorForm(SupplierChoiceMixin, GovFormMixin, forms.Form):
    submit_label = "Add subcontractor"
    supplier_noun = "subcontractor"

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        taken = [o.pk for o in contract.subcontractors.all()] + list(award_supplier_ids(contract))
        self.add_supplier_fields(
            _supplier_queryset().exclude(pk__in=taken), existing_label="Subcontractor"
        )
        self.helper.layout = Layout(*self.supplier_layout())

    def clean(self):
        return self.clean_supplier_fields(super().clean())


class AwardSupplierForm(SupplierChoiceMixin, GovFormMixin, forms.Form):
    """Another supplier named on the award: a framework or a joint award names several."""

    submit_label = "Add supplier to the award"

    value = MoneyField(
        label="Its share of the award value (£, optional)",
        what="share of the award value",
        required=False,
        help_text="Only if the award gives this supplier its own value. Leave it empty "
        "otherwise: the award value is never divided up",
    )

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        taken = [o.pk for o in contract.subcontractors.all()] + list(award_supplier_ids(contract))
        self.add_supplier_fields(
            _supplier_queryset().exclude(pk__in=taken), existing_label="Supplier"
        )
        self.order_fields(["existing", "new_name", "new_size", "new_is_vcse", "new_identifier"])
        self.helper.layout = Layout(*self.supplier_layout(), "value")

    def clean(self):
        return self.clean_supplier_fields(super().clean())


class KpiForm(GovFormMixin, forms.Form):
    submit_label = "Add KPI"

    name = forms.CharField(
        label="Key performance indicator",
        max_length=300,
        help_text="What will be measured, like ‘Repairs completed within 5 working days’",
        error_messages={
            "required": "Enter the key performance indicator",
            "max_length": "The key performance indicator must be 300 characters or fewer",
        },
    )
    target = forms.CharField(
        label="Target (optional)",
        max_length=300,
        required=False,
        help_text="Like ‘95% each quarter’",
        error_messages={"max_length": "The target must be 300 characters or fewer"},
    )


class RatingForm(GovFormMixin, forms.Form):
    submit_label = "Save rating"

    period_end = GovDateField(
        label="End of the year assessed",
        label_text="End of the year assessed",
        help_text="The last day of the 12 months the rating covers",
    )
    rating = forms.ChoiceField(
        label="Rating",
        choices=Contract.Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating"},
    )
    explanation = forms.CharField(
        label="Explanation (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why this rating, with reference to the KPIs",
    )

    def clean_period_end(self):
        value = self.cleaned_data["period_end"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(
                "The end of the year assessed cannot be in the future. Rate a year once it ends"
            )
        return value
