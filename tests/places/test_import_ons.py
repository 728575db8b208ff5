"""Importing wards from an ONS ward to local authority lookup.

The CSV files in data/ are invented: the codes (E05099001, E09099001 and so on) are not real.
"""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from places.importers import RowError, import_ward_lookup
from places.models import Area, Place
from tests.places.factories import AreaFactory, PlaceFactory

DATA = Path(__file__).parent / "data"
HEADER = "WD24CD,WD24NM,LAD24CD,LAD24NM\n"


def run(name, **kwargs):
    with open(DATA / name, "rb") as lookup:
        return import_ward_lookup(lookup, **kwargs)


def run_text(text, **kwargs):
    return import_ward_lookup(io.StringIO(text), **kwargs)


def ward(code):
    return Area.objects.get(gss_code=code)


def counts():
    return Area.objects.count(), Place.objects.count()


# Valid files ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_valid_file_creates_places_and_wards():
    report = run("wards_2024.csv")

    assert report.errors == []
    assert report.saved
    assert report.year == 2024
    assert (report.rows, report.created, report.updated, report.unchanged) == (6, 6, 0, 0)
    assert report.places_created == 3
    testborough = Place.objects.get(gss_code="E09099001")
    assert (testborough.name, testborough.slug, testborough.gss_year) == (
        "Testborough",
        "testborough",
        2024,
    )
    assert Place.objects.get(gss_code="W06099003").name == "Sir Ffug"
    abbey = ward("E05099001")
    assert (abbey.name, abbey.kind, abbey.place, abbey.gss_year) == (
        "Abbey Fields",
        Area.Kind.WARD,
        testborough,
        2024,
    )
    assert abbey.path  # saved through the services, so the tree path is set
    assert abbey.history.count() == 1
    assert ward("W05099201").place.name == "Sir Ffug"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "year"), [("wards_2023.csv", 2023), ("wards_2024.csv", 2024)])
def test_year_comes_from_the_column_names(name, year):
    report = run(name)

    assert report.year == year
    assert ward("E05099001").gss_year == year
    assert Place.objects.get(gss_code="E09099001").gss_year == year


@pytest.mark.django_db
def test_column_names_are_read_whatever_their_case_and_order():
    report = run_text(
        "lad24nm,wd24nm,lad24cd,wd24cd\nTestborough,Abbey Fields,E09099001,E05099001\n"
    )

    assert report.errors == []
    assert ward("E05099001").name == "Abbey Fields"


@pytest.mark.django_db
def test_byte_order_mark_and_windows_line_endings_are_accepted():
    report = run("bom_2024.csv")

    assert report.errors == []
    assert report.created == 2
    assert ward("E05099001").name == "Abbey Fields"


@pytest.mark.django_db
def test_byte_order_mark_in_a_text_file_is_accepted():
    report = run_text("\ufeff" + HEADER + "E05099001,Abbey Fields,E09099001,Testborough\n")

    assert report.errors == []
    assert report.created == 1


# Bad rows ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_bad_rows_are_all_reported_by_line_and_nothing_is_saved():
    before = counts()

    report = run("bad_rows_2024.csv")

    assert [str(error) for error in report.errors] == [
        'Line 3: ward code "X123" is not a GSS ward code (like E05012345)',
        "Line 4: ward name is missing",
        'Line 5: local authority code "X09099001" is not a GSS local authority code '
        "(like E09000033)",
        "Line 6: ward code E05099001 is already on line 2",
    ]
    assert report.rejected == 4
    assert not report.saved
    assert counts() == before


