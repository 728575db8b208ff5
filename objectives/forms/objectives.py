from decimal import Decimal

from django import forms
from django.db.models import Q

from people.models import Organisation
from places.forms import AreaChoiceField
from places.models import Area
from socialvalue.forms import GovDateField, GovFormMixin, QuantityField
from socialvalue.links import LinkSlotsMixin, link_initial

from ..models import Dimension, Measure, Objective, Outcome

__all__ = ["ObjectiveForm", "ObjectiveStatusForm", "TargetForm"]

LINK_SLOTS = 3


class OutcomeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, outcome):
        return f"{outcome.theme.name}: {outcome.name} ({outcome.framework})"


class OrganisationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, org):
        return f"{org.name} ({org.get_kind_display().lower()})"


class ObjectiveForm(LinkSlotsMixin, GovFormMixin, forms.Form):
    submit_label = "Save objective"
    link_slots = LINK_SLOTS

    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="Say what should change, like ‘More young people from Eastgate in work’",
        error_messages={
            "required": "Enter a title for the objective",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    description = forms.CharField(
        label="What should change, and for whom",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Describe what should change, and for whom"},
    )
    outcome = OutcomeChoiceField(
        label="Outcome",
        queryset=Outcome.objects.none(),
        help_text="From one of the place's outcomes frameworks",
        error_messages={"required": "Choose the outcome this objective contributes to"},
    )
    dimensions = forms.MultipleChoiceField(
        label="Well-being dimensions",
        choices=Dimension.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Section 1(3)(a) of the Social Value Act: economic, social, environmental",
        error_messages={"required": "Choose at least one well-being dimension"},
    )
    areas = AreaChoiceField(
        label="Areas",
        queryset=Area.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose every ward, neighbourhood or grouping the objective is for",
        error_messages={"required": "Choose at least one area the objective is for"},
    )
    lead_organisation = forms.ModelChoiceField(
        label="Lead organisation",
        queryset=Organisation.objects.none(),
        error_messages={"required": "Choose the lead organisation"},
    )
    partners = OrganisationChoiceField(
        label="Partner organisations (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    priority = forms.ChoiceField(
        label="Priority",
        choices=Objective.Priority.choices,
        widget=forms.RadioSelect,
        initial=Objective.Priority.MEDIUM,
        error_messages={"required": "Choose a priority"},
    )
    evidence_of_need = forms.CharField(
        label="Evidence of need (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What shows this matters here: local data, what residents have said",
    )

    def __init__(self, *args, place, user, objective: Objective | None = None, **kwargs):
        self.place = place
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = (
            Outcome.objects.filter(framework__place=place, framework__status="active")
            .select_related("theme", "framework")
            .order_by("framework__name", "theme__position", "theme__name", "position", "name")
        )
        self.fields["areas"].queryset = (
            Area.objects.filter(place=place)
            .current()
            .exclude(kind__in=[Area.Kind.LSOA, Area.Kind.MSOA])
            .select_related("parent")
            .order_by("path")
        )
        from ..permissions import lead_organisations

        leads = lead_organisations(user).current().filter(place=place)
        if objective is not None:
            leads = leads | Organisation.objects.current().filter(
                place=place, pk=objective.lead_organisation_id
            )
        self.fields["lead_organisation"].queryset = leads.distinct().order_by("name")
        self.fields["partners"].queryset = (
            Organisation.objects.current()
            .filter(Q(place=place) | Q(areas__place=place, kind__in=Organisation.COMMUNITY_KINDS))
            .distinct()
            .order_by("name")
        )
        self.add_link_fields()
        if objective is not None:
            self.initial.update(
                title=objective.title,
                description=objective.description,
                outcome=objective.outcome_id,
                dimensions=objective.dimensions,
                areas=[a.pk for a in objective.areas.all()],
                lead_organisation=objective.lead_organisation_id,
                partners=[p.pk for p in objective.partners.all()],
                priority=objective.priority,
                evidence_of_need=objective.evidence_of_need,
            )
            self.initial.update(link_initial(objective.links.all(), self.link_slots))

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["links"] = self.pop_links(data)
        return data


class ObjectiveStatusForm(GovFormMixin, forms.Form):
    submit_label = "Change status"

    status = forms.ChoiceField(
        label="New status",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the new status"},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when an objective is achieved or retired. It is shown publicly",
    )

    def __init__(self, *args, objective: Objective, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Objective.TRANSITIONS.get(objective.status, set())
        self.fields["status"].choices = [
            (value, label) for value, label in Objective.Status.choices if value in allowed
        ]


class MeasureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, measure):
        return f"{measure.code} {measure.name} ({measure.unit}) – {measure.outcome.name}"


class TargetForm(GovFormMixin, forms.Form):
    submit_label = "Save target"

    measure = MeasureChoiceField(
        label="Measure",
        queryset=Measure.objects.none(),
        error_messages={"required": "Choose the measure this target counts"},
    )
    baseline = QuantityField(
        label="Baseline",
        what="baseline",
        initial=Decimal("0"),
        help_text="Where things stand now, in the measure's unit. 0 if nothing yet",
        error_messages={"required": "Enter the baseline, or 0"},
    )
    baseline_date = GovDateField(label="Baseline date", label_text="Baseline date")
    target_quantity = QuantityField(
        label="Target quantity",
        what="target quantity",
        more_than_zero=True,
        help_text="How much to deliver by the target date, in the measure's unit",
    )
    target_date = GovDateField(label="Target date", label_text="Target date")
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, objective: Objective, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        usable = Measure.objects.usable().filter(framework__place=objective.place)
        if target is not None:
            usable = usable | Measure.objects.filter(pk=target.measure_id)
        self.fields["measure"].queryset = usable.select_related("outcome").order_by(
            "framework__name", "code"
        )
        if target is not None:
            self.initial.update(
                measure=target.measure_id,
                baseline=target.baseline,
                baseline_date=target.baseline_date,
                target_quantity=target.target_quantity,
                target_date=target.target_date,
                notes=target.notes,
            )
