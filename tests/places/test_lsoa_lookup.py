"""LSOAs under their wards from an ONS LSOA to ward lookup (LSOA21CD, LSOA21NM, WD24CD, WD24NM,
LAD24CD, LAD24NM). Codes are invented."""

import io
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


def _lookup(count, *, names=None):
    """A lookup of `count` new LSOAs in the borough's first ward."""
    names = names or [f"Testborough {n:03d}X" for n in range(count)]
    lines = ["LSOA21CD,LSOA21NM,WD24CD,WD24NM,LAD24CD,LAD24NM"] + [
        f"E01098{n:03d},{name},E05099001,Abbey,E09099001,Testborough"
        for n, name in enumerate(names)
    ]
    return io.StringIO("\n".join(lines) + "\n")


@pytest.mark.django_db
def test_new_lsoas_cost_the_same_queries_however_many(borough, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert import_lsoa_lookup(_lookup(3), place=borough).created == 3
    Area.objects.filter(kind="lsoa").delete()
    with django_assert_max_num_queries(len(few)):
        assert import_lsoa_lookup(_lookup(30), place=borough).created == 30
    new = lsoa("E01098007")
    assert new.path == new.parent.path + str(new.pk).zfill(Area.PATH_STEP)
    (record,) = new.history.all()
    assert record.history_change_reason == "Imported from the 2024 LSOA to ward lookup"


@pytest.mark.django_db
def test_a_name_used_twice_or_already_taken_is_refused_and_nothing_changes(borough):
    services.area_create(
        place=borough, kind="lsoa", name="Taken 001A", parent=Area.objects.get(gss_code="E05099002")
    )
    report = import_lsoa_lookup(
        _lookup(3, names=["Twice 001A", "Twice 001A", "Taken 001A"]), place=borough
    )
    assert not report.saved
    assert [e.message for e in report.errors] == [
        'LSOA name "Twice 001A" is already on line 2',
        'there is already a current LSOA named "Taken 001A"',
    ]
    assert not Area.objects.filter(gss_code__startswith="E01098").exists()
