from decimal import Decimal

from django import forms

from objectives.models import Measure, Objective
from people.models import Membership, Organisation
from places.models import Area
from socialvalue.forms import GovDateField, GovFormMixin, MoneyField, NumberField
from socialvalue.numbers import format_money

from .models import Assessment, Contract

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
        from people.permissions import organisation_ids

        public = Organisation.objects.current().filter(place=place).order_by("name")
        mine = (
            public
            if user.is_superuser
            else public.filter(pk__in=organisation_ids(user, Membership.Role.OFFICER))
        )
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
    return forms.CharField(
        label=f"How, or why {dim} well-being is not relevant",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


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
    lever_award_criteria = forms.CharField(
        label="Award criteria", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lever_contract_conditions = forms.CharField(
        label="Contract conditions and KPIs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lever_lotting_reservation = forms.CharField(
        label="Lotting, or reserving lots for SMEs and VCSEs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lever_supply_chain = forms.CharField(
        label="Supply chain requirements", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

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
    relevance = forms.CharField(
        label="How does the social value sought relate to what is being bought?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Section 1(6): only matters relevant to what is procured",
    )
    proportionality = forms.CharField(
        label="Why is this approach proportionate to the contract's size and nature?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ConsultationForm(SectionForm):
    section = "consultation"
    will_consult = _yes_no(
        "Will you consult on these matters?",
        required_message="Say whether you will consult",
        help_text="Section 1(7): you must consider whether to consult",
    )
    consultation_reason = forms.CharField(
        label="Why, or why not?", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
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
    evaluation_questions = forms.CharField(
        label="Questions bidders will be asked",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
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
    urgency_reason = forms.CharField(
        label="If yes: what is the urgency?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
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
        from .models import Exemption

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
