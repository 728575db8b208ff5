"""Importing and exporting an outcomes framework as CSV.

The files in data/ are invented (see data/README.md): nothing comes from a published framework.
"""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from objectives.framework_csv import COLUMNS, export_framework_csv
from objectives.models import Framework, Measure, Outcome, Theme
from objectives.services import frameworks as services
from objectives.services.framework_import import import_framework_csv
from tests.objectives.factories import FrameworkFactory, MeasureFactory, OutcomeFactory

DATA = Path(__file__).parent / "data"
HEADER = ",".join(COLUMNS) + "\n"


def run(name, *, place, by, version="2026", **kwargs):
    with open(DATA / name, "rb") as data:
        return import_framework_csv(
            data, place=place, name="Wrenford outcomes", version=version, by=by, **kwargs
        )


def run_text(text, *, place, by, **kwargs):
    kwargs.setdefault("name", "Wrenford outcomes")
    kwargs.setdefault("version", "2026")
    return import_framework_csv(io.BytesIO(text.encode()), place=place, by=by, **kwargs)


def counts():
    return (
        Framework.objects.count(),
        Theme.objects.count(),
        Outcome.objects.count(),
        Measure.objects.count(),
    )


def messages(report):
    return [str(error) for error in report.errors]


def exported(framework):
    return "".join(export_framework_csv(framework))


# A good file ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_good_file_creates_the_framework(place, officer):
    report = run("good.csv", place=place, by=officer, licence="OGL v3.0", source="Invented")

    assert report.errors == []
    assert report.saved
    assert report.framework_created
    assert report.rows == 6  # records; one spans two lines
    assert (report.themes_created, report.outcomes_created, report.measures_created) == (3, 5, 5)
    assert (report.created, report.updated) == (13, 0)
    framework = report.framework
    assert (framework.place, framework.name, framework.version) == (
        place,
        "Wrenford outcomes",
        "2026",
    )
    assert (framework.licence, framework.source, framework.created_by) == (
        "OGL v3.0",
        "Invented",
        officer,
    )
    assert [(t.code, t.name, t.position) for t in framework.themes.order_by("position")] == [
        ("J", "Jobs and skills", 0),
        ("G", "Green borough", 1),
        ("C", "Community", 2),
    ]
    good_work = Outcome.objects.get(name="More local people in good work")
    # Dimensions given on one line (any case) hold for the outcome's other lines.
    assert (good_work.code, good_work.dimensions) == ("J1", ["economic", "social"])
    assert good_work.description == "Residents, especially young people, get and keep good jobs."
    clean_air = Outcome.objects.get(name="Cleaner air")
    assert clean_air.description == "Less pollution near schools.\nEspecially on the school run."
    assert not Outcome.objects.get(name="More trees").measures.exists()
    wr1 = Measure.objects.get(code="WR1")
    assert (wr1.outcome, wr1.unit, wr1.proxy_value, wr1.proxy_source, wr1.proxy_year) == (
        good_work,
        "FTE",
        Decimal("1234.50"),
        "Invented test figure",
        2024,
    )
    assert wr1.guidance == "Count posts held by borough residents"
    assert Measure.objects.get(code="WR2").proxy_value is None
    assert Measure.objects.get(code="WR5").is_retired
    assert not wr1.is_retired
    assert wr1.history.get().history_user == officer


@pytest.mark.django_db
def test_a_dry_run_counts_but_saves_nothing(place, officer):
    report = run("good.csv", place=place, by=officer, dry_run=True)

    assert report.errors == []
    assert not report.saved
    assert report.measures_created == 5
    assert counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing(place, officer):
    run("good.csv", place=place, by=officer)
    before = counts(), Measure.history.count(), Outcome.history.count(), Theme.history.count()

    report = run("good.csv", place=place, by=officer)

    assert report.errors == []
    assert not report.framework_created
    assert (report.created, report.updated) == (0, 0)
    assert report.measures_unchanged == 5
    assert report.kept == []
    after = counts(), Measure.history.count(), Outcome.history.count(), Theme.history.count()
    assert after == before
    assert report.summary() == (
        "0 themes, 0 outcomes and 0 measures created; 0 themes, 0 outcomes and 0 measures updated"
    )


