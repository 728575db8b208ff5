"""The choropleth component and the area and place pages that use it, on the demo borough."""

import re

import pytest
from django.template import Context, Template
from django.utils import translation

from places import demo, services
from places.maps import Band, MapArea, choropleth, deprivation_map, map_areas_for
from places.models import Area, Place
from places.templatetags.places_maps import bilingual_name


@pytest.fixture
def wrenford(db):
    return demo.load()


def area(name):
    return Area.objects.get(name=name)


def figure_of(html: str) -> str:
    return html[html.index('<figure class="app-map"') : html.index("</figure>")]


@pytest.mark.django_db
def test_area_page_maps_its_lsoas_by_deprivation_with_population(client, officer, wrenford):
    client.force_login(officer)
    ward = area("Abbey Mills")

    response = client.get(ward.get_absolute_url())

    html = response.content.decode()
    figure = figure_of(html)
    links = re.findall(
        r'<a class="app-map__area [^"]+" href="([^"]+)" aria-label="([^"]+)">', figure
    )
    assert len(links) == 6  # the ward's six LSOAs, each a link named with its figures
    first = area("Wrenford 001A1")
    need = response.context["need_map"].items[0]
    assert links[0] == (first.get_absolute_url(), f"Wrenford 001A1: {need.value_text}")
    assert re.fullmatch(r"deprivation decile \d+, population [\d,]+", need.value_text)
    assert figure.count("<title>") == 6
    assert 'class="app-map__outline"' in figure  # the ward itself, drawn over its LSOAs
    assert "Key: deprivation decile" in figure
    assert "Deprivation in Abbey Mills: the figures" in figure
    assert "Fictional deprivation deciles for the demo borough (not real data)" in figure
    assert "Average decile" in html and "weighted by population" in html


@pytest.mark.django_db
def test_the_map_keeps_to_the_strict_csp(client, officer, wrenford):
    client.force_login(officer)

    html = client.get(area("Abbey Mills").get_absolute_url()).content.decode()

    figure = figure_of(html)
    assert (
        "style=" not in figure
        and "<script" not in figure
        and "http" not in figure.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )


@pytest.mark.django_db
def test_area_pages_cost_the_same_for_4_and_6_lsoas(
    client, officer, wrenford, django_assert_num_queries
):
    client.force_login(officer)
    client.get(area("Dunmore").get_absolute_url())  # sessions and caches warmed

    # The neighbourhood page: need (5), maps (2: one per map), delivery, lists and contracts
    # (issue 16), and the header's unread-notifications count; the area's figures resolve their
    # filter to ids once (dashboards.figures._narrow_ids: its subtree, its commitments, then
    # which of their contracts are the place's; the public list of contracts shares them,
    # `Scope.public_twin`, and lists the contracts read with the commitments); then
    # `objectives()`: the objectives it selects).
    with django_assert_num_queries(30) as smaller:  # 2 neighbourhoods, 4 LSOAs
        client.get(area("Dunmore").get_absolute_url())
    with django_assert_num_queries(len(smaller)):  # 3 neighbourhoods, 6 LSOAs
        client.get(area("Abbey Mills").get_absolute_url())


@pytest.mark.django_db
def test_place_page_maps_the_neighbourhoods(client, officer, wrenford):
    client.force_login(officer)

    response = client.get(wrenford.get_absolute_url())

    need_map = response.context["need_map"]
    assert len(need_map.drawn) == 30 and need_map.missing == []
    assert {d.item.area.kind for d in need_map.drawn} == {"neighbourhood"}


@pytest.mark.django_db
def test_what_each_kind_of_area_maps(wrenford):
    assert {a.kind for a in map_areas_for(area("North Wrenford Community Partnership"))} == {"ward"}
    assert len(map_areas_for(area("Abbey Green"))) == 2
    lsoa = area("Wrenford 001A1")
    assert lsoa in map_areas_for(lsoa) and len(map_areas_for(lsoa)) == 2  # with its neighbour


@pytest.mark.django_db
def test_areas_without_a_boundary_are_in_the_table_only(wrenford):
    new = services.area_create(place=wrenford, kind="ward", name="Newtown")
    bands = [Band(1, "High"), Band(2, "Low")]
    items = [
        MapArea(
            area("Abbey Mills"), value_text="12 per 1,000 residents", label="12", band=bands[0]
        ),
        MapArea(new, value_text="no figure"),
    ]

    result = choropleth(
        map_id="test", title="Test", areas=items, bands=bands, value_heading="Per 1,000 residents"
    )

    assert [d.item.area for d in result.drawn] == [area("Abbey Mills")]
    assert [item.area for item in result.missing] == [new]
    html = Template("{% load places_maps %}{% choropleth map %}").render(Context({"map": result}))
    assert "Not on the map, as no boundary has been imported yet: Newtown." in html
    assert "app-map__fill--1" in html


@pytest.mark.django_db
def test_a_map_with_no_boundaries_says_so_and_keeps_its_table(db):
    place = Place.objects.create(name="Testborough", slug="testborough")
    ward = services.area_create(place=place, kind="ward", name="Abbey")

    result = deprivation_map(map_id="m", title="Deprivation", areas=[ward], place=place)
    html = Template("{% load places_maps %}{% choropleth map %}").render(Context({"map": result}))

    assert "<svg" not in html
    assert "No boundaries have been imported for these areas yet" in html
    assert ">Abbey</a>" in html and "No figure" in html


@pytest.mark.django_db
def test_welsh_names_are_shown_beside_the_english_or_first_in_welsh(db):
    place = Place.objects.create(name="Sir Ffug", slug="sir-ffug")
    ward = services.area_create(
        place=place, kind="ward", name="Bridge Street", name_welsh="Stryd y Bont"
    )

    assert bilingual_name(ward) == 'Bridge Street / <span lang="cy">Stryd y Bont</span>'
    with translation.override("cy"):
        assert bilingual_name(ward) == (
            '<span lang="cy">Stryd y Bont</span> / <span lang="en">Bridge Street</span>'
        )
    same = services.area_create(
        place=place, kind="ward", name="Glan yr Afon", name_welsh="Glan yr Afon"
    )
    assert bilingual_name(same) == "Glan yr Afon"


def test_svg_fills_repeat_the_stylesheet_colours():
    """The presentation attributes (for the PDF) and the stylesheet (for the browser) agree."""
    import re
    from pathlib import Path

    from places.maps import EDGE, FILLS, NO_FILL

    scss = (Path(__file__).parents[2] / "static/src/_maps.scss").read_text()
    fills = re.search(r"\$app-map-fills: \((.*?)\);", scss, re.S).group(1)
    assert {int(n): c for n, c in re.findall(r"(\d): (#[0-9a-f]{6})", fills)} == FILLS
    assert f"$app-map-none: {NO_FILL};" in scss
    assert f"$app-map-edge: {EDGE};" in scss
