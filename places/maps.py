"""Server-rendered choropleth maps: areas coloured by band, as accessible SVG.

`choropleth()` turns areas with values and bands into a `Choropleth` that the
`components/choropleth.html` template (or `{% choropleth map %}` from `places_maps`) draws:
each area a link with an accessible name that includes its value, a legend, value labels on
areas big enough to hold them, and a table of every area beside the map. Colours come from
classes in the stylesheet (`app-map__fill--<scale>-<n>`), never inline styles, so the strict
content security policy holds; the map makes no request of its own.

Usage, for a later map (delivery per 1,000 residents, say):

    bands = [Band(1, "Less than 10"), Band(2, "10 to 49"), Band(3, "50 or more")]
    items = [MapArea(area, value_text="12.5 per 1,000 residents", label="12.5", band=bands[1])
             for area in areas]
    context["map"] = choropleth(map_id="delivery", title="…", areas=items, bands=bands,
                                value_heading="Verified delivery per 1,000 residents")

and in the template `{% load places_maps %}{% choropleth map %}`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django.urls import reverse

from . import boundaries
from .models import Area, Boundary
from .selectors import Need, NeedSources, need_by_area, need_sources

SCALES = 5  # classes app-map__fill--1 … --5, from the darkest to the lightest
LABEL_SHARE = 0.09  # an area gets a value label if its smaller side is this share of the map
MARGIN = 0.02


# The fills of static/src/_maps.scss ($app-map-fills, $app-map-none), repeated as SVG
# presentation attributes for renderers without the page's CSS (WeasyPrint's PDF): the
# stylesheet wins in a browser. tests/places/test_maps.py holds the two lists equal.
FILLS = {1: "#8a7cc0", 2: "#a79ed1", 3: "#c4bce2", 4: "#dcd6ef", 5: "#f4f2fa"}
NO_FILL = "#ffffff"
EDGE = "#505a5f"


@dataclass(frozen=True)
class Band:
    """One step of a map's colour scale. `number` 1 is the darkest colour."""

    number: int
    label: str

    @property
    def css(self) -> str:
        return f"app-map__fill--{self.number}"

    @property
    def fill(self) -> str:
        return FILLS[self.number]


def count_band(count: int, steps: list[tuple[int, Band]], none: Band) -> Band:
    """A count's band: the first of `steps` (minimum, band), highest minimum first, whose
    minimum it reaches; `none` below them all."""
    for minimum, band in steps:
        if count >= minimum:
            return band
    return none


@dataclass(frozen=True)
class MapArea:
    """An area to show, with its value as words (for names and the table) and as a short label
    (on the map), and its band (None: no value)."""

    area: Area
    value_text: str
    label: str = ""
    band: Band | None = None
    cells: tuple[str, ...] = ()  # further table cells, under `extra_headings`
    href: str = ""
    table_text: str = ""  # the value in the table when it differs from the map's label

    @property
    def name(self) -> str:
        return self.area.name

    @property
    def url(self) -> str:
        return self.href or area_url(self.area.pk)


@cache
def _area_url_pattern() -> str:
    return reverse("places:area_detail", kwargs={"pk": 999_999_999}).replace("999999999", "{}")


def area_url(pk: int) -> str:
    """`Area.get_absolute_url()` without resolving the URL again for each of a map's hundreds
    of areas (each is linked twice: on the map and in its table)."""
    return _area_url_pattern().format(pk)


@dataclass
class Drawn:
    item: MapArea
    boundary: Boundary
    show_label: bool


@dataclass
class Choropleth:
    map_id: str
    title: str
    value_heading: str
    bands: list[Band]
    items: list[MapArea]
    drawn: list[Drawn] = field(default_factory=list)
    outline: Boundary | None = None  # the area the map is about, drawn over its parts
    view_box: str = ""
    font_size: int = 0
    extra_headings: tuple[str, ...] = ()
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    no_value_label: str = "No figure"
    table_href: str = ""  # a compact copy: no table, a link to the full map's table instead
    no_fill: str = NO_FILL
    edge: str = EDGE

    @property
    def missing(self) -> list[MapArea]:
        """Areas with no boundary yet: in the table only."""
        drawn = {d.item.area.pk for d in self.drawn}
        return [item for item in self.items if item.area.pk not in drawn]

    @property
    def has_no_value(self) -> bool:
        return any(d.item.band is None for d in self.drawn)


