"""Boundaries from ONS GeoJSON, derived shapes, and what a bad file is told.

The fixtures in data/ follow the GeoJSON the Open Geography Portal publishes (FID, WD24CD,
WD24NM, WD24NMW, BNG_E, BNG_N, LONG, LAT, GlobalID; CRS84 or EPSG:27700); their squares lie in
open sea and their codes are invented."""

from pathlib import Path

import pytest
import shapely
from django.core.management import call_command

from places import services
from places.importers.boundaries import import_boundaries
from places.models import Area, Boundary

DATA = Path(__file__).parent / "data"


def run(name, place, **kwargs):
    with open(DATA / name, "rb") as geojson:
        return import_boundaries(geojson, place=place, **kwargs)


@pytest.fixture
def borough(lsoa_borough):
    return lsoa_borough


def shape_of(area):
    return shapely.from_wkb(bytes(Boundary.objects.get(area=area).geometry))


@pytest.mark.django_db
def test_ward_boundaries_in_longitude_latitude_are_stored_in_british_national_grid(borough):
    report = run("wards_2024_bgc.geojson", borough["place"])

    assert report.errors == [] and report.saved
    assert (report.kind, report.year, report.created) == ("ward", 2024, 2)
    assert report.projection == "longitude/latitude (EPSG:4326)"
    abbey = Boundary.objects.get(area=borough["abbey"])
    assert abbey.year == 2024 and not abbey.derived
    assert "ONS Open Geography Portal" in abbey.source
    # The 2 km square drawn at (670000, 310000) comes back there, to within a metre or two.
    assert shape_of(borough["abbey"]).bounds == pytest.approx(
        (670000, 310000, 672000, 312000), abs=2
    )
    assert abbey.svg_path.startswith("M") and abbey.svg_path.endswith("z")
    assert (abbey.min_y, abbey.max_y) == pytest.approx((-312000, -310000), abs=2)  # y points down


@pytest.mark.django_db
def test_grouping_takes_the_union_of_its_wards(borough):
    run("wards_2024_bgc.geojson", borough["place"])

    grouping = Boundary.objects.get(area=borough["grouping"])
    assert grouping.derived and grouping.year == 2024
    assert shape_of(borough["grouping"]).area == pytest.approx(4000 * 2000, rel=0.01)


@pytest.mark.django_db
def test_lsoa_boundaries_in_bng_shape_their_neighbourhood(borough):
    report = run("lsoas_2021_bgc_bng.geojson", borough["place"])

    assert report.errors == [] and report.created == 4
    assert report.projection == "British National Grid (EPSG:27700)"
    meadow = shape_of(borough["meadow"])
    assert meadow.bounds == pytest.approx((670000, 310000, 672000, 312000), abs=1)
    assert Boundary.objects.get(area=borough["meadow"]).source == (
        "Union of the current LSOAs' boundaries"
    )


@pytest.mark.django_db
def test_moving_an_lsoa_reshapes_both_neighbourhoods_through_the_service(borough):
    run("lsoas_2021_bgc_bng.geojson", borough["place"])
    east = services.area_create(
        place=borough["place"], kind="neighbourhood", name="Brook East", parent=borough["brook"]
    )

    services.area_update(area=borough["lsoas"][1], parent=east)

    assert shape_of(borough["meadow"]).area == pytest.approx(1000 * 2000, rel=0.01)
    assert shape_of(east).area == pytest.approx(1000 * 2000, rel=0.01)
    services.area_archive(area=borough["lsoas"][1])
    assert not Boundary.objects.filter(area=east).exists()


@pytest.mark.django_db
def test_moving_an_lsoa_or_changing_a_groupings_wards_in_the_admin_reshapes_them(borough, client):
    """The Django admin saves through the places services: the shapes an edit there changes
    are drawn again, as after `services.area_update`."""
    from django.urls import reverse

    from people.models import User

    run("lsoas_2021_bgc_bng.geojson", borough["place"])
    run("wards_2024_bgc.geojson", borough["place"])
    east = services.area_create(
        place=borough["place"], kind="neighbourhood", name="Brook East", parent=borough["brook"]
    )
    client.force_login(User.objects.create_superuser(email="root@example.org", password="x" * 20))

    def change(area, **fields):
        data = {"place": area.place_id, "kind": area.kind, "name": area.name, **fields}
        response = client.post(reverse("admin:places_area_change", args=[area.pk]), data)
        assert response.status_code == 302, response.content.decode()[:2000]

    lsoa = borough["lsoas"][1]
    change(lsoa, parent=east.pk, gss_code=lsoa.gss_code, gss_year=lsoa.gss_year)
    assert shape_of(borough["meadow"]).area == pytest.approx(1000 * 2000, rel=0.01)
    assert shape_of(east).area == pytest.approx(1000 * 2000, rel=0.01)

    grouping = borough["grouping"]
    change(grouping, wards=[borough["abbey"].pk])  # Brook left the grouping
    assert shape_of(grouping).area == pytest.approx(2000 * 2000, rel=0.01)