@pytest.mark.django_db
def test_line_numbers_count_physical_lines():
    text = (
        HEADER
        + "\n"  # a blank line
        + 'E05099001,"Abbey\nFields",E09099001,Testborough\n'  # a name over two lines
        + "E05099002,Brook Green,E09,Testborough\n"
    )

    report = run_text(text)

    assert report.errors == [
        RowError(5, 'local authority code "E09" is not a GSS local authority code (like E09000033)')
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "message"),
    [
        (",Abbey Fields,E09099001,Testborough", "ward code is missing"),
        (
            "E01099001,Abbey Fields,E09099001,Testborough",
            'ward code "E01099001" is not a GSS ward code (like E05012345)',
        ),
        (
            "E05099001,Abbey Fields,E02099001,Testborough",
            'local authority code "E02099001" is not a GSS local authority code (like E09000033)',
        ),
        (
            "E05099001," + "x" * 201 + ",E09099001,Testborough",
            "ward name is longer than 200 characters",
        ),
        ("E05099001,Abbey Fields,E09099001,", "local authority name is missing"),
        ("E05099001,Abbey Fields,E09099001", "the row has 3 values but the header has 4 columns"),
    ],
)
def test_row_problems(row, message):
    report = run_text(HEADER + row + "\n")

    assert report.errors == [RowError(2, message)]
    assert counts() == (0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["E05099001", "W05099001", "S13099001", "N08099001"])
def test_ward_codes_from_each_nation_are_accepted(code):
    report = run_text(HEADER + f"{code},Abbey Fields,E09099001,Testborough\n")

    assert report.errors == []


@pytest.mark.django_db
def test_file_must_be_consistent_about_local_authorities_and_ward_names():
    text = HEADER + (
        "E05099001,Abbey Fields,E09099001,Testborough\n"
        "E05099002,Abbey Fields,E09099001,Testborough\n"
        "E05099003,Castle Hill,E09099001,Testborough Borough\n"
        "E05099004,Dale End,E09099002,Testborough\n"
        "E05099005,Abbey Fields,E09099003,Otherborough\n"  # another authority: fine
    )

    report = run_text(text)

    assert [str(error) for error in report.errors] == [
        'Line 3: ward name "Abbey Fields" is already on line 2 for the same local authority',
        'Line 4: local authority E09099001 is called "Testborough" on line 2, '
        'not "Testborough Borough"',
        'Line 5: local authority name "Testborough" is already used for E09099001 on line 2',
    ]


# Whole-file problems ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_missing_column_is_named():
    report = run("missing_column_2024.csv")

    assert [str(error) for error in report.errors] == ["Line 1: the file has no LAD24NM column"]
    assert report.rows == 0


@pytest.mark.django_db
def test_several_missing_columns_are_named():
    report = run_text("WD24CD,LAD24CD\nE05099001,E09099001\n")

    assert [str(e) for e in report.errors] == ["Line 1: the file has no WD24NM or LAD24NM columns"]


@pytest.mark.django_db
def test_columns_for_different_years_are_refused():
    report = run_text("WD24CD,WD24NM,LAD23CD,LAD23NM\nE05099001,Abbey Fields,E09099001,Test\n")

    assert [str(e) for e in report.errors] == [
        "Line 1: the columns are for different years (LAD23CD and LAD23NM for 2023, WD24CD and "
        "WD24NM for 2024). Use a lookup for one year"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        ("\n\n", "The file is empty"),
        (HEADER, "The file has a header but no rows"),
        (
            "FID,Name\n1,Somewhere\n",
            "Line 1: the file has no WDyyCD, WDyyNM, LADyyCD or LADyyNM "
            "columns, so it is not an ONS ward to local authority lookup",
        ),
    ],
)
def test_files_that_are_not_lookups(text, message):
    report = run_text(text)

    assert [str(e) for e in report.errors] == [message]


@pytest.mark.django_db
def test_file_that_is_not_utf8():
    report = import_ward_lookup(
        io.BytesIO(HEADER.encode() + "E05099001,Ynys Môn,E09099001,T\n".encode("latin-1"))
    )

    assert [str(e) for e in report.errors] == [
        "The file is not UTF-8 text. Save it as ‘CSV UTF-8’ and try again"
    ]


