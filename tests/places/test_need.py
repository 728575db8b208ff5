"""Need: the indices of deprivation and population estimates, imported with their source,
and added up the area tree by the selectors. Fixture headers follow the published files
(MHCLG's Indices of Deprivation files 1 and 7, the Welsh Government's WIMD deciles table, ONS
LSOA population estimates); codes and figures are invented."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from places import services
from places.importers.need import import_need
from places.models import LsoaFigure, NeedSource, Place
from places.selectors import need_by_area, need_for_area, need_sources

DATA = Path(__file__).parent / "data"
PUBLISHED = datetime.date(2019, 9, 26)


def run(name, place, **kwargs):
    kwargs.setdefault("published_on", PUBLISHED)
    with open(DATA / name, "rb") as csv_file:
        return import_need(csv_file, place=place, **kwargs)


@pytest.fixture
def borough(lsoa_borough):
    return lsoa_borough


# Importing -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_english_indices_file_7_imports_ranks_and_deciles_with_their_source(borough):
    report = run("imd_2019_file7.csv", borough["place"], year=2019)

    assert report.errors == [] and report.saved
    assert (report.kind, report.year, report.lsoa_year) == ("imd_england", 2019, 2011)
    assert (report.created, report.skipped) == (4, 1)  # the other council's row
    source = report.source
    assert source.citation == (
        "English Indices of Deprivation 2019, Ministry of Housing, Communities and Local "
        "Government, published 26 September 2019 (Open Government Licence v3.0)"
    )
    figure = LsoaFigure.objects.get(source=source, area=borough["lsoas"][0])
    assert (figure.rank, figure.decile, figure.population) == (1210, 1, None)


@pytest.mark.django_db
def test_english_indices_file_1_and_a_second_edition_are_kept_apart(borough):
    run("imd_2019_file7.csv", borough["place"], year=2019)

    report = run(
        "imd_2025_file1.csv", borough["place"], year=2025, published_on=datetime.date(2025, 10, 30)
    )

    assert report.errors == [] and report.lsoa_year == 2021
    assert NeedSource.objects.filter(place=borough["place"]).count() == 2
    assert need_sources(borough["place"]).deprivation.year == 2025


@pytest.mark.django_db
def test_welsh_index_names_its_own_year(db):
    place = Place.objects.create(name="Sir Ffug", slug="sir-ffug", gss_code="W06099003")
    ward = services.area_create(
        place=place, kind="ward", name="Glan yr Afon", gss_code="W05099201", gss_year=2024
    )
    for n in (1, 2):
        services.area_create(
            place=place,
            kind="lsoa",
            name=f"Glan yr Afon {n}",
            parent=ward,
            gss_code=f"W0109900{n}",
            gss_year=2011,
        )

    report = run("wimd_2019.csv", place, published_on=datetime.date(2019, 11, 27))

    assert report.errors == []
    assert (report.kind, report.year, report.created, report.skipped) == ("wimd", 2019, 2, 1)
    assert report.source.title == "Welsh Index of Multiple Deprivation 2019"
    assert report.source.publisher == "Welsh Government"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "lsoa_year"), [("population_mid2022.csv", 2021), ("population_mid2020.csv", 2021)]
)
def test_population_estimates_in_both_published_layouts(borough, name, lsoa_year):
    report = run(name, borough["place"], year=2022)

    assert report.errors == []
    assert report.kind == "population" and report.lsoa_year == lsoa_year
    figure = LsoaFigure.objects.get(source=report.source, area=borough["lsoas"][0])
    assert figure.population in (1800, 1750)


@pytest.mark.django_db
def test_bad_rows_are_reported_by_line_and_nothing_is_saved(borough):
    report = run("imd_bad_rows.csv", borough["place"], year=2025)

    assert [str(e) for e in report.errors] == [
        'Line 2: decile "11" is not a whole number from 1 to 10',
        'Line 3: rank "n/a" is not a whole number from 1 up',
        'Line 4: LSOA code "X0109903" is not a GSS LSOA code (like E01012345)',
        "Line 5: LSOA code E01099001 is already on line 2",
    ]
    assert not NeedSource.objects.exists() and not LsoaFigure.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        (
            "wards_2024.csv",
            "This file is a ward to local authority lookup, not an index of deprivation or "
            "population estimates. Import it with manage.py import_ons_wards",
        ),
        (
            "lsoa_ward_2024.csv",
            "This file is an LSOA to ward lookup (it has LSOA21CD and WD24CD columns), not an "
            "index of deprivation or population estimates. Import it with manage.py "
            "import_lsoa_lookup",
        ),
    ],
)
def test_a_file_of_another_kind_is_named(borough, name, sentence):
    report = run(name, borough["place"], year=2025)

    assert [str(e) for e in report.errors] == [sentence]
    assert not NeedSource.objects.exists()


@pytest.mark.django_db
def test_english_index_needs_its_edition_year(borough):
    report = run("imd_2025_file1.csv", borough["place"])

    assert [str(e) for e in report.errors] == ["Enter the edition year of the figures, like 2022"]


@pytest.mark.django_db
def test_an_implausible_publication_date_is_refused_and_saves_nothing(borough):
    """The one date rule (`socialvalue.dates`) holds for a date typed on the command line."""
    report = run(
        "imd_2019_file7.csv", borough["place"], year=2019, published_on=datetime.date(1999, 9, 26)
    )

    assert [str(e) for e in report.errors] == [
        "The publication date must be on or after 1 January 2000"
    ]
    assert not NeedSource.objects.exists() and not LsoaFigure.objects.exists()


@pytest.mark.django_db
def test_a_file_with_none_of_the_places_lsoas_is_refused(db):
    place = Place.objects.create(name="Otherborough", slug="otherborough")

    report = run("imd_2025_file1.csv", place, year=2025)

    assert [str(e) for e in report.errors] == [
        "None of the 4 LSOAs in the file is an LSOA of Otherborough. Import its LSOA to ward "
        "lookup first, or check that the file covers it"
    ]


@pytest.mark.django_db
def test_dry_run_and_reimport(borough):
    dry = run("imd_2025_file1.csv", borough["place"], year=2025, dry_run=True)
    assert dry.created == 4 and not NeedSource.objects.exists()

    run("imd_2025_file1.csv", borough["place"], year=2025)
    again = run("imd_2025_file1.csv", borough["place"], year=2025)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


@pytest.mark.django_db
def test_command(borough, capsys):
    call_command(
        "import_need",
        str(DATA / "imd_2025_file1.csv"),
        "--place",
        "testborough",
        "--year",
        "2025",
        "--published",
        "2025-10-30",
    )

    out = capsys.readouterr().out
    assert (
        "English Indices of Deprivation 2025, Ministry of Housing, Communities and Local "
        "Government, published 30 October 2025" in out
    )
    assert "4 created" in out


# Selectors ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_deciles_are_weighted_by_population_up_the_tree(borough):
    run("imd_2025_file1.csv", borough["place"], year=2025)  # deciles 1, 3, 7, 10
    run("population_mid2022.csv", borough["place"], year=2022)  # 1,800 1,200 1,500 1,500

    needs = need_by_area(borough["place"])

    meadow = needs[borough["meadow"].pk]  # deciles 1 and 3, 1,800 and 1,200 people
    assert meadow.population == 3000
    assert meadow.decile == Decimal("1.8")  # (1×1800 + 3×1200) / 3000
    assert meadow.weighted and meadow.most_deprived_share == Decimal("0.600")
    assert needs[borough["abbey"].pk] == meadow  # the ward has just the meadow's LSOAs
    grouping = needs[borough["grouping"].pk]  # all four LSOAs, through its wards
    assert grouping.population == 6000 and grouping.lsoas == 4
    assert grouping.decile == Decimal("5.2")  # (1800 + 3600 + 10500 + 15000) / 6000 = 5.15
    lsoa = needs[borough["lsoas"][3].pk]
    assert (lsoa.decile, lsoa.band, lsoa.population) == (Decimal("10.0"), 10, 1500)
    assert grouping.sources.population.year == 2022


@pytest.mark.django_db
def test_without_every_population_the_mean_is_unweighted_and_says_so(borough):
    run("imd_2025_file1.csv", borough["place"], year=2025)
    run("population_mid2020.csv", borough["place"], year=2020)  # only two LSOAs

    brook = need_for_area(borough["brook"])

    assert brook.population is None
    assert not brook.weighted and brook.most_deprived_share is None
    assert brook.decile == Decimal("8.5")  # (7 + 10) / 2


@pytest.mark.django_db
def test_selector_queries_do_not_grow_with_the_place(borough, django_assert_num_queries):
    run("imd_2025_file1.csv", borough["place"], year=2025)
    run("population_mid2022.csv", borough["place"], year=2022)
    place = borough["place"]
    with django_assert_num_queries(4):
        small = need_by_area(place)
    ward = services.area_create(
        place=place, kind="ward", name="Castle", gss_code="E05099003", gss_year=2024
    )
    for n in range(5, 25):
        services.area_create(
            place=place,
            kind="lsoa",
            name=f"Castle {n}",
            parent=ward,
            gss_code=f"E010990{n:02d}",
            gss_year=2021,
        )
    with django_assert_num_queries(4):
        large = need_by_area(place)
    assert len(large) > len(small)


@pytest.mark.django_db
def test_no_sources_no_figures(borough):
    needs = need_by_area(borough["place"])

    assert needs[borough["abbey"].pk].decile is None
    assert needs[borough["abbey"].pk].population is None
    assert need_sources(borough["place"]).citations == []