def choropleth(
    *,
    map_id: str,
    title: str,
    areas: list[MapArea],
    bands: list[Band],
    value_heading: str,
    extra_headings: tuple[str, ...] = (),
    outline: Area | None = None,
    sources: list[str] | None = None,
    notes: list[str] | None = None,
) -> Choropleth:
    """A map of `areas` (two queries for the boundaries, whatever their number)."""
    wanted = [item.area for item in areas] + ([outline] if outline else [])
    found = boundaries.latest(wanted)
    result = Choropleth(
        map_id=map_id,
        title=title,
        value_heading=value_heading,
        bands=bands,
        items=areas,
        extra_headings=extra_headings,
        sources=sources or [],
        notes=notes or [],
    )
    shapes = [found[item.area.pk] for item in areas if item.area.pk in found]
    if not shapes:
        return result
    min_x = min(b.min_x for b in shapes)
    min_y = min(b.min_y for b in shapes)
    max_x = max(b.max_x for b in shapes)
    max_y = max(b.max_y for b in shapes)
    width, height = max(max_x - min_x, 1), max(max_y - min_y, 1)
    margin = round(max(width, height) * MARGIN)
    result.view_box = (
        f"{min_x - margin} {min_y - margin} {width + 2 * margin} {height + 2 * margin}"
    )
    result.font_size = max(round(max(width, height) / 34), 1)
    for item in areas:
        boundary = found.get(item.area.pk)
        if boundary is None:
            continue
        smaller_side = min(boundary.max_x - boundary.min_x, boundary.max_y - boundary.min_y)
        show = bool(item.label) and smaller_side >= LABEL_SHARE * max(width, height)
        result.drawn.append(Drawn(item, boundary, show))
    if outline is not None and outline.pk in found:
        result.outline = found[outline.pk]
    return result


# Deprivation ---------------------------------------------------------------------------------

DEPRIVATION_BANDS = [
    Band(1, "Deciles 1 and 2: the most deprived 20%"),
    Band(2, "Deciles 3 and 4"),
    Band(3, "Deciles 5 and 6"),
    Band(4, "Deciles 7 and 8"),
    Band(5, "Deciles 9 and 10: the least deprived 20%"),
]


def deprivation_band(need: Need | None) -> Band | None:
    if need is None or need.band is None:
        return None
    return DEPRIVATION_BANDS[(need.band - 1) // 2]


def describe_need(need: Need | None) -> str:
    """ "deprivation decile 3.4, population 12,345" — what an area's name on the map adds."""
    if need is None or need.decile is None:
        words = ["no deprivation figure"]
    else:
        kind = "decile" if need.lsoas == 1 else "average decile"
        words = [f"deprivation {kind} {_decile(need)}"]
    if need is not None and need.population is not None:
        words.append(f"population {need.population:,}")
    return ", ".join(words)


def _decile(need: Need) -> str:
    return f"{need.decile:.0f}" if need.lsoas == 1 else f"{need.decile:.1f}"


def map_areas_for(area: Area) -> list[Area]:
    """What the map on an area's page shows: a grouping's wards; the LSOAs inside a ward or
    neighbourhood (or its children, or the area itself); an LSOA with its neighbours."""
    current = Area.objects.current().select_related("place")
    if area.kind == Area.Kind.GROUPING:
        return list(area.wards.current().order_by("name"))
    if area.kind == Area.Kind.LSOA:
        if area.parent_id:
            return list(
                current.filter(parent_id=area.parent_id, kind=Area.Kind.LSOA).order_by("name")
            )
        return [area]
    lsoas = list(current.filter(path__startswith=area.path, kind=Area.Kind.LSOA).order_by("name"))
    if lsoas:
        return lsoas
    children = list(current.filter(parent=area).order_by("name"))
    return children or [area]


def map_areas_for_place(place) -> list[Area]:
    """The place page's map: its neighbourhoods when they have shapes, else its wards."""
    current = Area.objects.current().filter(place=place).order_by("name")
    for kind in (Area.Kind.NEIGHBOURHOOD, Area.Kind.WARD, Area.Kind.LSOA):
        areas = list(current.filter(kind=kind, boundaries__isnull=False).distinct())
        if areas:
            return areas
    return list(current.filter(kind=Area.Kind.WARD))


def deprivation_map(
    *,
    map_id: str,
    title: str,
    areas: list[Area],
    place,
    outline: Area | None = None,
    sources: NeedSources | None = None,
    needs: dict[int, Need] | None = None,
    href_for=None,
) -> Choropleth:
    """Areas coloured by their (population-weighted) deprivation decile, with population.
    `href_for(area)`, if given, is where each area links (the area's page otherwise)."""
    sources = sources or need_sources(place)
    needs = needs if needs is not None else need_by_area(place, sources=sources)
    items = []
    for area in areas:
        need = needs.get(area.pk)
        population = f"{need.population:,}" if need and need.population is not None else "Not known"
        decile = _decile(need) if need and need.decile is not None else ""
        items.append(
            MapArea(
                area,
                value_text=describe_need(need),
                label=decile,
                band=deprivation_band(need),
                cells=(population,),
                href=href_for(area) if href_for else "",
            )
        )
    notes = []
    if any(area.kind != Area.Kind.LSOA for area in areas):
        notes.append(
            "An area larger than an LSOA shows the average of its LSOAs' deciles, weighted by "
            "their population. Decile 1 is the most deprived tenth of LSOAs in the country."
        )
    return choropleth(
        map_id=map_id,
        title=title,
        areas=items,
        bands=DEPRIVATION_BANDS,
        value_heading="Deprivation decile",
        extra_headings=("Population",),
        outline=outline,
        sources=sources.citations,
        notes=notes,
    )
