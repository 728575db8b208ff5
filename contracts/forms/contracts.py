"""Forms for a contract through the pipeline: its details, a reason, signing off an assessment,
starting procurement and advancing the stage."""

from django import forms

from people.models import Membership, Organisation
from places.models import Area
from socialvalue.forms import GovDateField, GovFormMixin, MoneyField

from ..models import Contract


class AreaChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, area):
        return f"{area.name} ({area.get_kind_display().lower()})"


class ContractForm(GovFormMixin, forms.Form):
    submit_label = "Save contract"

    reference = forms.CharField(
        label="Reference",
        max_length=60,
        help_text="Your organisation's reference for it",
        error_messages={"required": "Enter the contract's reference"},
    )
    title = forms.CharField(
        label="Title", max_length=300, error_messages={"required": "Enter the contract's title"}
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    buyer = forms.ModelChoiceField(
        label="Buying organisation",
        queryset=Organisation.objects.none(),
        error_messages={"required": "Choose the buying organisation"},
    )
    joint_buyers = forms.ModelMultipleChoiceField(
        label="Partner bodies buying jointly (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    category = forms.ChoiceField(
        label="Category",
        choices=Contract.Category.choices,
        widget=forms.RadioSelect,
        help_text="The Act applies to services, and to services bought with goods or works",
        error_messages={"required": "Choose the category"},
    )
    estimated_value = MoneyField(label="Estimated value (£)", what="estimated value")
    cpv_code = forms.CharField(label="CPV code (optional)", required=False, max_length=10)
    procedure = forms.ChoiceField(
        label="Procedure", choices=Contract.Procedure.choices, initial=Contract.Procedure.OPEN
    )
    areas = AreaChoice(
        label="Relevant area (optional)",
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty if the contract serves the whole place",
    )
    planned_procurement_start = GovDateField(
        label="Planned procurement start (optional)",
        label_text="Planned procurement start",
        required=False,
    )

    def __init__(self, *args, place, user, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        from people.permissions import organisations_of

        public = Organisation.objects.current().filter(place=place).order_by("name")
        mine = public.filter(pk__in=organisations_of(user, Membership.Role.OFFICER).values("pk"))
        self.fields["buyer"].queryset = mine
        self.fields["joint_buyers"].queryset = public.filter(
            kind__in=Organisation.PUBLIC_BODY_KINDS
        )
        self.fields["areas"].queryset = (
            Area.objects.filter(place=place)
            .current()
            .exclude(kind__in=[Area.Kind.LSOA, Area.Kind.MSOA])
            .order_by("path")
        )
        if contract is not None:
            self.initial.update(
                {
                    f: getattr(contract, f)
                    for f in (
                        "reference",
                        "title",
                        "description",
                        "category",
                        "estimated_value",
                        "cpv_code",
                        "procedure",
                        "planned_procurement_start",
                    )
                }
                | {
                    "buyer": contract.buyer_id,
                    "joint_buyers": [o.pk for o in contract.joint_buyers.all()],
                    "areas": [a.pk for a in contract.areas.all()],
                }
            )
            del self.fields["buyer"]


class ReasonForm(GovFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason"},
    )

    def __init__(self, *args, label="Reason", submit_label="Save", required_message=None, **kwargs):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        if required_message:
            self.fields["reason"].error_messages["required"] = required_message


class AssessmentSignOffForm(ReasonForm):
    """Approve a submitted assessment, or send it back with what needs to change: on the
    sign-off page and on the contract page, posted to the one sign-off view."""

    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[
            ("approve", "Approve: section 1 has been properly considered"),
            ("return", "Send it back to the author"),
        ],
        error_messages={"required": "Choose whether to approve or send it back"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(
            *args,
            label="If sending it back: what needs to change?",
            submit_label="Confirm",
            **kwargs,
        )
        self.fields["reason"].required = False
        self.order_fields(["decision", "reason"])


class ProcurementStartForm(GovFormMixin, forms.Form):
    submit_label = "Record the start of procurement"
    started_on = GovDateField(
        label="When did procurement start?",
        label_text="Start date",
        help_text="The first of: publishing a notice, advertising, contacting a supplier to seek "
        "an offer, answering an unsolicited offer, or entering into the contract",
    )


class AdvanceForm(GovFormMixin, forms.Form):
    def __init__(self, *args, submit_label, **kwargs):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)
