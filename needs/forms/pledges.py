"""The supplier's pledge form, and the group's decline, receipt and message forms."""

from django import forms

from contracts.models import Commitment
from people.models import Organisation
from socialvalue.forms import GovDateField, GovFormMixin, QuantityField, choose_one
from socialvalue.uploads import EvidenceFileField

from ..models.needs import REASON_LIMIT, TEXT_LIMIT


class CommitmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, commitment):
        return f"{commitment.contract.reference}: {commitment} in {commitment.area.name}"


class PledgeForm(GovFormMixin, forms.Form):
    submit_label = "Make the pledge"

    organisation = choose_one(
        Organisation, label="Who is pledging?", required="Choose the supplier you pledge for"
    )
    offer = forms.CharField(
        label="What do you offer?",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe what you offer"},
    )
    quantity = QuantityField(what="quantity pledged", label="How much?", more_than_zero=True)
    by_date = GovDateField(label_text="Date you will give it by", label="By when?")
    commitment = CommitmentChoiceField(
        label="Which of your contract commitments does it serve? (optional)",
        queryset=Commitment.objects.none(),
        required=False,
        empty_label="None: this is community support, not contract social value",
        help_text="Once the group confirms it received it, it is counted in that commitment's "
        "return for the period. Do not also enter it in a return yourself",
    )
    attested = forms.BooleanField(
        label="This pledge is not claimed in any other return or contract",
        required=False,
    )
    confirm_quantity = forms.BooleanField(
        label="I mean to give more than is still needed", required=False
    )

    def __init__(self, *args, need, suppliers, commitments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = suppliers
        only = list(suppliers[:2])
        if len(only) == 1:
            self.initial.setdefault("organisation", only[0])
        self.fields["commitment"].queryset = commitments
        if need.measure_id is None:
            del self.fields["quantity"], self.fields["commitment"], self.fields["attested"]
            del self.fields["confirm_quantity"]
        else:
            self.fields["quantity"].help_text = f"In {need.measure.unit}"


class DeclineForm(GovFormMixin, forms.Form):
    submit_label = "Decline the pledge"

    reason = forms.CharField(
        label="Why are you declining it?",
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The supplier is told",
        error_messages={"required": "Explain why you decline the pledge"},
    )


class ReceiptForm(GovFormMixin, forms.Form):
    submit_label = "Confirm we received it"

    quantity = QuantityField(
        what="quantity received", label="How much did you receive?", more_than_zero=True
    )
    received_on = GovDateField(label_text="Date it was received", label="When was it received?")
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What arrived, and anything the council should know. Add a note or a photo",
    )
    file = EvidenceFileField(label="A photo or document (optional)", required=False)

    def __init__(self, *args, need, **kwargs):
        super().__init__(*args, **kwargs)
        if need.measure_id is None:
            del self.fields["quantity"]
        else:
            self.fields["quantity"].help_text = f"In {need.measure.unit}"


class MessageForm(GovFormMixin, forms.Form):
    submit_label = "Send message"

    body = forms.CharField(
        label="Your message",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter your message"},
    )