@pytest.mark.django_db
def test_importing_into_an_existing_version_updates_it(place, officer):
    run("good.csv", place=place, by=officer)
    wr1_before = Measure.objects.get(code="WR1")

    report = run("good_updated.csv", place=place, by=officer)

    assert report.errors == []
    assert (report.themes_created, report.outcomes_created, report.measures_created) == (1, 1, 2)
    assert (report.themes_updated, report.outcomes_updated, report.measures_updated) == (0, 1, 1)
    assert report.kept == ["WR2"]
    assert report.summary().endswith("1 measure not in this file, kept")
    wr1 = Measure.objects.get(code="WR1")
    assert wr1.pk == wr1_before.pk
    assert (wr1.proxy_value, wr1.proxy_year) == (Decimal("1300.00"), 2026)
    # The old proxy value stays in the measure's history.
    assert [h.proxy_value for h in wr1.history.order_by("history_date")] == [
        Decimal("1234.50"),
        Decimal("1300.00"),
    ]
    # A measure missing from the file is kept, unchanged.
    wr2 = Measure.objects.get(code="WR2")
    assert not wr2.is_retired
    assert Measure.objects.get(code="WR6").outcome.name == "More trees"
    assert Theme.objects.get(name="Health").position == 3
    assert Outcome.objects.get(name="More local people in good work").description.endswith(
        "progress in them."
    )
    assert Framework.objects.count() == 1


@pytest.mark.django_db
def test_the_retired_column_retires_and_reinstates(place, officer):
    run("good.csv", place=place, by=officer)
    text = exported(Framework.objects.get())
    assert "WR5,Volunteering hours,hours,,,,,yes" in text
    swapped = text.replace(
        "WR5,Volunteering hours,hours,,,,,yes", "WR5,Volunteering hours,hours,,,,,"
    )
    swapped = swapped.replace(
        "WR4,Carbon saved,tonnes CO2e,,,,,", "WR4,Carbon saved,tonnes CO2e,,,,,YES"
    )

    report = run_text(swapped, place=place, by=officer)

    assert report.errors == []
    assert report.measures_updated == 2
    assert not Measure.objects.get(code="WR5").is_retired
    assert Measure.objects.get(code="WR4").is_retired


@pytest.mark.django_db
def test_a_file_without_the_optional_columns_leaves_those_fields_alone(place, officer):
    run("good.csv", place=place, by=officer)
    text = (
        "theme,outcome,dimensions,measure_code,measure,unit\n"
        "Jobs and skills,More local people in good work,economic;social,WR1,"
        "Local people employed on the contract,FTE\n"
    )

    report = run_text(text, place=place, by=officer)

    assert report.errors == []
    assert (report.created, report.updated) == (0, 0)
    wr1 = Measure.objects.get(code="WR1")
    assert (wr1.proxy_value, wr1.guidance) == (
        Decimal("1234.50"),
        "Count posts held by borough residents",
    )
    assert Theme.objects.get(name="Jobs and skills").code == "J"