# Running again, and later years -----------------------------------------------------------------


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing():
    run("wards_2024.csv")
    before = counts()
    history = Area.history.count()

    report = run("wards_2024.csv")

    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    assert (report.places_created, report.places_updated, report.places_unchanged) == (0, 0, 3)
    assert counts() == before
    assert Area.history.count() == history


@pytest.mark.django_db
def test_later_year_updates_years_and_renamed_wards():
    run("wards_2023.csv")
    castle = ward("E05099003")

    report = run("wards_2024.csv")

    assert (report.created, report.updated, report.unchanged) == (1, 5, 0)
    castle.refresh_from_db()
    assert (castle.name, castle.gss_year) == ("Castle Hill and Moor", 2024)
    assert castle.history.first().name == "Castle Hill and Moor"
    assert ward("E05099001").gss_year == 2024
    assert Place.objects.get(gss_code="E09099001").gss_year == 2024
    assert Area.objects.filter(kind=Area.Kind.WARD).count() == 6


@pytest.mark.django_db
def test_earlier_year_than_the_place_already_has_is_refused():
    run("wards_2024.csv")
    before = counts()

    report = run("wards_2023.csv")

    assert str(report.errors[0]) == (
        "Line 2: Testborough already has GSS codes from 2024, and this file is for 2023. "
        "Use a lookup for 2024 or later"
    )
    assert counts() == before
    assert ward("E05099003").name == "Castle Hill and Moor"


@pytest.mark.django_db
def test_place_name_change_is_taken_from_the_file():
    PlaceFactory(
        name="Old Testborough", slug="old-testborough", gss_code="E09099001", gss_year=2023
    )

    report = run_text(HEADER + "E05099001,Abbey Fields,E09099001,Testborough\n")

    assert report.places_updated == 1
    place = Place.objects.get(gss_code="E09099001")
    assert (place.name, place.slug, place.gss_year) == ("Testborough", "old-testborough", 2024)


@pytest.mark.django_db
def test_place_with_the_same_name_and_no_code_takes_the_code(place):
    report = run_text(HEADER + "E05099001,Abbey Fields,E09099001,Testborough\n")

    assert (report.places_created, report.places_updated) == (0, 1)
    place.refresh_from_db()
    assert (place.gss_code, place.gss_year) == ("E09099001", 2024)
    assert ward("E05099001").place == place


@pytest.mark.django_db
def test_place_with_the_same_name_and_another_code_is_not_merged():
    PlaceFactory(name="Testborough", slug="testborough", gss_code="E09099009", gss_year=2024)

    report = run_text(HEADER + "E05099001,Abbey Fields,E09099001,Testborough\n")

    assert [str(e) for e in report.errors] == [
        'Line 2: local authority name "Testborough" is already used by the place testborough, '
        "which has the GSS code E09099009"
    ]


@pytest.mark.django_db
def test_new_place_gets_a_free_slug():
    PlaceFactory(name="Test Borough", slug="testborough")

    run_text(HEADER + "E05099001,Abbey Fields,E09099001,Testborough\n")

    assert Place.objects.get(gss_code="E09099001").slug == "testborough-2"


# Existing wards ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_ward_added_by_hand_takes_the_code(place):
    place.gss_code = "E09099001"
    place.save()
    abbey = AreaFactory(place=place, name="Abbey Fields")

    report = run_text(HEADER + "E05099001,Abbey Fields,E09099001,Testborough\n")

    assert (report.created, report.updated) == (0, 1)
    abbey.refresh_from_db()
    assert (abbey.gss_code, abbey.gss_year) == ("E05099001", 2024)


