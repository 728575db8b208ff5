"""The group's need form, and the one-field forms of the life cycle and moderation."""

from crispy_forms_gds.layout import Submit
from django import forms
from django.db import models

from consultations.forms.proposals import AreaChoiceField
from objectives.models import Measure
from people.models import Organisation
from places.models import Area
from socialvalue.forms import GovDateField, GovFormMixin, QuantityField, choose_one
from socialvalue.uploads import EvidenceFileField

from ..models import Need
from ..models.needs import REASON_LIMIT, TEXT_LIMIT


class MeasureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, measure):
        return f"{measure.name} ({measure.unit})"


class NeedForm(GovFormMixin, forms.Form):
    """Published straight away, or kept as a draft (the second button, named `draft`)."""

    submit_label = "Publish the need"

    group = choose_one(
        Organisation, label="Which group needs it?", required="Choose the group that needs it"
    )
    title = forms.CharField(
        label="What do you need?",
        max_length=200,
        help_text="For example, ‘40 volunteer hours to clear the canal path’",
        error_messages={
            "required": "Enter what you need",
            "max_length": "What you need must be 200 characters or fewer",
        },
    )
    why = forms.CharField(
        label="Why does it matter?",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Who it helps and what difference it makes. Do not name the people you help",
        error_messages={
            "required": "Explain why it matters",
            "max_length": f"Why it matters must be {TEXT_LIMIT:,} characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="What kind of help is it?",
        choices=Need.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of help it is"},
    )
    areas = AreaChoiceField(
        label="Which neighbourhoods or wards is it for?",
        queryset=Area.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose all that apply",
        error_messages={"required": "Choose at least one neighbourhood or ward"},
    )
    measure = MeasureChoiceField(
        label="How is it counted? (optional)",
        queryset=Measure.objects.none(),
        required=False,
        empty_label="It is not counted in a measure",
        help_text="A measure from the place's framework, so a supplier's commitment can meet it",
    )
    quantity = QuantityField(
        what="quantity needed",
        label="How much do you need? (optional)",
        required=False,
        more_than_zero=True,
        help_text="In the measure's unit, like 40 for 40 hours",
    )
    needed_by = GovDateField(label_text="Date it is needed by", label="When is it needed by?")
    file = EvidenceFileField(label="A photo or document (optional)", required=False)

    def __init__(self, *args, user, place=None, need: Need | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.add_input(
            Submit(
                "draft",
                "Save as a draft",
                css_class="govuk-button--secondary",
                css_id="submit-need-draft",
            )
        )
        from ..permissions import group_ids

        if need is not None:
            del self.fields["group"]
            place = need.place
        else:
            groups = Organisation.objects.filter(pk__in=group_ids(user)).order_by("name")
            self.fields["group"].queryset = groups
            if len(groups) == 1:
                self.initial.setdefault("group", groups[0])
        own = Area.objects.filter(organisations__pk__in=group_ids(user)).values("pk")
        self.fields["areas"].queryset = (
            Area.objects.filter(place=place, kind__in=[Area.Kind.WARD, Area.Kind.NEIGHBOURHOOD])
            .current()
            .select_related("parent")
            .annotate(
                theirs=models.Case(
                    models.When(pk__in=own, then=0), default=1, output_field=models.IntegerField()
                )
            )
            .order_by("theirs", "path")
        )
        self.fields["measure"].queryset = Measure.objects.filter(
            framework__place=place, framework__status="active"
        ).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("quantity") is not None and not data.get("measure"):
            self.add_error("measure", "Choose how the quantity is counted")
        if data.get("measure") and data.get("quantity") is None:
            self.add_error("quantity", "Enter how much you need, in the measure's unit")
        return data


class StepForm(GovFormMixin, forms.Form):
    """A step of the need's life, with an optional note kept in its history."""

    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"The note must be {REASON_LIMIT:,} characters or fewer"},
    )

    def __init__(self, *args, submit_label: str, **kwargs):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)


class HideNeedForm(GovFormMixin, forms.Form):
    submit_label = "Hide need"

    reason = forms.CharField(
        label="Why is it being hidden?",
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown publicly in place of the need",
        error_messages={
            "required": "Explain why the need is hidden",
            "max_length": f"The reason must be {REASON_LIMIT:,} characters or fewer",
        },
    )


class NeedChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, need):
        areas = ", ".join(a.name for a in need.areas.all())
        return f"{need.reference}: {need.title} ({need.group.name}; {areas})"


class ProposeForm(GovFormMixin, forms.Form):
    """An officer or leader turns needs that keep coming back into a draft proposal."""

    submit_label = "Make a draft proposal"

    needs = NeedChoiceField(
        label="Which needs does it answer?",
        queryset=Need.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one need"},
    )
    title = forms.CharField(
        label="Title of the proposal",
        max_length=200,
        error_messages={"required": "Enter a title for the proposal"},
    )
    problem = forms.CharField(
        label="What is the problem?",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the needs have in common, in a sentence or two",
        error_messages={"required": "Describe the problem"},
    )

    def __init__(self, *args, place, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = (
            Need.objects.public()
            .filter(place=place, proposal__isnull=True, hidden_at__isnull=True)
            .select_related("group")
            .prefetch_related("areas")
            .order_by("-opened_at", "-pk")
        )
