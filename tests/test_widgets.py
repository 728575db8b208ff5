"""The select written out in Python (`socialvalue.widgets.Select`) gives the markup Django's
template-rendered select gives: the same options, the same one selected, labels escaped."""

from html.parser import HTMLParser

from crispy_forms.utils import render_crispy_form
from crispy_forms_gds.helper import FormHelper
from django import forms

from socialvalue import widgets

CHOICES = [("", "All areas"), ("1", "Ashby <North>"), ("2", 'Bell & "Brook"'), ("2", "Twice")]


class Parsed(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.selects, self.options, self._option = [], [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self.selects.append(attrs)
        elif tag == "option":
            self._option = [attrs.get("value"), "selected" in attrs, ""]
            self.options.append(self._option)

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None


def test_the_same_options_and_selection_as_django():
    for value in (None, "", "1", "2", "missing"):
        ours = Parsed(widgets.Select(choices=CHOICES).render("area", value, {"id": "id_area"}))
        django = Parsed(forms.Select(choices=CHOICES).render("area", value, {"id": "id_area"}))
        assert ours.options == django.options, value
        assert ours.selects[0]["name"] == "area"
        assert ours.selects[0]["id"] == "id_area"


def test_labels_and_values_are_escaped():
    html = widgets.Select(choices=[('"><script>', "<script>alert(1)</script>")]).render("x", "")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


class AreaForm(forms.Form):
    area = forms.ChoiceField(choices=CHOICES, required=True, widget=widgets.Select)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False


def test_crispy_renders_it_as_a_gov_uk_select_with_its_error_style():
    form = AreaForm({"area": ""})
    assert not form.is_valid()
    (select,) = Parsed(render_crispy_form(form)).selects
    classes = select["class"].split()
    assert classes.count("govuk-select") == 1
    assert "govuk-input--error" in classes  # crispy-forms-gds's error style for a select


def test_the_dashboards_area_choices_read_as_values_match_the_areas(db):
    """The filter panel's areas are read as values, not model instances: the same labels as
    the field gives an area instance, in the same order, and the chosen one selected."""
    from dashboards.forms import DashboardFilterForm
    from places.models import Area, Place
    from tests.places.factories import AreaFactory

    ward = AreaFactory(kind=Area.Kind.WARD, name="Abbey <North>", gss_code="E05000001")
    hood = AreaFactory(place=ward.place, kind=Area.Kind.NEIGHBOURHOOD, name="Mill", parent=ward)
    form = DashboardFilterForm(
        {"area": str(hood.pk)}, place=ward.place, places=Place.objects.all(), public=True
    )
    assert form.is_valid() and form.cleaned_data["area"] == hood
    field = form.fields["area"]
    expected = [
        [str(area.pk), area.pk == hood.pk, field.label_from_instance(area)]
        for area in Area.objects.filter(pk__in=[ward.pk, hood.pk]).order_by("path")
    ]
    assert Parsed(str(form["area"])).options == [["", False, "The whole place"], *expected]
    assert expected[1][2] == "\u2003Mill – neighbourhood"