@pytest.mark.django_db
def test_recoded_ward_with_the_same_name_succeeds_the_old_code(place):
    """Reported: a later vintage was refused because ONS re-codes wards and keeps their names
    ("ward name … is already used by ward … Rename that ward first")."""
    place.gss_code = "E09099001"
    place.save()
    old = AreaFactory(place=place, name="Abbey Fields", gss_code="E05099901", gss_year=2023)

    report = run_text(
        HEADER + "E05099001,Abbey Fields,E09099001,Testborough\n"
        "E05099002,Brook Green,E09099001,Testborough\n"
    )

    assert report.errors == []
    new = ward("E05099001")
    old.refresh_from_db()
    assert old.is_archived and old.retired_year == 2024
    assert list(old.successors.all()) == [new]
    assert report.links == [("Abbey Fields (E05099901, 2023)", "Abbey Fields (E05099001, 2024)")]


@pytest.mark.django_db
def test_ward_name_used_by_a_current_ward_of_the_same_year_is_rejected(place):
    """A ward the file does not list, but of the file's own year, is not retired: its name
    still blocks a new ward."""
    place.gss_code = "E09099001"
    place.save()
    AreaFactory(place=place, name="Abbey Fields", gss_code="E05099901", gss_year=2024)
    before = counts()

    report = run_text(HEADER + "E05099001,Abbey Fields,E09099001,Testborough\n")

    assert [str(e) for e in report.errors] == [
        'Line 2: ward name "Abbey Fields" is already used by ward E05099901 from 2024 in '
        "Testborough. Rename that ward first"
    ]
    assert counts() == before


@pytest.mark.django_db
def test_ward_names_can_move_between_wards_in_one_file():
    run_text(
        HEADER + "E05099001,North,E09099001,Testborough\n"
        "E05099002,North East,E09099001,Testborough\n"
        "E05099003,East,E09099001,Testborough\n"
        "E05099004,West,E09099001,Testborough\n"
    )

    report = run_text(
        "WD25CD,WD25NM,LAD25CD,LAD25NM\n"
        "E05099001,North West,E09099001,Testborough\n"  # North is renamed...
        "E05099002,North,E09099001,Testborough\n"  # ...so its name is free for another ward
        "E05099003,West,E09099001,Testborough\n"  # East and West swap names
        "E05099004,East,E09099001,Testborough\n"
        "E05099005,North East,E09099001,Testborough\n"  # a new ward takes a freed name
    )

    assert report.errors == []
    assert (report.created, report.updated) == (1, 4)
    names = dict(Area.objects.values_list("gss_code", "name"))
    assert names == {
        "E05099001": "North West",
        "E05099002": "North",
        "E05099003": "West",
        "E05099004": "East",
        "E05099005": "North East",
    }
    assert ward("E05099003").history.first().name == "West"


@pytest.mark.django_db
def test_ward_code_used_in_another_place_is_rejected():
    other = PlaceFactory(name="Otherborough", slug="otherborough")
    AreaFactory(place=other, name="Abbey Fields", gss_code="E05099001", gss_year=2024)

    report = run_text(HEADER + "E05099001,Abbey Fields,E09099001,Testborough\n")

    assert [str(e) for e in report.errors] == [
        'Line 2: ward code E05099001 is already used by the ward "Abbey Fields" in Otherborough'
    ]


# One place --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_place_option_imports_only_that_places_wards():
    testborough = PlaceFactory(
        name="Testborough", slug="testborough", gss_code="E09099001", gss_year=2024
    )

    report = run("wards_2024.csv", place=testborough)

    assert report.errors == []
    assert (report.created, report.skipped) == (3, 3)
    assert Place.objects.count() == 1
    assert set(Area.objects.values_list("place__slug", flat=True)) == {"testborough"}


@pytest.mark.django_db
def test_place_option_does_not_check_other_authorities_rows(place):
    place.gss_code = "E09099001"
    place.save()

    report = run_text(
        HEADER + "E05099001,Abbey Fields,E09099001,Whatever\nBAD,,E07099002,\n", place=place
    )

    assert report.errors == []
    assert (report.created, report.skipped) == (1, 1)


