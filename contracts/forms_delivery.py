"""Forms for award, commitments and delivery returns. Each renders GOV.UK markup and hands
clean values to one service; the services hold the rules, the forms only the input checks."""

from crispy_forms_gds.layout import Fieldset, Layout, Submit
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from objectives.models import Measure, Objective
from people.models import Organisation
from places.models import Area
from socialvalue.dates import contract_period_problem
from socialvalue.forms import GovDateField, GovFormMixin, MoneyField, QuantityField
from socialvalue.kept_uploads import KeptUploadsMixin
from socialvalue.numbers import format_money
from socialvalue.uploads import EvidenceFileField

from . import services
from .models import SUPPLIER_KINDS, Commitment, Contract, ReportingPeriod
from .services import award_supplier_ids

__all__ = [
    "AnswerForm",
    "AwardForm",
    "AwardSupplierForm",
    "CommitmentForm",
    "ConfirmSupportForm",
    "EarlyReturnsForm",
    "KpiForm",
    "QueryForm",
    "RatingForm",
    "RecoveryActionForm",
    "RejectForm",
    "ReturnForm",
    "SubcontractorForm",
    "VerifyForm",
]

EVIDENCE_FILE_SLOTS = 3


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


class MeasureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, measure):
        proxy = (
            f", {format_money(measure.proxy_value)} per unit ({measure.proxy_source}, {measure.proxy_year})"
            if measure.proxy_value is not None
            else ""
        )
        return f"{measure.code} {measure.name} ({measure.unit}{proxy})"


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, area):
        if area.kind == Area.Kind.NEIGHBOURHOOD and area.parent_id:
            return f"{area.name} (neighbourhood in {area.parent.name})"
        return f"{area.name} ({area.get_kind_display().lower()})"


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


class QuantityConfirmationMixin:
    """A quantity far above what was committed (`services.quantity_above_remaining`) is asked
    about, not refused: the service's question is shown on a checkbox that appears after the
    quantity, and the return records that the submitter ticked it."""

    def add_confirm_quantity(self) -> None:
        field = forms.BooleanField(
            label="I have checked the quantity: it is right",
            required=False,
        )
        self.fields["confirm_quantity"] = field
        order = list(self.fields)
        order.remove("confirm_quantity")
        order.insert(order.index("quantity") + 1, "confirm_quantity")
        self.order_fields(order)

    def show_confirm_quantity(self) -> None:
        """While the checkbox is ticked, it stays on the form (called from `__init__`)."""
        if self.is_bound and self.data.get(self.add_prefix("confirm_quantity")):
            self.add_confirm_quantity()

    def ask_to_confirm_quantity(self, error) -> None:
        """The service asked: show the checkbox, so that its question appears on it."""
        asked = "confirm_quantity" in getattr(error, "error_dict", {})
        if asked and "confirm_quantity" not in self.fields:
            self.add_confirm_quantity()

    def quantity_confirmed(self) -> bool:
        return bool(self.cleaned_data.get("confirm_quantity"))


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, period):
        if period.early_returns_reason:
            return f"{period} (early returns allowed: {period.early_returns_reason})"
        return str(period)


