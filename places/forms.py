from django import forms

from socialvalue.forms import GovFormMixin, YearField

from .models import Area


class AreaForm(GovFormMixin, forms.ModelForm):
    submit_label = "Save area"

    gss_year = YearField(
        label="GSS code year", what="GSS code year", earliest=1990, latest=2100, required=False
    )

    class Meta:
        model = Area
        fields = ["kind", "name", "parent", "gss_code", "gss_year", "wards"]
        labels = {"kind": "Kind of area", "parent": "Sits inside (optional)"}
        error_messages = {
            "kind": {"required": "Choose the kind of area"},
            "name": {"required": "Enter the area's name"},
        }
        widgets = {"kind": forms.RadioSelect, "wards": forms.CheckboxSelectMultiple}

    def __init__(self, *args, place, **kwargs):
        self.place = place
        super().__init__(*args, **kwargs)
        self.instance.place = place
        areas = Area.objects.filter(place=place).current()
        if self.instance.pk:
            areas = areas.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = areas.exclude(kind=Area.Kind.GROUPING)
        self.fields["parent"].empty_label = f"Nothing: directly under {place}"
        self.fields["wards"].queryset = Area.objects.filter(
            place=place, kind=Area.Kind.WARD
        ).current()
        self.fields["wards"].required = False
        self.fields["wards"].help_text = "Only for a council grouping: tick the wards it covers"
        self.fields["gss_code"].help_text = "Optional. The ONS code, like E05012345"
        self.fields["gss_year"].help_text = "The year the code belongs to, like 2024"


class AreaChoiceField(forms.ModelMultipleChoiceField):
    """Areas to tick, each named with its kind (and a neighbourhood with its ward)."""

    def label_from_instance(self, area):
        return area.choice_label