@pytest.mark.django_db
def test_importing_again_updates_in_place_and_keeps_other_vintages(borough):
    run("wards_2024_bgc.geojson", borough["place"])
    Boundary.objects.filter(area=borough["abbey"]).update(year=2023)  # as if from last year

    report = run("wards_2024_bgc.geojson", borough["place"])
    again = run("wards_2024_bgc.geojson", borough["place"])

    assert (report.created, report.updated) == (1, 1)
    assert (again.created, again.updated) == (0, 2)
    assert sorted(
        Boundary.objects.filter(area=borough["abbey"]).values_list("year", flat=True)
    ) == [2023, 2024]


@pytest.mark.django_db
def test_dry_run_stores_nothing(borough):
    report = run("wards_2024_bgc.geojson", borough["place"], dry_run=True)

    assert report.errors == [] and report.created == 2 and not report.saved
    assert not Boundary.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "wards_2024_web_mercator.geojson",
            "The file is in the projection urn:ogc:def:crs:EPSG::3857, which is not one ONS "
            "publishes boundaries in. Download the GeoJSON in longitude/latitude (EPSG:4326) or "
            "the British National Grid (EPSG:27700)",
        ),
        (
            "wards_2024_swapped.geojson",
            "The coordinates are latitude, longitude; GeoJSON puts longitude first. Download the "
            "file again from the Open Geography Portal",
        ),
        (
            "wards_2024_bowtie.geojson",
            "Feature 2 (E05099002): it is not a valid polygon (Self-intersection",
        ),
        (
            "wards_2024_other_place.geojson",
            "1 of the 3 features are not wards of Testborough (E05088001). Download the "
            "boundaries of Testborough's wards only, or import the ward lookup first",
        ),
        (
            "msoa_2021_bgc.geojson",
            "These are not ward or LSOA boundaries: the features have MSOA21CD codes. Download "
            "the ward (WDyyCD) or LSOA (LSOAyyCD) boundaries",
        ),
        ("wards_2024.csv", "The file is not GeoJSON: it cannot be read as JSON text"),
    ],
)
def test_bad_files_are_refused_with_the_reason_and_change_nothing(borough, name, message):
    report = run(name, borough["place"])

    assert len(report.errors) == 1
    assert str(report.errors[0]).startswith(message)
    assert not Boundary.objects.exists()


@pytest.mark.django_db
def test_coordinates_in_metres_without_a_declared_projection_are_read_as_bng(borough, tmp_path):
    text = (DATA / "lsoas_2021_bgc_bng.geojson").read_text().replace('"crs"', '"crs_removed"')
    path = tmp_path / "no_crs.geojson"
    path.write_text(text)

    with open(path, "rb") as geojson:
        report = import_boundaries(geojson, place=borough["place"])

    assert report.errors == [] and report.created == 4
    assert "read as the British National Grid" in report.notes[0]


@pytest.mark.django_db
def test_command_imports_and_reports(borough, capsys):
    call_command(
        "import_boundaries", str(DATA / "wards_2024_bgc.geojson"), "--place", "testborough"
    )

    out = capsys.readouterr().out
    assert "Read 2 ward boundaries from 2024, in longitude/latitude (EPSG:4326)." in out
    assert "2 created, 0 updated" in out


@pytest.mark.django_db
def test_the_demo_gives_every_ward_neighbourhood_lsoa_and_grouping_a_shape():
    from places import demo

    place = demo.load()

    areas = Area.objects.filter(place=place)
    without = areas.exclude(boundaries__isnull=False)
    assert list(without) == []
    lsoas = [
        shapely.from_wkb(bytes(b.geometry))
        for b in Boundary.objects.filter(area__place=place, area__kind="lsoa")
    ]
    assert len(lsoas) == 60 and all(s.is_valid for s in lsoas)
    # Neighbours meet without overlapping: the LSOAs tile the borough.
    union = shapely.union_all(lsoas)
    assert union.area == pytest.approx(sum(s.area for s in lsoas), rel=0.001)
    # In open sea east of Great Yarmouth, far from any council's wards.
    assert union.bounds[0] > 665_000
    demo.load()  # idempotent
    assert Boundary.objects.filter(area__place=place).count() == areas.count()
