"""A place moving through ONS vintages: re-coded and split wards, retired codes, records
carried to successors, ward to ward change lookups, Welsh names, wrong kinds of file and
mis-encoded names. The codes are invented (E05099…, E09099…)."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from objectives.models import Objective
from places.carry import registered_labels
from places.importers import import_ward_lookup
from places.models import Area, Place
from places.services import area_create
from tests.consultations.factories import ConsultationFactory, ProposalFactory
from tests.contracts.factories import CommitmentFactory
from tests.objectives.factories import ObjectiveFactory
from tests.people.factories import OrganisationFactory

DATA = Path(__file__).parent / "data"


def run(name, **kwargs):
    with open(DATA / name, "rb") as lookup:
        return import_ward_lookup(lookup, **kwargs)


def ward(code):
    return Area.objects.get(gss_code=code)


def snapshot():
    """Everything an import could change, to show that a refused file changed nothing."""
    return (
        sorted(
            Area.objects.values_list(
                "pk", "name", "gss_code", "gss_year", "archived_at", "parent_id"
            )
        ),
        sorted(Area.successors.through.objects.values_list("from_area_id", "to_area_id")),
        sorted(Objective.areas.through.objects.values_list("objective_id", "area_id")),
        Place.objects.count(),
    )


@pytest.fixture
def borough(db):
    """Testborough on its 2024 wards, with records drawn on them."""
    assert run("wards_2024.csv").saved
    place = Place.objects.get(gss_code="E09099001")
    abbey, brook = ward("E05099001"), ward("E05099002")
    meadow = area_create(
        place=place, kind=Area.Kind.NEIGHBOURHOOD, name="Abbey Meadow", parent=abbey
    )
    lsoa = area_create(
        place=place,
        kind=Area.Kind.LSOA,
        name="Testborough 001A",
        parent=meadow,
        gss_code="E01099001",
        gss_year=2021,
    )
    brookside = area_create(
        place=place, kind=Area.Kind.NEIGHBOURHOOD, name="Brookside", parent=brook
    )
    north = area_create(
        place=place, kind=Area.Kind.GROUPING, name="North Partnership", wards=[abbey, brook]
    )
    objective = ObjectiveFactory(
        outcome__framework__place=place,
        place=place,
        status=Objective.Status.ACTIVE,
        areas=[abbey, brook],
    )
    achieved = ObjectiveFactory(
        outcome__framework__place=place,
        place=place,
        status=Objective.Status.ACHIEVED,
        areas=[abbey],
    )
    proposal = ProposalFactory(place=place, status="submitted", areas=[brook])
    consultation = ConsultationFactory(owner__place=place, areas=[abbey])
    on_abbey = CommitmentFactory(contract__place=place, area=abbey)
    on_brook = CommitmentFactory(contract__place=place, area=brook)
    group = OrganisationFactory(kind="vcs", place=None)
    group.areas.set([brook])
    return {k: v for k, v in locals().items() if k != "place"} | {"place": place}


# A new vintage ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_new_vintage_adds_codes_retires_old_ones_and_links_same_names(borough):
    report = run("wards_2025.csv")

    assert report.errors == [] and report.saved
    assert report.year == 2025
    old_abbey, old_brook = ward("E05099001"), ward("E05099002")
    new_abbey = ward("E05099011")
    # Retired, never deleted, and each knows the year it went.
    assert (old_abbey.is_archived, old_abbey.retired_year) == (True, 2025)
    assert (old_brook.is_archived, old_brook.retired_year) == (True, 2025)
    assert list(old_abbey.successors.all()) == [new_abbey]
    assert list(old_brook.successors.all()) == []  # split under new names: no same-name match
    assert ward("E05099003").gss_year == 2025 and not ward("E05099003").is_archived
    assert sorted(report.retired) == [
        "Abbey Fields (E05099001, 2024)",
        "Brook Green (E05099002, 2024)",
    ]
    assert ward("E05099014").name == "St Mary's"
    current = Area.objects.filter(place=borough["place"], kind="ward").current()
    assert sorted(current.values_list("name", flat=True)) == [
        "Abbey Fields",
        "Brook Green North",
        "Brook Green South",
        "Castle Hill and Moor",
        "St Mary's",
    ]


@pytest.mark.django_db
def test_records_on_a_retired_ward_are_carried_to_its_successor(borough):
    report = run("wards_2025.csv")

    new_abbey = ward("E05099011")
    old_brook = ward("E05099002")
    b = borough
    for record in (
        "meadow",
        "lsoa",
        "north",
        "objective",
        "achieved",
        "proposal",
        "consultation",
        "on_abbey",
        "on_brook",
        "group",
    ):
        b[record].refresh_from_db()
    assert b["meadow"].parent == new_abbey
    assert b["lsoa"].path.startswith(new_abbey.path)  # the LSOA moved with its neighbourhood
    assert set(b["north"].wards.all()) == {new_abbey, old_brook}
    assert set(b["objective"].areas.all()) == {new_abbey, old_brook}
    assert set(b["achieved"].areas.all()) == {ward("E05099001")}  # finished: left as it was
    assert set(b["consultation"].areas.all()) == {new_abbey}
    assert b["on_abbey"].area == new_abbey
    assert b["on_brook"].area == old_brook
    carried = {(n.record, n.carried) for n in report.carried}
    assert ("Neighbourhood Abbey Meadow", True) in carried
    assert (f"Objective “{b['achieved'].title}”", False) in carried
    not_carried = {n.record: n.detail for n in report.not_carried}
    # Everything on Brook Green, which has no successor yet, is reported, with what to do.
    assert not_carried["Neighbourhood Brookside"].startswith("no successor is known")
    assert f"Proposal “{b['proposal'].title}”" in not_carried
    assert f"{b['group'].name}'s working areas" in not_carried
    assert any(r.startswith("Commitment of 12 to") for r in not_carried)


@pytest.mark.django_db
def test_change_lookup_links_a_split_ward_and_carries_what_it_can(borough):
    run("wards_2025.csv")

    report = run("ward_changes_2024_2025.csv")

    assert report.errors == [] and report.saved
    north, south = ward("E05099012"), ward("E05099013")
    assert set(ward("E05099002").successors.all()) == {north, south}
    assert report.skipped == 1  # another council's ward
    b = borough
    for record in ("north", "objective", "proposal", "on_brook", "brookside", "group"):
        b[record].refresh_from_db()
    new_abbey = ward("E05099011")
    assert set(b["north"].wards.all()) == {new_abbey, north, south}
    assert set(b["objective"].areas.all()) == {new_abbey, north, south}
    assert set(b["proposal"].areas.all()) == {north, south}
    assert set(b["group"].areas.all()) == {north, south}
    # One area only: a commitment and a neighbourhood on a split ward need a person to choose.
    assert b["on_brook"].area == ward("E05099002")
    assert b["brookside"].parent == ward("E05099002")
    not_carried = {n.record: n.detail for n in report.not_carried}
    assert not_carried["Neighbourhood Brookside"].startswith(
        "the area was split into Brook Green North (E05099012, 2025) and Brook Green South"
    )

    again = run("ward_changes_2024_2025.csv")
    assert again.errors == [] and again.links == []
    # Nothing more moves; what still waits for a person is reported again.
    assert {n.record for n in again.carried} == {n.record for n in report.not_carried}
    assert not any(n.carried for n in again.carried)


@pytest.mark.django_db
def test_change_lookup_for_codes_not_imported_yet_is_refused(borough):
    before = snapshot()

    report = run("ward_changes_2024_2025.csv")

    assert [str(e) for e in report.errors][:1] == [
        "Line 2: ward code E05099011 (2025) is not a ward in Testborough yet. Import the ward "
        "lookup for 2025 first"
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_dry_run_reports_the_carrying_and_changes_nothing(borough):
    before = snapshot()

    report = run("wards_2025.csv", dry_run=True)

    assert report.errors == [] and not report.saved
    assert report.links and report.carried and report.retired
    assert snapshot() == before


@pytest.mark.django_db
def test_importing_the_new_vintage_twice_changes_nothing_more(borough):
    run("wards_2025.csv")
    before = snapshot()

    report = run("wards_2025.csv")

    assert (report.created, report.updated, report.retired, report.carried) == (0, 0, [], [])
    assert snapshot() == before


@pytest.mark.django_db
def test_earlier_vintage_after_a_later_one_is_refused(borough):
    run("wards_2025.csv")

    report = run("wards_2024.csv")

    assert "Testborough already has GSS codes from 2025" in str(report.errors[0])


@pytest.mark.django_db
def test_command_prints_what_was_retired_linked_and_not_carried(borough, capsys):
    call_command("import_ons_wards", str(DATA / "wards_2025.csv"), "--dry-run")

    out = capsys.readouterr().out
    assert "Retired 2 ward codes (kept, archived)" in out
    assert "Abbey Fields (E05099001, 2024) → Abbey Fields (E05099011, 2025)" in out
    assert "Could not carry" in out and "Neighbourhood Brookside" in out
    assert "Dry run: nothing was saved." in out


# Welsh names -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_welsh_names_are_stored_and_updated(db):
    run("wards_2024.csv")
    assert ward("W05099201").name_welsh == "Glan yr Afon"

    run("wards_2025.csv")

    assert ward("W05099201").name_welsh == "Glan-yr-Afon"
    assert ward("W05099202").name_welsh == "Stryd y Bont"


# Files that must change nothing ------------------------------------------------------------------


@pytest.mark.django_db
def test_mis_encoded_names_are_reported_per_row_and_nothing_is_saved(db):
    report = run("mojibake_2024.csv")

    assert [str(e) for e in report.errors] == [
        'Line 3: ward name "Ynys MÃ´n" looks mis-encoded (it may be "Ynys Môn"). Export the file '
        "again as CSV UTF-8 from the original, not from a copy opened and saved in another "
        "encoding",
        'Line 4: Welsh ward name "BrÃ¢n" looks mis-encoded (it may be "Brân"). Export the file '
        "again as CSV UTF-8 from the original, not from a copy opened and saved in another "
        "encoding",
    ]
    assert not Area.objects.exists() and not Place.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        (
            "lsoa_ward_2024.csv",
            "This file is an LSOA to ward lookup (it has LSOA21CD and WD24CD columns), not a "
            "ward to local authority lookup. Import it with manage.py import_lsoa_lookup",
        ),
        (
            "lad_list_2024.csv",
            "This file is a list of local authorities without wards (it has LAD24CD column), "
            "not a ward to local authority lookup, so nothing in it can be imported here",
        ),
        (
            "msoa_lookup_2021.csv",
            "This file is an MSOA lookup (it has MSOA21CD column), not a ward to local "
            "authority lookup, so nothing in it can be imported here",
        ),
    ],
)
def test_a_file_of_another_kind_is_named_in_one_sentence(borough, name, sentence):
    before = snapshot()

    report = run(name)

    assert [str(e) for e in report.errors] == [sentence]
    assert snapshot() == before


# The family: every reference to an area is carried, or deliberately left -------------------------

# Relations to Area that a boundary review does not carry, and why.
LEFT_ON_PURPOSE = {
    ("consultations", "Response", "area"): "a response records where its respondent was",
    ("places", "Boundary", "area"): "a boundary belongs to its own area and vintage",
    ("places", "LsoaFigure", "area"): "a figure belongs to its own LSOA",
    ("places", "Area", "successors"): "the link itself",
    ("places", "Area", "predecessors"): "the link itself",
}
# Relations carried, by the label of the handler that carries them (places' own: "places").
CARRIED = {
    ("places", "Area", "parent"): "places",
    ("places", "Area", "wards"): "places",
    ("objectives", "Objective", "areas"): "objectives",
    ("consultations", "Proposal", "areas"): "proposals",
    ("consultations", "Consultation", "areas"): "consultations",
    ("contracts", "Contract", "areas"): "contracts",
    ("contracts", "Commitment", "area"): "commitments",
    ("people", "Organisation", "areas"): "organisations",
    ("needs", "Need", "areas"): "needs",
}


def test_every_reference_to_an_area_is_carried_or_left_on_purpose():
    """A new model pointing at areas must say what happens to it at a boundary review."""
    found = set()
    for model in apps.get_models():
        if model.__name__.startswith("Historical") or model._meta.auto_created:
            continue
        for model_field in model._meta.get_fields():
            if (
                model_field.is_relation
                and not model_field.auto_created
                and model_field.related_model is Area
            ):
                found.add((model._meta.app_label, model.__name__, model_field.name))
    expected = set(CARRIED) | {key for key in LEFT_ON_PURPOSE if key[2] != "predecessors"}
    assert found == expected
    assert set(CARRIED.values()) - {"places"} <= set(registered_labels())


@pytest.mark.django_db
def test_every_ward_written_in_bulk_has_its_history(borough):
    run("wards_2025.csv")

    old_abbey, new_abbey = ward("E05099001"), ward("E05099011")
    reasons = list(old_abbey.history.values_list("history_change_reason", flat=True))
    assert reasons[:2] == [
        "Replaced by Abbey Fields (E05099011)",
        "Code retired: not in the 2025 lookup",
    ]
    created = new_abbey.history.get()
    assert (created.history_type, created.gss_year, created.path) == ("+", 2025, new_abbey.path)
    castle = ward("E05099003").history.first()
    assert (castle.history_type, castle.gss_year) == ("~", 2025)
    assert castle.history_change_reason == "Imported from the 2025 ward lookup"
