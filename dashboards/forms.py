"""The dashboard's filter form: place, period, organisation, area, theme, outcome, dimension."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.utils import timezone

from objectives.models import Dimension, Outcome, Theme
from people.models import Organisation
from places.models import Area, Place
from socialvalue import widgets

from . import periods


def _area_label(name: str, gss_code: str, kind: str, depth: int) -> str:
    indent = "\u2003" * depth
    code = f" ({gss_code})" if gss_code else ""
    return f"{indent}{name}{code} – {Area.Kind(kind).label.lower()}"


class AreaChoices(forms.models.ModelChoiceIterator):
    """The areas as (id, label) read as values, not model instances: every area of a county
    (a thousand) is listed on every request of the filter panel, and making the instances
    took 8 of the 12 ms its select cost."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name, gss_code, kind, path in self.queryset.values_list(
            "pk", "name", "gss_code", "kind", "path"
        ):
            yield (pk, _area_label(name, gss_code, kind, Area.depth_of(path)))


class AreaChoiceField(forms.ModelChoiceField):
    iterator = AreaChoices

    def label_from_instance(self, area):
        return _area_label(area.name, area.gss_code, area.kind, area.depth)


class OutcomeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, outcome):
        return f"{outcome.theme.name}: {outcome.name}"


class DashboardFilterForm(forms.Form):
    place = forms.ModelChoiceField(
        queryset=Place.objects.none(),
        required=False,
        empty_label=None,
        to_field_name="slug",
        widget=widgets.Select,
    )
    period = forms.ChoiceField(
        required=False,
        label="Period",
        help_text="UK financial years run from 1 April to 31 March",
        widget=widgets.Select,
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Organisation",
        empty_label="The whole place (all partners)",
        to_field_name="slug",
        widget=widgets.Select,
    )
    area = AreaChoiceField(
        queryset=Area.objects.none(),
        required=False,
        label="Area",
        empty_label="The whole place",
        help_text="Includes every area inside the one you choose",
        # Every area of the place (a thousand in a county): written out without a template
        # per option, on every request of the dashboard and the transparency page.
        widget=widgets.Select,
    )
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(),
        required=False,
        label="Theme",
        empty_label="All themes",
        widget=widgets.Select,
    )
    outcome = OutcomeChoiceField(
        queryset=Outcome.objects.none(),
        required=False,
        label="Outcome",
        empty_label="All outcomes",
        widget=widgets.Select,
    )
    dimension = forms.ChoiceField(
        required=False,
        label="Well-being dimension",
        choices=[("", "All dimensions"), *Dimension.choices],
        widget=widgets.Select,
    )

    def __init__(self, *args, place: Place, places, public: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.place = place
        self.fields["place"].queryset = places
        self.fields["place"].initial = place.slug
        if places.count() < 2:
            del self.fields["place"]
        self.fields["period"].choices = [("", "All time")] + [
            (p.key, p.label) for p in periods.choices(timezone.localdate())
        ]
        self.fields["organisation"].queryset = Organisation.objects.filter(
            place=place, kind__in=Organisation.PUBLIC_BODY_KINDS, archived_at__isnull=True
        ).order_by("name")
        self.fields["area"].queryset = Area.objects.current().filter(place=place).order_by("path")
        self.fields["theme"].queryset = (
            Theme.objects.filter(framework__place=place, framework__status="active")
            .select_related("framework")
            .order_by("framework__name", "position", "name")
        )
        self.fields["outcome"].queryset = (
            Outcome.objects.filter(framework__place=place, framework__status="active")
            .select_related("theme")
            .order_by("framework__name", "theme__position", "position", "name")
        )
        if public:
            del self.fields["organisation"]
        self.helper = FormHelper(self)
        self.helper.form_method = "get"
        self.helper.form_tag = True
        self.helper.disable_csrf = True
        self.helper.label_size = "s"
        self.helper.add_input(Submit("", "Apply filters", css_class="govuk-button--secondary"))
