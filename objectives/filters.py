import django_filters
from crispy_forms_gds.helper import FormHelper
from django import forms
from django.db.models import Q
from django_filters import fields as filter_fields

from people.models import Organisation
from places.models import Area
from socialvalue import widgets
from socialvalue.filters import GovFilterSet

from . import register_cache
from .models import Dimension, Objective, Outcome, Theme

# The register's filter panel is on every request of a public page, and its selects hold every
# area and organisation of every place (hundreds of options at county scale). Crispy renders
# each field through several templates, Django renders a select one template per option and
# builds a model instance per choice: together most of the page's time. Here the choices are
# read as plain values (one query each, or none when cached: see register_cache), the options
# are written out directly, and the panel is one template. The options, labels, order and
# filtering are the same as before.


class ValuesChoiceIterator(filter_fields.ModelChoiceIterator):
    """Choices from `field.choice_rows()`: tuples read with values_list, no model instances."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from self.field.choice_rows(self.queryset)


class ValuesChoiceField(filter_fields.ModelChoiceField):
    """A model choice whose options come from `label_fields` values, labelled by `choice_label()`.
    Validating a chosen value still loads that one row as a model instance."""

    iterator = ValuesChoiceIterator
    widget = widgets.Select
    label_fields = ("name",)
    # Set by the filter set: the register's cache stamp and a name for these choices, so the
    # rows are read once per change of the data (see register_cache), not on every request.
    # With no stamp they are read every time. The choices must not depend on the request.
    stamp = None
    cache_name = ""

    def choice_label(self, *values) -> str:
        return values[0]

    def choice_rows(self, queryset):
        def read():
            return [
                (pk, self.choice_label(*values))
                for pk, *values in queryset.values_list("pk", *self.label_fields)
            ]

        if not self.cache_name:
            return read()
        return register_cache.cached(self.stamp, ("choices", self.cache_name), read)

    def label_from_instance(self, obj):
        return self.choice_label(*(getattr(obj, f) for f in self.label_fields))


class AreaFilterField(ValuesChoiceField):
    label_fields = ("name", "kind", "path")
    kinds = dict(Area.Kind.choices)

    def choice_label(self, name, kind, path):
        depth = max(len(path) // Area.PATH_STEP - 1, 0)
        return f"{'  ' * depth}{name} ({self.kinds.get(kind, kind).lower()})"


class CodedFilterField(ValuesChoiceField):
    """Themes and outcomes: "code name", as their __str__."""

    label_fields = ("code", "name")

    def choice_label(self, code, name):
        return f"{code} {name}".strip()


class AreaFilter(django_filters.ModelChoiceFilter):
    field_class = AreaFilterField


class CodedFilter(django_filters.ModelChoiceFilter):
    field_class = CodedFilterField


class NamedFilter(django_filters.ModelChoiceFilter):
    field_class = ValuesChoiceField


class FastChoiceFilter(django_filters.ChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", widgets.Select)
        super().__init__(*args, **kwargs)


class FilterPanelHelper(FormHelper):
    """`{% crispy %}` renders the panel with `template` and no layout: the fields are written by
    that one template rather than by crispy's templates for each field."""

    def __init__(self):
        super().__init__()
        self.template = "objectives/includes/filter_form.html"
        self.form_method = "get"
        self.disable_csrf = True


class FilterPanelForm(forms.Form):
    """The filter panel: GOV.UK fields (label, error message tied to the control) rendered by
    one template."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FilterPanelHelper()

    def panel_fields(self):
        rows = []
        for field in self:
            error_id = f"{field.auto_id}-error"
            attrs = {}
            if field.errors:
                attrs["aria-describedby"] = error_id
                error_class = (
                    "govuk-select--error"
                    if isinstance(field.field.widget, forms.Select)
                    else "govuk-input--error"
                )
                attrs["class"] = f"{field.field.widget.attrs.get('class', '')} {error_class}"
            rows.append(
                {
                    "field": field,
                    "error_id": error_id,
                    "widget": field.as_widget(attrs=attrs),
                }
            )
        return rows


SORTS = {
    "title": ("Title (A to Z)", ["title", "pk"]),
    "priority": ("Priority (highest first)", ["priority_rank", "-updated_at", "-pk"]),
    "oldest": ("Least recently updated", ["updated_at", "pk"]),
    "status": ("Status", ["status", "-updated_at", "-pk"]),
}


class ObjectiveFilterSet(GovFilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_text",
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )
    area = AreaFilter(
        label="Area (includes the areas inside it)",
        queryset=Area.objects.current().exclude(kind=Area.Kind.LSOA).order_by("path"),
        method="filter_area",
        empty_label="All areas",
    )
    theme = CodedFilter(
        label="Theme",
        field_name="outcome__theme",
        queryset=Theme.objects.order_by("framework__name", "position", "name"),
        empty_label="All themes",
    )
    outcome = CodedFilter(
        label="Outcome",
        queryset=Outcome.objects.order_by("framework__name", "name"),
        empty_label="All outcomes",
    )
    dimension = FastChoiceFilter(
        label="Well-being dimension",
        choices=Dimension.choices,
        method="filter_dimension",
        empty_label="All dimensions",
    )
    status = FastChoiceFilter(
        label="Status", choices=Objective.Status.choices, empty_label="Any status"
    )
    organisation = NamedFilter(
        label="Lead or partner organisation",
        # Objectives are led and shared by public bodies and community groups, not suppliers:
        # leaving suppliers out keeps the list short at county scale.
        queryset=Organisation.objects.current()
        .exclude(kind=Organisation.Kind.SUPPLIER)
        .order_by("name"),
        method="filter_organisation",
        empty_label="Any organisation",
    )
    sort = FastChoiceFilter(
        label="Sort by",
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        method="filter_sort",
        empty_label="Recently updated",
    )

    def __init__(self, *args, stamp=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stamp = stamp

    @property
    def form(self):
        form = super().form
        for name, field in form.fields.items():
            if isinstance(field, ValuesChoiceField):
                field.stamp = self.stamp
                field.cache_name = f"{type(self).__qualname__}.{name}"
        return form

    class Meta:
        model = Objective
        form = FilterPanelForm
        fields = ["q", "area", "theme", "outcome", "dimension", "status", "organisation"]

    def filter_text(self, queryset, name, value):
        condition = Q()
        for word in value.split()[:8]:
            condition &= (
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(evidence_of_need__icontains=word)
            )
        return queryset.filter(condition)

    def filter_area(self, queryset, name, value):
        return queryset.within_area(value)

    def filter_dimension(self, queryset, name, value):
        return queryset.filter(**{value: True})

    def filter_organisation(self, queryset, name, value):
        return queryset.involving_organisation(value)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS[value][1])