@pytest.mark.django_db
def test_place_without_a_code_takes_the_code_of_a_one_authority_file(place):
    report = run_text(
        HEADER + "E05099001,Abbey Fields,E09099001,Testborough Council\n", place=place
    )

    assert report.errors == []
    place.refresh_from_db()
    assert (place.name, place.gss_code, place.gss_year) == ("Testborough", "E09099001", 2024)


@pytest.mark.django_db
def test_place_without_a_code_and_a_file_for_several_authorities(place):
    report = run("wards_2024.csv", place=place)

    assert [str(e) for e in report.errors] == [
        "Testborough has no GSS code yet, and the file has wards for 3 local authorities. "
        "Give Testborough its local authority code first, or use a file for one local authority"
    ]
    place.refresh_from_db()
    assert place.gss_code == ""
    assert Area.objects.count() == 0


# Dry run ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dry_run_counts_but_saves_nothing(place):
    report = run("wards_2024.csv", dry_run=True)

    assert report.errors == []
    assert (report.created, report.places_created, report.places_updated) == (6, 2, 1)
    assert not report.saved
    assert counts() == (0, 1)
    place.refresh_from_db()
    assert place.gss_code == ""


@pytest.mark.django_db
def test_dry_run_leaves_the_callers_place_alone(place):
    run_text(HEADER + "E05099001,Abbey Fields,E09099001,Testborough\n", place=place, dry_run=True)

    assert place.gss_code == ""
    place.refresh_from_db()
    assert place.gss_code == ""


# The command ------------------------------------------------------------------------------------


def command(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_ons_wards", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue()


@pytest.mark.django_db
def test_command_reports_counts():
    output = command(str(DATA / "wards_2024.csv"))

    assert "Read 6 rows of ward codes from 2024." in output
    assert "Places: 3 created, 0 updated, 0 unchanged." in output
    assert "Wards: 6 created, 0 updated, 0 unchanged." in output
    assert "Import complete." in output

    output = command(str(DATA / "wards_2024.csv"))

    assert "Wards: 0 created, 0 updated, 6 unchanged." in output


@pytest.mark.django_db
def test_command_with_place_and_dry_run():
    PlaceFactory(name="Testborough", slug="testborough", gss_code="E09099001", gss_year=2024)

    output = command(str(DATA / "wards_2024.csv"), "--place", "testborough", "--dry-run")

    assert "Wards: 3 created, 0 updated, 0 unchanged." in output
    assert "Skipped 3 rows: other local authority." in output
    assert "Dry run: nothing was saved." in output
    assert Area.objects.count() == 0


@pytest.mark.django_db
def test_command_fails_on_bad_rows_and_prints_each():
    stdout, stderr = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: 4 of 6 rows were rejected"):
        call_command(
            "import_ons_wards", str(DATA / "bad_rows_2024.csv"), stdout=stdout, stderr=stderr
        )

    lines = stderr.getvalue().splitlines()
    assert lines[0] == 'Line 3: ward code "X123" is not a GSS ward code (like E05012345)'
    assert [line.split(":")[0] for line in lines] == ["Line 3", "Line 4", "Line 5", "Line 6"]
    assert counts() == (0, 0)


@pytest.mark.django_db
def test_command_unknown_place_and_missing_file(tmp_path):
    with pytest.raises(CommandError, match='There is no place with the slug "nowhere"'):
        command(str(DATA / "wards_2024.csv"), "--place", "nowhere")
    with pytest.raises(CommandError, match="Cannot read"):
        command(str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match=r"^Nothing was imported\. Fix the file"):
        command(str(DATA / "missing_column_2024.csv"))


@pytest.mark.django_db
def test_command_exits_with_a_non_zero_status(tmp_path, capsys):
    from django.core.management import ManagementUtility

    utility = ManagementUtility(["manage.py", "import_ons_wards", str(DATA / "bad_rows_2024.csv")])
    with pytest.raises(SystemExit) as exit_info:
        utility.execute()

    assert exit_info.value.code == 1
    assert "Line 3:" in capsys.readouterr().err
