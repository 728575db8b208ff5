"""Forms for keeping outcomes frameworks: frameworks, themes, outcomes, measures and imports."""

from django import forms
from django.db.models import QuerySet

from people.permissions import served_by
from places.models import Place
from socialvalue.forms import GovFormMixin, MoneyField, YearField, choose_one
from socialvalue.rules import allowed

from ..models import Dimension, Framework, Measure, Outcome, Theme

__all__ = [
    "FrameworkForm",
    "FrameworkImportForm",
    "MeasureForm",
    "OutcomeForm",
    "SocialValueModelLoadForm",
    "ThemeForm",
    "places_managed_by",
]

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MANAGE_RULE = "objectives.manage_frameworks"


def places_managed_by(user) -> QuerySet[Place]:
    """The places whose frameworks the user may keep (by the rule, place by place)."""
    if not user.is_authenticated:
        return Place.objects.none()
    keep = [place.pk for place in served_by(user) if allowed(user, MANAGE_RULE, place)]
    return Place.objects.filter(pk__in=keep).order_by("name")


def _max_length(model, field_name: str) -> int:
    return model._meta.get_field(field_name).max_length


def _text(label, model, field_name, *, required=True, missing="", help_text="", **kwargs):
    limit = _max_length(model, field_name)
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        error_messages={
            "required": missing,
            "max_length": f"The {label.removesuffix(' (optional)').lower()} must be {limit} "
            "characters or fewer",
        },
        **kwargs,
    )


class PlaceChoiceMixin:
    """A `place` field offering only the places the user may keep frameworks for."""

    def _set_places(self, user) -> None:
        places = places_managed_by(user)
        field = self.fields["place"]
        field.queryset = places
        if len(places) == 1:
            self.initial.setdefault("place", places[0].pk)


def _place_field():
    return choose_one(
        Place,
        label="Place",
        required="Choose the place the framework is for",
        invalid_choice="Choose a place whose frameworks you keep",
    )


class FrameworkForm(PlaceChoiceMixin, GovFormMixin, forms.Form):
    submit_label = "Create framework"

    place = _place_field()
    name = _text(
        "Name",
        Framework,
        "name",
        missing="Enter the framework's name",
        help_text="Like ‘Wrenford social value outcomes’",
    )
    version = _text(
        "Version",
        Framework,
        "version",
        missing="Enter the version, like 2025 or 1.1",
        help_text="Like 2025 or 1.1. A new version sits beside the old one",
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    source = forms.CharField(
        label="Source (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where the framework comes from, with links",
    )
    licence = _text(
        "Licence (optional)",
        Framework,
        "licence",
        required=False,
        help_text="Like Open Government Licence v3.0",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_places(user)


class FrameworkImportForm(FrameworkForm):
    submit_label = "Import framework"

    file = forms.FileField(
        label="CSV file",
        help_text="One row per measure. Up to 5MB",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv", "class": "govuk-file-upload"}),
        error_messages={
            "required": "Choose a CSV file to import",
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be read. Choose it again",
        },
    )

    field_order = ["place", "name", "version", "licence", "source", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["description"]
        self.fields[
            "version"
        ].help_text = "Like 2025 or 1.1. Importing into a version the place already has updates it"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 5MB")
        return upload


class SocialValueModelLoadForm(PlaceChoiceMixin, GovFormMixin, forms.Form):
    submit_label = "Load the government Social Value Model"

    place = _place_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_places(user)


class ThemeForm(GovFormMixin, forms.Form):
    submit_label = "Add theme"

    name = _text("Name", Theme, "name", missing="Enter the theme's name")
    code = _text(
        "Code (optional)",
        Theme,
        "code",
        required=False,
        help_text="A short reference, if the framework numbers its themes",
    )


class OutcomeForm(GovFormMixin, forms.Form):
    submit_label = "Add outcome"

    theme = choose_one(
        Theme,
        label="Theme",
        required="Choose the theme the outcome belongs to",
        invalid_choice="Choose one of this framework's themes",
    )
    name = _text("Name", Outcome, "name", missing="Enter the outcome's name")
    code = _text("Code (optional)", Outcome, "code", required=False)
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the outcome means, and what good looks like",
    )
    dimensions = forms.MultipleChoiceField(
        label="Well-being dimensions",
        choices=Dimension.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Section 1(3)(a) of the Social Value Act: select all that apply",
        error_messages={
            "required": "Choose at least one well-being dimension",
            "invalid_choice": "Choose economic, social or environmental",
        },
    )

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = framework.themes.order_by("position", "name")


class MeasureForm(GovFormMixin, forms.Form):
    submit_label = "Save measure"

    outcome = forms.ModelChoiceField(
        label="Outcome",
        queryset=Outcome.objects.none(),
        empty_label="Choose an outcome",
        error_messages={
            "required": "Choose the outcome the measure counts towards",
            "invalid_choice": "Choose one of this framework's outcomes",
        },
    )
    code = _text(
        "Code",
        Measure,
        "code",
        missing="Enter the measure's code",
        help_text="Unique in the framework, like WR1. Imports match measures by code",
    )
    name = _text("Name", Measure, "name", missing="Enter the measure's name")
    unit = _text(
        "Unit",
        Measure,
        "unit",
        missing="Enter the unit, like FTE, hours or people",
        help_text="What one of these is: FTE, hours, £, tonnes CO2e, number of people",
    )
    guidance = forms.CharField(
        label="Guidance (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What counts, and what evidence to keep",
    )
    proxy_value = MoneyField(
        label="Proxy value in £ per unit (optional)",
        what="proxy value",
        example="£12.50",
        required=False,
        help_text="Leave empty to count without a £ figure",
        error_messages={
            "max_decimal_places": "The proxy value can have at most 2 decimal places (pence)",
            "max_digits": "The proxy value must be less than £1,000,000,000,000",
            "max_whole_digits": "The proxy value must be less than £1,000,000,000,000",
        },
    )
    proxy_source = _text(
        "Source of the proxy value (optional)",
        Measure,
        "proxy_source",
        required=False,
        help_text="Needed with a proxy value: who published it, with a link",
    )
    proxy_year = YearField(
        label="Year of the proxy value (optional)",
        what="proxy value's year",
        earliest=1990,
        latest=2100,
        required=False,
        help_text="Needed with a proxy value, like 2025",
    )

    def __init__(self, *args, framework: Framework, measure: Measure | None = None, **kwargs):
        self.submit_label = "Save measure" if measure is not None else "Add measure"
        super().__init__(*args, **kwargs)
        if measure is not None:
            del self.fields["outcome"]
            self.initial.update(
                code=measure.code,
                name=measure.name,
                unit=measure.unit,
                guidance=measure.guidance,
                proxy_value=measure.proxy_value,
                proxy_source=measure.proxy_source,
                proxy_year=measure.proxy_year,
            )
        else:
            self.fields["outcome"].queryset = framework.outcomes.select_related("theme").order_by(
                "theme__position", "theme__name", "position", "name"
            )
            self.fields["outcome"].label_from_instance = lambda outcome: (
                f"{outcome.theme.name}: {outcome.name}"
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("proxy_value") is not None:
            if not cleaned.get("proxy_source") and "proxy_source" not in self.errors:
                self.add_error("proxy_source", "Enter where the proxy value comes from")
            if not cleaned.get("proxy_year") and "proxy_year" not in self.errors:
                self.add_error("proxy_year", "Enter the year the proxy value applies to")
        return cleaned