# Bad files --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_bad_file_reports_every_problem_by_line_and_saves_nothing(place, officer):
    report = run("bad.csv", place=place, by=officer)

    assert not report.saved
    assert counts() == (0, 0, 0, 0)
    assert messages(report) == [
        'Line 3: outcome "Jobs outcome" has dimensions social here but economic on line 2. '
        "Give it the same value on every line, or leave the cell empty",
        "Line 4: outcome is missing",
        "Line 5: theme is missing",
        'Line 6: dimension "cultural" is not economic, social or environmental',
        'Line 7: proxy_value "abc" is not a number',
        "Line 8: proxy_value needs a proxy_source: say where the figure comes from",
        "Line 8: proxy_value needs a proxy_year: the year the figure is for",
        "Line 9: proxy_year 1890 is not between 1990 and 2100",
        "Line 10: measure code B1 is already on line 2",
        "Line 11: measure_code is longer than 40 characters",
        'Line 12: proxy_value "-5" cannot be negative',
        "Line 13: measure is missing",
        'Line 14: retired "maybe" must be yes or empty',
        'Line 15: proxy_year "20x5" is not a year, like 2025',
        'Line 16: outcome "Outcome without dimensions" has no dimensions: give one or more of '
        "economic, social or environmental, separated by ;",
        "Line 17: the row has 8 values but the header has 14 columns",
    ]
    assert report.rejected == 15


@pytest.mark.django_db
def test_a_bad_file_for_an_existing_framework_changes_nothing(place, officer):
    run("good.csv", place=place, by=officer)
    before = counts(), Measure.history.count()

    report = run("bad.csv", place=place, by=officer)

    assert report.errors
    assert (counts(), Measure.history.count()) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "The file is empty"),
        ("\n\n", "The file is empty"),
        (HEADER, "The file has a header but no rows"),
        (
            "theme,outcome,measure\nA,B,C\n",
            "Line 1: the file has no dimensions, measure_code or unit columns",
        ),
        (
            HEADER.replace("\n", ",colour\n") + "A,B,,C,social,,M1,N,u,,,,,,red\n",
            "Line 1: the file has column this service does not know (colour). Use only these: "
            + ", ".join(COLUMNS),
        ),
        (
            HEADER.replace("\n", ",unit\n"),
            "Line 1: the file has more than one unit column",
        ),
        (
            HEADER + "A," + "T" * 301 + ",,O,social,,,,,,,,,\n",
            "Line 2: theme is longer than 300 characters",
        ),
        (
            HEADER + "A,T,,O,social,,M1,Measure,people,,1.005,Src,2024,\n",
            'Line 2: proxy_value "1.005" has more than 2 decimal places',
        ),
        (
            HEADER + 'A,T,,O,social,,M1,Measure,people,,"1,00",Src,2024,\n',
            'Line 2: proxy_value "1,00" is not a number',
        ),
        (
            HEADER + "A,T,,O,social,,M1,Measure,people,,1000000000000,Src,2024,\n",
            'Line 2: proxy_value "1000000000000" is too large',
        ),
        (
            HEADER + "A,T,,O,social,,M1,Measure,people,,5,Src,2101,\n",
            "Line 2: proxy_year 2101 is not between 1990 and 2100",
        ),
        (
            HEADER + "A,T,,O,social,,M1,,,,,,,\n",
            "Line 2: measure is missing",
        ),
        (
            HEADER + "A,T,,O,social,,M1,M,u,,,,,\nB,T,,O,social,,M2,M,u,,,,,\n"
            "B,T,,O,social,,M3,M,u,,,,,\n",
            'Line 3: T has theme_code "B" here but "A" on line 2. Give it the same value on '
            "every line, or leave the cell empty",
        ),
    ],
)
@pytest.mark.django_db
def test_a_file_that_cannot_be_imported_is_refused(place, officer, text, expected):
    report = run_text(text, place=place, by=officer)

    assert expected in messages(report)
    assert counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_is_refused(place, officer):
    text = HEADER + "A,Théme,,O,social,,M1,Measure,people,,,,,\n"

    report = import_framework_csv(
        io.BytesIO(text.encode("latin-1")), place=place, name="F", version="1", by=officer
    )

    assert messages(report) == ["The file is not UTF-8 text. Save it as ‘CSV UTF-8’ and try again"]
    assert counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_a_byte_order_mark_and_proxy_formats_are_accepted(place, officer):
    text = (
        "\ufeff" + HEADER + 'A,T,,O,Social ; ECONOMIC,,M1,M,u,,"£12,345.6",Src,2024,\n'
        "A,T,,O,,,M2,M,u,,-£0,Src,2024,\n"
    )

    report = run_text(text, place=place, by=officer)

    assert report.errors == []
    assert Measure.objects.get(code="M1").proxy_value == Decimal("12345.60")
    assert Measure.objects.get(code="M2").proxy_value == Decimal("0")
    assert Outcome.objects.get().dimensions == ["economic", "social"]


