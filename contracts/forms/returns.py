"""Forms for delivery returns and the decisions on them: a return, verify, query, reject, answer
and confirm support."""

from crispy_forms_gds.layout import Submit
from django import forms
from django.db.models import Q
from django.urls import reverse

from people.models import Organisation
from socialvalue.forms import GovFormMixin, QuantityField
from socialvalue.kept_uploads import KeptUploadsMixin
from socialvalue.uploads import EvidenceFileField

from .. import services
from ..models import Commitment, ReportingPeriod
from .supply_chain import OrganisationChoiceField

EVIDENCE_FILE_SLOTS = 3


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


class EvidenceFilesMixin:
    """For a form whose `__init__` adds `EVIDENCE_FILE_SLOTS` optional evidence file fields,
    `file_1`…: the files given in them, for the service."""

    def evidence_files(self) -> list:
        return [
            self.cleaned_data[f"file_{slot}"]
            for slot in range(1, EVIDENCE_FILE_SLOTS + 1)
            if self.cleaned_data.get(f"file_{slot}")
        ]


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, period):
        if period.early_returns_reason:
            return f"{period} (early returns allowed: {period.early_returns_reason})"
        return str(period)


class ReturnForm(
    KeptUploadsMixin, EvidenceFilesMixin, QuantityConfirmationMixin, GovFormMixin, forms.Form
):
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


class AnswerForm(KeptUploadsMixin, EvidenceFilesMixin, QuantityConfirmationMixin, VersionedForm):
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


class ConfirmSupportForm(GovFormMixin, forms.Form):
    submit_label = "Confirm we received this support"
