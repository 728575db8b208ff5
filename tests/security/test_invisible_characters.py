"""Invisible control characters cannot get into names, titles or text (issue 13, Low: a
right-to-left override was kept in proposal titles and organisation names, and so in <title>
and in emails).

Forms drop them; models refuse them, so the admin, importers and the shell cannot store them
either. The family tests look at every text field of every model of the project, and every
form class, rather than at the two fields reported.
"""

import re

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from django.urls import reverse

from consultations.models import Proposal
from people import services as people_services
from people.models import Organisation
from socialvalue import text
from tests.security.served import PROJECT_APPS, project_form_classes

pytestmark = pytest.mark.django_db

RLO = "\u202e"
HOSTILE = [
    "\u202e",  # right-to-left override
    "\u202a",  # left-to-right embedding
    "\u2066",  # left-to-right isolate
    "\u2069",  # pop directional isolate
    "\u200f",  # right-to-left mark
    "\u200e",  # left-to-right mark
    "\u061c",  # Arabic letter mark
    "\u200b",  # zero-width space
    "\ufeff",  # byte-order mark
    "\u2060",  # word joiner
    "\x00",
    "\x1b",  # escape
    "\x7f",
]


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)


# The instances reported ---------------------------------------------------------------------


def test_a_proposal_title_keeps_no_right_to_left_override(world):
    client = Client()
    client.force_login(world.users["vcs_member"])

    response = client.post(
        reverse("consultations:proposal_create"),
        {
            "organisation": world.group.pk,
            "title": f"Bike repair{RLO}gpj.exe",
            "areas": [world.neighbourhood.pk],
            "problem": f"Bikes{RLO} are broken\nin Keep Lane",
            "action": "Save as draft",
        },
    )

    assert response.status_code == 302
    proposal = Proposal.objects.get(title__startswith="Bike repair")
    assert proposal.title == "Bike repairgpj.exe"
    assert proposal.problem == "Bikes are broken\nin Keep Lane"  # line breaks kept
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert RLO not in _title(page) and RLO not in page


def test_an_organisation_name_keeps_no_right_to_left_override(world):
    client = Client()
    client.force_login(world.users["officer"])

    response = client.post(
        reverse("people:organisation_register"),
        {"name": f"Brightway{RLO} Ltd", "kind": "supplier", "size": "sme"},
    )

    assert response.status_code == 302
    assert Organisation.objects.filter(name="Brightway Ltd").exists()


def test_a_lookalike_of_a_registered_name_is_the_same_name(world):
    """ "Acme Ltd" is registered; "Acme\u200b Ltd" looks the same and used to be accepted as
    another organisation."""
    client = Client()
    client.force_login(world.users["officer"])

    response = client.post(
        reverse("people:organisation_register"),
        {"name": "Acme\u200b Ltd", "kind": "supplier", "size": "sme"},
    )

    assert response.status_code == 200
    assert "An organisation with this name is already registered" in response.content.decode()
    assert Organisation.objects.filter(name__startswith="Acme").count() == 1


