"""Forms for who signs off for whom: joint arrangements between a place's public bodies."""

from django import forms

from people.models import Organisation
from socialvalue.forms import GovFormMixin, MoneyField


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