class ReturnForm(KeptUploadsMixin, QuantityConfirmationMixin, GovFormMixin, forms.Form):
    submit_label = "Submit return"

    period = PeriodChoiceField(
        label="Reporting period",
        queryset=ReportingPeriod.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="Only periods that have started are shown",
        error_messages={
            "required": "Choose the reporting period",
            "invalid_choice": "Choose a reporting period that has started",
        },
    )
    quantity = QuantityField(
        label="Quantity delivered",
        what="quantity delivered",
        help_text="In the commitment's unit. 0 if nothing was delivered this period",
    )
    evidence_text = forms.CharField(
        label="Evidence",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What was delivered, for whom, and how you know",
        error_messages={"required": "Describe the evidence for what was delivered"},
    )
    beneficiary_references = forms.CharField(
        label="References of what was delivered (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="One per line, like an apprentice's reference or a certificate number. Do "
        "not enter names. The same reference cannot be claimed twice for this measure",
    )
    supported_group = OrganisationChoiceField(
        label="Community group supported (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="None",
        help_text="If the delivery was support to a voluntary or community group, the group "
        "is asked to confirm it received it",
    )
    attested = forms.BooleanField(
        label="I confirm this delivery relates only to this contract and this reporting "
        "period, and is not claimed on any other contract",
        error_messages={
            "required": "Confirm the delivery relates only to this contract and period, and "
            "is not claimed elsewhere"
        },
    )

    def __init__(self, *args, commitment: Commitment, **kwargs):
        super().__init__(*args, **kwargs)
        contract = commitment.contract
        self.fields["period"].queryset = ReportingPeriod.objects.filter(
            services.reportable_periods(), contract=contract
        ).order_by("-start")
        self.fields["supported_group"].queryset = (
            Organisation.objects.current()
            .filter(kind__in=Organisation.COMMUNITY_KINDS)
            .filter(Q(areas__place=contract.place_id) | Q(place=contract.place_id))
            .distinct()
            .order_by("name")
        )
        for slot in range(1, EVIDENCE_FILE_SLOTS + 1):
            self.fields[f"file_{slot}"] = EvidenceFileField(
                label=f"Evidence file {slot} (optional)", required=False
            )
        # The attestation comes last, after the evidence it vouches for.
        self.fields["attested"] = self.fields.pop("attested")
        self.show_confirm_quantity()

    def evidence_files(self) -> list:
        return [
            self.cleaned_data[f"file_{slot}"]
            for slot in range(1, EVIDENCE_FILE_SLOTS + 1)
            if self.cleaned_data.get(f"file_{slot}")
        ]


class VersionedForm(GovFormMixin, forms.Form):
    """Carries the version of the return the user was looking at, so a change made by someone
    else in the meantime is refused rather than silently overwritten."""

    prefix_name = ""
    button_class = ""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "Reload the page and try again",
            "invalid": "Reload the page and try again",
        },
    )

    def __init__(self, *args, delivery_return, **kwargs):
        kwargs.setdefault("initial", {})["version"] = delivery_return.version
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)
        self.helper.form_action = reverse(
            f"contracts:return_{self.prefix_name}", kwargs={"pk": delivery_return.pk}
        )
        if self.button_class:
            self.helper.inputs = [
                Submit(f"{self.prefix_name}-submit", self.submit_label, css_class=self.button_class)
            ]


class VerifyForm(VersionedForm):
    submit_label = "Verify this return"
    prefix_name = "verify"


class QueryForm(VersionedForm):
    submit_label = "Send the question"
    prefix_name = "query"
    button_class = "govuk-button--secondary"

    question = forms.CharField(
        label="Question for the supplier",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the question for the supplier"},
    )


class RejectForm(VersionedForm):
    submit_label = "Reject this return"
    prefix_name = "reject"
    button_class = "govuk-button--warning"

    reason = forms.CharField(
        label="Why is it rejected?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The supplier sees this",
        error_messages={"required": "Explain why the return is rejected"},
    )


class AnswerForm(KeptUploadsMixin, QuantityConfirmationMixin, VersionedForm):
    submit_label = "Send your answer"
    prefix_name = "answer"

    answer = forms.CharField(
        label="Your answer",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter your answer to the query"},
    )
    quantity = QuantityField(
        label="Corrected quantity delivered (optional)",
        what="corrected quantity delivered",
        required=False,
        help_text="Only if the quantity was wrong",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for slot in range(1, EVIDENCE_FILE_SLOTS + 1):
            self.fields[f"file_{slot}"] = EvidenceFileField(
                label=f"More evidence: file {slot} (optional)", required=False
            )
        self.show_confirm_quantity()

    def evidence_files(self) -> list:
        return [
            self.cleaned_data[f"file_{slot}"]
            for slot in range(1, EVIDENCE_FILE_SLOTS + 1)
            if self.cleaned_data.get(f"file_{slot}")
        ]


class ConfirmSupportForm(GovFormMixin, forms.Form):
    submit_label = "Confirm we received this support"


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
