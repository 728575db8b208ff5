"""The assessment's sections, one form each (`SECTION_FORMS`): well-being, securing it,
proportionality, consultation, evaluation and urgency."""

from decimal import Decimal

from django import forms

from objectives.models import Measure, Objective
from socialvalue.forms import GovFormMixin, NumberField

from ..models import Assessment

YES_NO = [(True, "Yes"), (False, "No")]


def _yes_no(label, *, required_message, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        widget=forms.RadioSelect,
        coerce=lambda v: v == "True",
        help_text=help_text,
        error_messages={"required": required_message},
    )


def _text(label, *, rows=4, help_text=""):
    """An optional free-text answer."""
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


# The assessment's sections ---------------------------------------------------------------------


class SectionForm(GovFormMixin, forms.Form):
    submit_label = "Save and return to the task list"
    section = ""

    def __init__(self, *args, assessment: Assessment, **kwargs):
        self.assessment = assessment
        super().__init__(*args, **kwargs)
        # The revision this form was shown at: saving over a newer one is refused.
        self.fields["revision"] = forms.IntegerField(
            widget=forms.HiddenInput, initial=assessment.revision
        )
        for name in self.fields:
            if name != "revision" and hasattr(assessment, name) and name not in self.initial:
                value = getattr(assessment, name)
                if name in ("objectives", "measures"):
                    continue
                self.initial[name] = value


def _relevant(dim: str):
    return _yes_no(
        f"Could this contract improve the area's {dim} well-being?",
        required_message=f"Say whether the contract could improve {dim} well-being",
    )


def _how(dim: str):
    return _text(f"How, or why {dim} well-being is not relevant")


class WellbeingForm(SectionForm):
    """Section 1(3)(a): each dimension answered, or marked not relevant with why."""

    section = "wellbeing"
    economic_relevant = _relevant("economic")
    economic_how = _how("economic")
    social_relevant = _relevant("social")
    social_how = _how("social")
    environmental_relevant = _relevant("environmental")
    environmental_how = _how("environmental")


class ObjectiveChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, objective):
        areas = ", ".join(a.name for a in objective.areas.all())
        return f"{objective.title} ({areas})"


class SecuringForm(SectionForm):
    section = "securing"
    objectives = ObjectiveChoice(
        label="Which objectives will the contract serve?",
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Active objectives for the contract's areas and the areas inside them",
    )
    lever_award_criteria = _text("Award criteria", rows=3)
    lever_contract_conditions = _text("Contract conditions and KPIs", rows=3)
    lever_lotting_reservation = _text("Lotting, or reserving lots for SMEs and VCSEs", rows=3)
    lever_supply_chain = _text("Supply chain requirements", rows=3)

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, assessment=assessment, **kwargs)
        contract = assessment.contract
        objectives = Objective.objects.filter(place=contract.place, status="active")
        contract_areas = list(contract.areas.all())
        if contract_areas:
            from django.db.models import Q

            from places.models import Area as AreaModel

            within = Q(pk__in=[])
            for area in contract_areas:
                within |= Q(pk__in=AreaModel.objects.within(area).values("pk"))
            objectives = objectives.filter(areas__in=AreaModel.objects.filter(within)).distinct()
        self.fields["objectives"].queryset = objectives.prefetch_related("areas").order_by("title")
        self.initial.setdefault("objectives", [o.pk for o in assessment.objectives.all()])


class ProportionalityForm(SectionForm):
    section = "proportionality"
    relevance = _text(
        "How does the social value sought relate to what is being bought?",
        help_text="Section 1(6): only matters relevant to what is procured",
    )
    proportionality = _text("Why is this approach proportionate to the contract's size and nature?")


class ConsultationForm(SectionForm):
    section = "consultation"
    will_consult = _yes_no(
        "Will you consult on these matters?",
        required_message="Say whether you will consult",
        help_text="Section 1(7): you must consider whether to consult",
    )
    consultation_reason = _text("Why, or why not?")
    consultation_link = forms.URLField(
        label="Link to the consultation (optional)",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://example.org/consultation"},
    )


class EvaluationForm(SectionForm):
    section = "evaluation"
    weighting_percent = NumberField(
        label="Social value weighting (% of the total score)",
        what="weighting",
        example="10 or 12.5",
        required=False,
        max_value=Decimal("100"),
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input--width-4"}
        ),
        help_text="Central government must use at least 10%. Councils set their own",
    )
    evaluation_questions = _text("Questions bidders will be asked")
    measures = forms.ModelMultipleChoiceField(
        label="Measures bidders will be asked to commit to (optional)",
        queryset=Measure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, assessment=assessment, **kwargs)
        self.fields["measures"].queryset = (
            Measure.objects.usable()
            .filter(framework__place=assessment.contract.place)
            .order_by("framework__name", "code")
        )
        self.initial.setdefault("measures", [m.pk for m in assessment.evaluation_measures.all()])


class UrgencyForm(SectionForm):
    section = "urgency"
    urgency_claimed = _yes_no(
        "Is urgency claimed, so that the duties to consider or to consult do not apply?",
        required_message="Say whether urgency is claimed",
        help_text="Section 1(8). Most contracts answer no",
    )
    urgency_reason = _text("If yes: what is the urgency?", rows=3)
    urgency_caused_by_authority = forms.TypedChoiceField(
        label="If yes: was the urgency caused by the authority's own delay?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        coerce=lambda v: v == "True",
        required=False,
        empty_value=None,
        help_text="Urgency caused by the authority's own delay does not excuse the duties",
    )


SECTION_FORMS = {
    form.section: form
    for form in (
        WellbeingForm,
        SecuringForm,
        ProportionalityForm,
        ConsultationForm,
        EvaluationForm,
        UrgencyForm,
    )
}
