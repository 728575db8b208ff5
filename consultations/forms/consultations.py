from django import forms
from django.utils.html import escape

from objectives.models import Objective
from people.models import Organisation
from places.models import Area
from socialvalue.dates import consultation_period_problem
from socialvalue.forms import GovDateField, GovFormMixin, choose_one

from ..models import Proposal, Question, RespondentType
from ..models.proposals import TEXT_LIMIT
from .proposals import AreaChoiceField

__all__ = [
    "ConsultationForm",
    "QuestionForm",
    "ResponseForm",
    "SummaryEntryForm",
    "SummaryForm",
]


class ObjectivesChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, objective):
        return f"{objective.reference}: {objective.title}"


class ConsultationForm(GovFormMixin, forms.Form):
    submit_label = "Save consultation"

    owner = choose_one(
        Organisation,
        label="Run by",
        required="Choose the public body running the consultation",
        radio=False,
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter a title for the consultation",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    purpose = forms.CharField(
        label="What is it for?",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you want to find out, and what you will do with the answers",
        error_messages={
            "required": "Explain what the consultation is for",
            "max_length": f"The purpose must be {TEXT_LIMIT:,} characters or fewer",
        },
    )
    areas = AreaChoiceField(
        label="Which areas is it about?",
        queryset=Area.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one area the consultation is about"},
    )
    objectives = ObjectivesChoiceField(
        label="Objectives it concerns (optional)",
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    planned_contract_reference = forms.CharField(
        label="Planned contract reference (optional)",
        max_length=100,
        required=False,
        help_text="Section 1(7) of the Social Value Act: consulting before a procurement",
    )
    planned_contract_title = forms.CharField(
        label="Planned contract title (optional)", max_length=200, required=False
    )
    opens_on = GovDateField(label="Opening date", label_text="Opening date")
    closes_on = GovDateField(label="Closing date", label_text="Closing date")
    allow_anonymous = forms.BooleanField(
        label="Allow responses from people who are not signed in",
        required=False,
    )

    def __init__(self, *args, user, consultation=None, **kwargs):
        super().__init__(*args, **kwargs)
        from ..permissions import consultation_bodies

        bodies = consultation_bodies(user)
        self.fields["owner"].queryset = bodies.order_by("name")
        place_ids = set(bodies.values_list("place_id", flat=True))
        if consultation is not None:
            place_ids = {consultation.place_id}
            del self.fields["owner"]
        self.fields["areas"].queryset = (
            Area.objects.filter(place_id__in=place_ids)
            .current()
            .exclude(kind__in=[Area.Kind.LSOA, Area.Kind.MSOA])
            .select_related("parent")
            .order_by("path")
        )
        self.fields["objectives"].queryset = (
            Objective.objects.visible_to(user)
            .filter(place_id__in=place_ids)
            .exclude(status=Objective.Status.RETIRED)
            .order_by("title")
        )
        if consultation is not None:
            self.initial.update(
                title=consultation.title,
                purpose=consultation.purpose,
                areas=[a.pk for a in consultation.areas.all()],
                objectives=[o.pk for o in consultation.objectives.all()],
                planned_contract_reference=consultation.planned_contract_reference,
                planned_contract_title=consultation.planned_contract_title,
                opens_on=consultation.opens_on,
                closes_on=consultation.closes_on,
                allow_anonymous=consultation.allow_anonymous,
            )

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The closing date must be on or after the opening date")
        elif opens and closes and (too_long := consultation_period_problem(opens, closes)):
            self.add_error("closes_on", too_long)
        return cleaned


class QuestionForm(GovFormMixin, forms.Form):
    submit_label = "Add question"

    text = forms.CharField(
        label="Question",
        max_length=300,
        error_messages={
            "required": "Enter the question",
            "max_length": "The question must be 300 characters or fewer",
        },
    )
    hint = forms.CharField(label="Hint (optional)", max_length=300, required=False)
    kind = forms.ChoiceField(
        label="Type of answer",
        choices=Question.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of answer"},
    )
    options = forms.CharField(
        label="Options (for single or multiple choice)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One option on each line. The agreement scale has its own 5 options",
    )
    required = forms.BooleanField(label="People must answer this question", required=False)


class ResponseForm(GovFormMixin, forms.Form):
    """Who is responding, where from, then one field per question."""

    submit_label = "Send response"

    respondent_type = forms.ChoiceField(
        label="Are you responding as…",
        choices=RespondentType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who you are responding as"},
    )
    area = forms.ModelChoiceField(
        label="Which area do you live or work in?",
        queryset=Area.objects.none(),
        empty_label="Choose an area",
        error_messages={"required": "Choose the area you live or work in"},
    )
    organisation_name = forms.CharField(
        label="Name of your group or organisation (optional)",
        max_length=200,
        required=False,
        help_text="Not published",
    )

    def __init__(self, *args, consultation, questions, response=None, **kwargs):
        """One field per question of the consultation, filled from the person's earlier
        response, and the respondent's area and type. Long because each kind of question (free
        text, one choice, several, an agreement scale) makes its field here, side by side."""
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.fields["area"].queryset = (
            Area.objects.filter(place_id=consultation.place_id)
            .current()
            .filter(kind__in=[Area.Kind.WARD, Area.Kind.NEIGHBOURHOOD])
            .order_by("name")
        )
        for question in questions:
            name = f"question_{question.pk}"
            # crispy-forms-gds prints labels and hints unescaped: an officer's text is escaped here.
            label = escape(question.text + ("" if question.required else " (optional)"))
            missing = {"required": f"Answer ‘{question.text}’"}
            if question.kind == Question.Kind.FREE_TEXT:
                field = forms.CharField(
                    label=label,
                    required=question.required,
                    max_length=TEXT_LIMIT,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    error_messages={
                        **missing,
                        "max_length": f"Your answer must be {TEXT_LIMIT:,} characters or fewer",
                    },
                )
            else:
                choices = [(str(o.pk), o.label) for o in question.options.all()]
                if question.kind == Question.Kind.MULTIPLE:
                    field = forms.MultipleChoiceField(
                        label=label,
                        required=question.required,
                        choices=choices,
                        widget=forms.CheckboxSelectMultiple,
                        error_messages={
                            **missing,
                            "invalid_choice": f"Choose from the options for ‘{question.text}’",
                        },
                    )
                else:
                    field = forms.ChoiceField(
                        label=label,
                        required=question.required,
                        choices=choices,
                        widget=forms.RadioSelect,
                        error_messages={
                            **missing,
                            "invalid_choice": f"Choose one of the options for ‘{question.text}’",
                        },
                    )
            field.help_text = escape(question.hint)
            self.fields[name] = field
        if response is not None:
            self.submit_label = "Update response"
            self.helper.inputs[0].value = self.submit_label
            self.initial.update(
                respondent_type=response.respondent_type,
                area=response.area_id,
                organisation_name=response.organisation_name,
            )
            for answer in response.answers.all():
                name = f"question_{answer.question_id}"
                if answer.option_id:
                    if isinstance(self.fields.get(name), forms.MultipleChoiceField):
                        self.initial.setdefault(name, []).append(str(answer.option_id))
                    else:
                        self.initial[name] = str(answer.option_id)
                else:
                    self.initial[name] = answer.text
        self.helper.label_size = "s"

    def answers(self) -> dict:
        found = {}
        for question in self.questions:
            found[question.pk] = self.cleaned_data.get(f"question_{question.pk}")
        return found


class SummaryForm(GovFormMixin, forms.Form):
    submit_label = "Save summary"

    summary_intro = forms.CharField(
        label="Summary of what you heard",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Published with the counts and charts. Do not include anyone's personal details",
        error_messages={"required": "Write the summary"},
    )


class ProposalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, proposal):
        return f"{proposal.reference}: {proposal.title}"


class SummaryEntryForm(GovFormMixin, forms.Form):
    submit_label = "Add entry"

    you_said = forms.CharField(
        label="You said",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what people said"},
    )
    we_did = forms.CharField(
        label="We did",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what you did in response"},
    )
    objective = forms.ModelChoiceField(
        label="Objective that changed (optional)",
        queryset=Objective.objects.none(),
        required=False,
        empty_label="None",
    )
    proposal = ProposalChoiceField(
        label="Proposal that changed (optional)",
        queryset=Proposal.objects.none(),
        required=False,
        empty_label="None",
    )
    assessment_url = forms.URLField(
        label="Link to the contract assessment that changed (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://example.org/assessment/12"},
    )

    def __init__(self, *args, consultation, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = (
            Objective.objects.public().filter(place=consultation.place).order_by("title")
        )
        self.fields["proposal"].queryset = (
            Proposal.objects.public()
            .filter(place=consultation.place, hidden_at__isnull=True)
            .order_by("-submitted_at")
        )
