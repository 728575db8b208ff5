"""Forms for who decides for a public body: exemptions proposed and decided, joint arrangements
answered, and thresholds."""

from django import forms

from people.models import Organisation
from socialvalue.forms import GovFormMixin, MoneyField
from socialvalue.numbers import format_money

from ..models import Assessment, Contract


class ExemptionForm(GovFormMixin, forms.Form):
    """Propose that the Act does not apply: a ground from the fixed list, a reason, and for a
    call-off the framework contract whose assessment covered it."""

    submit_label = "Propose the exemption"

    ground = forms.ChoiceField(
        label="Why does the Act not apply?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the Act does not apply"},
    )
    framework_contract = forms.ModelChoiceField(
        label="If it is a call-off: the framework contract",
        queryset=Contract.objects.none(),
        required=False,
        empty_label="Not a call-off",
        help_text="Only framework contracts with an approved social value assessment are listed",
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the contract buys, and why the ground applies. It is shown on the "
        "contract with the decision",
        error_messages={"required": "Explain why the Act does not apply to this contract"},
    )

    def __init__(self, *args, contract: Contract, user, threshold=None, **kwargs):
        super().__init__(*args, **kwargs)
        from ..models import Exemption

        labels = dict(Exemption.Ground.choices)
        below = labels[Exemption.Ground.BELOW_THRESHOLD]
        if threshold is not None:
            below += f": {contract.buyer}'s threshold is {format_money(threshold.value, 0)}"
        else:
            below += f" ({contract.buyer} has not recorded one)"
        self.fields["ground"].choices = [
            (Exemption.Ground.NOT_SERVICES, labels[Exemption.Ground.NOT_SERVICES]),
            (Exemption.Ground.BELOW_THRESHOLD, below),
            (Exemption.Ground.CALL_OFF, labels[Exemption.Ground.CALL_OFF]),
        ]
        self.fields["framework_contract"].queryset = (
            Contract.objects.visible_to(user)
            .filter(
                place=contract.place,
                assessments__status__in=[Assessment.Status.APPROVED, Assessment.Status.SUPERSEDED],
            )
            .exclude(pk=contract.pk)
            .distinct()
            .order_by("reference")
        )


class ExemptionDecisionForm(GovFormMixin, forms.Form):
    submit_label = "Save decision"

    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[
            ("confirm", "Confirm: the Act does not apply to this contract"),
            ("decline", "Decline: the contract stays under the Act"),
        ],
        error_messages={"required": "Choose whether to confirm or decline the exemption"},
    )
    reason = forms.CharField(
        label="If declining: why?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Explain why the exemption is declined")
        return cleaned


class ArrangementForm(GovFormMixin, forms.Form):
    submit_label = "Record the arrangement"

    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="Like ‘Wrenford Health and Care Partnership joint commissioning’",
        error_messages={
            "required": "Enter the arrangement's name",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    reference = forms.CharField(
        label="Where it is recorded",
        max_length=200,
        help_text="The agreement's title and date, or the minute or decision that made it",
        error_messages={
            "required": "Enter where the arrangement is recorded",
            "max_length": "The reference must be 200 characters or fewer",
        },
    )
    bodies = forms.ModelMultipleChoiceField(
        label="Bodies in the arrangement",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Each body's officers and leaders will be able to sign off the others' "
        "assessments and exemptions. A body counts once one of its organisation admins confirms",
        error_messages={"required": "Choose at least two bodies"},
    )

    def __init__(self, *args, place, arrangement=None, **kwargs):
        if arrangement is not None:
            self.submit_label = "Save changes"
        super().__init__(*args, **kwargs)
        bodies = Organisation.objects.current().public_bodies().filter(place=place)
        if arrangement is not None:
            present = arrangement.members.filter(ended_at__isnull=True).values("organisation_id")
            bodies = bodies.exclude(pk__in=present)
            self.fields["bodies"].label = "Add bodies (optional)"
            self.fields["bodies"].required = False
            self.initial.update(name=arrangement.name, reference=arrangement.reference)
        self.fields["bodies"].queryset = bodies.order_by("name")
        if arrangement is not None and not self.fields["bodies"].queryset.exists():
            del self.fields["bodies"]


class AnswerArrangementForm(GovFormMixin, forms.Form):
    submit_label = "Save answer"

    answer = forms.ChoiceField(
        label="Is your body in this arrangement?",
        widget=forms.RadioSelect,
        choices=[
            (
                "confirm",
                "Yes: our officers and leaders may sign off for the other bodies, and "
                "theirs for us",
            ),
            ("decline", "No: we are not part of it"),
        ],
        error_messages={"required": "Say whether your body is in the arrangement"},
    )


class ThresholdForm(GovFormMixin, forms.Form):
    submit_label = "Save the threshold"

    value = MoneyField(
        label="Threshold (£)",
        what="threshold",
        example="£100,000",
        help_text="Contracts estimated below this may be exempted, once a second person confirms",
    )
    reference = forms.CharField(
        label="The policy or decision that sets it",
        max_length=200,
        help_text="Like ‘Social value policy, approved by Cabinet on 4 March 2025’",
        error_messages={
            "required": "Enter the policy or decision that sets the threshold",
            "max_length": "The reference must be 200 characters or fewer",
        },
    )