def test_the_admin_refuses_a_name_with_an_override(world):
    client = Client()
    client.force_login(world.users["superuser"])
    supplier = world.supplier

    response = client.post(
        reverse("admin:people_organisation_change", args=[supplier.pk]),
        {
            "name": f"Acme{RLO} Ltd",
            "slug": supplier.slug,
            "kind": supplier.kind,
            "size": "",
            "identifier": "",
            "website": "",
            "description": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert text.INVISIBLE_MESSAGE in response.content.decode()
    supplier.refresh_from_db()
    assert RLO not in supplier.name


def test_a_service_refuses_a_name_with_an_override_whoever_calls_it(world):
    with pytest.raises(ValidationError) as caught:
        people_services.organisation_register(
            by=world.users["officer"], name=f"Acme{RLO} Ltd", kind="supplier"
        )
    assert caught.value.message_dict["name"] == [text.INVISIBLE_MESSAGE]


# What is dropped, and what is kept ----------------------------------------------------------


@pytest.mark.parametrize("char", HOSTILE)
def test_names_and_text_lose_each_control_character(char):
    assert text.clean_line(f"Keep{char} Lane") == "Keep Lane"
    assert text.clean_text(f"Keep{char} Lane\nand more") == "Keep Lane\nand more"


def test_a_tab_or_line_break_in_a_name_becomes_a_space():
    assert text.clean_line("Keep\tLane\r\nPantry") == "Keep Lane  Pantry"


def test_ordinary_text_is_left_alone():
    for value in ("Café Élan", "Cymraeg: ŵ ŷ", "日本語", "£1,234", "Ali Reza", "👨‍👩‍👧 family"):
        assert text.clean_text(value) == value
    assert text.clean_line("Café Élan £1") == "Café Élan £1"
    # Emoji joiners stay in prose (they draw one picture); in a name they go, with every other
    # invisible format character, so two names that look the same are the same.
    assert text.clean_line("👨\u200d👩") == "👨👩"


# The family: every model text field, every form ---------------------------------------------


def _model_text_fields():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.fields:
            if isinstance(field, models.TextField) or (
                isinstance(field, models.CharField) and not field.choices
            ):
                yield model, field


NAME_OR_TITLE = re.compile(r"(^|_)(name|title)$")


def test_every_name_and_title_of_every_model_refuses_every_control_character():
    checked = []
    for model, field in _model_text_fields():
        if not NAME_OR_TITLE.search(field.name):
            continue
        checked.append(f"{model._meta.label}.{field.name}")
        for char in HOSTILE:
            with pytest.raises(ValidationError, match="invisible control characters"):
                field.run_validators(f"Acme{char} Ltd")
        field.run_validators("Acme Café Ltd")  # and takes an ordinary one
    # The introspection finds the fields reported, and many more.
    assert {"consultations.Proposal.title", "people.Organisation.name"} <= set(checked)
    assert len(checked) > 20


def test_every_other_text_field_of_every_model_refuses_them_too():
    for model, field in _model_text_fields():
        assert text.model_field_validator(field) in field.validators, (
            f"{model._meta.label}.{field.name}"
        )
        with pytest.raises(ValidationError):
            field.run_validators(f"a{RLO}b")


# Forms that keep nothing: filters narrow a list and store no text. The admin's forms save
# models, whose fields refuse the characters (tested above).
NOT_STORING = {
    "dashboards.forms.DashboardFilterForm": "filters the dashboard",
    "objectives.filters.FilterPanelForm": "filters a list",
    "objectives.admin_objectives.ObjectiveAdminForm": "the admin: the model refuses",
}


def test_every_form_that_stores_text_drops_the_characters():
    missing = [
        f"{f.__module__}.{f.__name__}"
        for f in project_form_classes()
        if not issubclass(f, text.FreeTextFormMixin)
        and f"{f.__module__}.{f.__name__}" not in NOT_STORING
    ]
    assert missing == []


def test_the_form_mixin_cleans_every_free_text_field_and_leaves_passwords_alone():
    class Example(text.FreeTextFormMixin, forms.Form):
        name = forms.CharField()
        notes = forms.CharField(widget=forms.Textarea)
        email = forms.EmailField()
        password = forms.CharField(widget=forms.PasswordInput, strip=False)

    form = Example(
        data={
            "name": f"Acme{RLO} Ltd",
            "notes": f"Line one{RLO}\nLine two",
            "email": f"a{RLO}@example.org",
            "password": f"pass{RLO}word",
        },
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "name": "Acme Ltd",
        "notes": "Line one\nLine two",
        "email": "a@example.org",
        "password": f"pass{RLO}word",
    }
    prefixed = Example(data={"p-name": f"x{RLO}y"}, prefix="p")
    prefixed.is_valid()
    assert prefixed.cleaned_data["name"] == "xy"


def test_text_stored_before_the_rule_is_cleaned_keeping_the_record_and_its_history(world):
    from io import StringIO

    from django.core.management import call_command

    Organisation.objects.filter(pk=world.group.pk).update(name=f"Castle{RLO} Hill Pantry")
    Proposal.objects.filter(pk=world.proposal.pk).update(problem=f"Cold{RLO}\nhomes")

    dry = StringIO()
    call_command("strip_invisible_characters", "--dry-run", stdout=dry)
    assert "2 records would change" in dry.getvalue()
    assert Organisation.objects.get(pk=world.group.pk).name == f"Castle{RLO} Hill Pantry"

    call_command("strip_invisible_characters", stdout=StringIO())

    group = Organisation.objects.get(pk=world.group.pk)
    assert group.name == "Castle Hill Pantry"
    assert Proposal.objects.get(pk=world.proposal.pk).problem == "Cold\nhomes"
    latest = group.history.first()
    assert latest.history_change_reason == "Invisible control characters taken out"


def test_an_import_reports_a_control_character_in_what_it_is_given(world):
    """The framework import checks its name and version by the model's rules up front, so a
    control character is a reported error, not a crash (found by the importer fuzzing)."""
    import io

    from objectives.services.framework_import import import_framework_csv

    report = import_framework_csv(
        io.BytesIO(b"theme,outcome\n"),
        place=world.place,
        name="Local outcomes",
        version="\x1b",
        by=world.users["officer"],
    )

    assert any("invisible control characters" in str(error) for error in report.errors)
    assert not report.saved
