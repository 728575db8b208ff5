"""LSOAs under their wards from an ONS LSOA to ward lookup (LSOA21CD, LSOA21NM, WD24CD, WD24NM,
LAD24CD, LAD24NM). Codes are invented."""

from pathlib import Path

import pytest
from django.core.management import call_command

from places import services
from places.importers import import_ward_lookup
from places.importers.lsoas import import_lsoa_lookup
from places.models import Area, Place

DATA = Path(__file__).parent / "data"


def run(name, place, **kwargs):
    with open(DATA / name, "rb") as lookup:
        return import_lsoa_lookup(lookup, place=place, **kwargs)


@pytest.fixture
def borough(db):
    with open(DATA / "wards_2024.csv", "rb") as lookup:
        import_ward_lookup(lookup)
    return Place.objects.get(gss_code="E09099001")


def lsoa(code):
    return Area.objects.get(gss_code=code)


@pytest.mark.django_db
def test_lsoas_are_created_under_their_wards(borough):
    report = run("lsoa_ward_2024.csv", borough)

    assert report.errors == [] and report.saved
    assert (report.lsoa_year, report.ward_year) == (2021, 2024)
    assert (report.created, report.skipped) == (4, 1)  # the row for Fictonshire Vale
    first = lsoa("E01099001")
    assert (first.kind, first.parent.gss_code, first.gss_year) == ("lsoa", "E05099001", 2021)
    assert first.name == "Testborough 001A"


@pytest.mark.django_db
def test_lsoas_in_a_neighbourhood_stay_there_and_stray_ones_move(borough):
    abbey, brook = Area.objects.get(gss_code="E05099001"), Area.objects.get(gss_code="E05099002")
    meadow = services.area_create(place=borough, kind="neighbourhood", name="Meadow", parent=abbey)
    kept = services.area_create(
        place=borough,
        kind="lsoa",
        name="Testborough 001A",
        parent=meadow,
        gss_code="E01099001",
        gss_year=2021,
    )
    stray = services.area_create(
        place=borough,
        kind="lsoa",
        name="Testborough 002A",
        parent=abbey,
        gss_code="E01099003",
        gss_year=2021,
    )
    elsewhere = services.area_create(
        place=borough, kind="neighbourhood", name="Brookside", parent=brook
    )
    drawn = services.area_create(
        place=borough,
        kind="lsoa",
        name="Testborough 001B",
        parent=elsewhere,
        gss_code="E01099002",
        gss_year=2021,
    )

    report = run("lsoa_ward_2024.csv", borough)

    assert report.errors == []
    assert (report.created, report.moved, report.unchanged) == (1, 1, 2)
    kept.refresh_from_db()
    stray.refresh_from_db()
    drawn.refresh_from_db()
    assert kept.parent == meadow  # already in its ward, in a neighbourhood people drew
    assert stray.parent == brook  # directly under the wrong ward: moved
    assert drawn.parent == elsewhere  # people drew it into Brookside: left, and said
    assert report.notes == [
        "LSOA Testborough 001B (E01099002) stays in the neighbourhood Brookside (in Brook "
        "Green), though the lookup puts it in Abbey Fields"
    ]


@pytest.mark.django_db
def test_bad_rows_are_reported_and_nothing_changes(borough):
    before = Area.objects.count()

    report = run("lsoa_ward_2024_bad.csv", borough)

    assert [str(e) for e in report.errors] == [
        'Line 3: LSOA code "E0109900" is not a GSS LSOA code (like E01012345)',
        "Line 4: ward E05099077 is not a ward of Testborough. Import the ward lookup for 2024 "
        "first",
        "Line 5: LSOA code E01099001 is already on line 2",
        'Line 6: LSOA name "Testborough 00Ã©" looks mis-encoded (it may be "Testborough 00é"). '
        "Export the file again as CSV UTF-8 from the original, not from a copy opened and saved "
        "in another encoding",
    ]
    assert Area.objects.count() == before


@pytest.mark.django_db
def test_a_retired_ward_is_refused(borough):
    with open(DATA / "wards_2025.csv", "rb") as lookup:
        import_ward_lookup(lookup)

    report = run("lsoa_ward_2024.csv", borough)

    assert str(report.errors[0]) == (
        "Line 2: ward Abbey Fields (E05099001) was retired in 2025. Use the LSOA to ward lookup "
        "for the place's current wards"
    )


@pytest.mark.django_db
def test_a_ward_lookup_is_named_as_the_wrong_kind(borough):
    report = run("wards_2024.csv", borough)

    assert [str(e) for e in report.errors] == [
        "This file is a ward to local authority lookup, not an LSOA to ward lookup. Import it "
        "with manage.py import_ons_wards"
    ]


@pytest.mark.django_db
def test_command_dry_run(borough, capsys):
    call_command(
        "import_lsoa_lookup",
        str(DATA / "lsoa_ward_2024.csv"),
        "--place",
        "fictonshire-vale",
        "--dry-run",
    )

    out = capsys.readouterr().out
    assert "LSOAs: 1 created" in out and "Dry run: nothing was saved." in out
    assert not Area.objects.filter(kind="lsoa").exists()