@pytest.mark.django_db
def test_the_framework_name_and_version_are_checked(place, officer):
    report = run_text(HEADER, place=place, by=officer, name=" ", version="v" * 41)

    assert messages(report)[:2] == [
        "The framework's name is missing",
        "The framework's version is longer than 40 characters",
    ]


@pytest.mark.django_db
def test_moving_a_measure_between_outcomes_is_refused(place, officer):
    run("good.csv", place=place, by=officer)
    before = counts()
    text = HEADER + "J,Jobs and skills,J2,Skills for the future,economic,,WR1,Moved,FTE,,,,,\n"

    report = run_text(text, place=place, by=officer)

    assert messages(report) == [
        'Line 2: measure code WR1 is under the outcome "More local people in good work" (Jobs '
        'and skills) in this framework, not "Skills for the future" (Jobs and skills): moving a '
        "measure between outcomes would rewrite history. Give it a new code, and retire the old "
        "measure if it is no longer used"
    ]
    assert counts() == before
    assert Measure.objects.get(code="WR1").name == "Local people employed on the contract"


@pytest.mark.django_db
def test_importing_into_a_retired_framework_is_refused(place, officer):
    report = run("good.csv", place=place, by=officer)
    services.framework_retire(framework=report.framework, by=officer)
    before = counts()

    report = run("good_updated.csv", place=place, by=officer)

    assert messages(report) == [
        "Wrenford outcomes version 2026 has been retired, so it cannot be changed. Create a new "
        "version of the framework instead"
    ]
    assert counts() == before


# Export -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_then_import_into_a_new_framework_gives_the_same_content(place, officer):
    original = run("good.csv", place=place, by=officer).framework
    text = exported(original)

    copy = run_text(text, place=place, by=officer, version="2027")

    assert copy.errors == []
    assert copy.framework != original
    assert exported(copy.framework) == text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(COLUMNS)
    assert rows[1] == [
        "J",
        "Jobs and skills",
        "J1",
        "More local people in good work",
        "economic;social",
        "Residents, especially young people, get and keep good jobs.",
        "WR1",
        "Local people employed on the contract",
        "FTE",
        "Count posts held by borough residents",
        "1234.50",
        "Invented test figure",
        "2024",
        "",
    ]
    assert rows[5][3] == "More trees"
    assert rows[5][6:] == [""] * 8
    assert rows[6][-1] == "yes"


@pytest.mark.django_db
def test_export_neutralises_spreadsheet_formulas(place, officer):
    framework = FrameworkFactory(place=place)
    outcome = OutcomeFactory(theme__framework=framework, name="+Outcome", description="@risk")
    MeasureFactory(
        outcome=outcome,
        code="M1",
        name='=HYPERLINK("http://example.com","Click")',
        unit="-people",
        guidance="\tTabbed",
    )

    rows = list(csv.reader(io.StringIO(exported(framework))))

    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["outcome"] == "'+Outcome"
    assert row["outcome_description"] == "'@risk"
    assert row["measure"] == """'=HYPERLINK("http://example.com","Click")"""
    assert row["unit"] == "'-people"
    assert row["guidance"] == "'\tTabbed"

    # Importing the export gives back the original text.
    report = run_text(exported(framework), place=place, by=officer, name="Copy")
    assert report.errors == []
    copied = report.framework.measures.get()
    assert copied.name == '=HYPERLINK("http://example.com","Click")'
    assert (copied.unit, copied.guidance) == ("-people", "\tTabbed")
