"""The register's map: how many of the objectives listed apply to each neighbourhood (or ward)
of the place — naming it, an area inside it, or an area containing it."""

from __future__ import annotations

from places.maps import Band, MapArea, choropleth, count_band, map_areas_for_place
from places.models import Area, Place

BANDS = [Band(1, "4 or more objectives"), Band(2, "2 or 3"), Band(3, "1")]
NONE = Band(5, "None")


def _band(count: int) -> Band:
    return count_band(count, list(zip((4, 2, 1), BANDS, strict=True)), NONE)


def count_by_area(areas: list[Area], links: list[tuple[int, str]]) -> dict[int, int]:
    """For each area, the distinct objectives whose named areas overlap it (one path a prefix
    of the other). `links`: (objective id, path of an area it names)."""
    counts = {}
    for area in areas:
        counts[area.pk] = len(
            {
                objective
                for objective, path in links
                if path.startswith(area.path) or area.path.startswith(path)
            }
        )
    return counts


def map_place(filterset) -> Place | None:
    """The place the register is about: the area filter's, or the one place of its objectives."""
    area = filterset.form.cleaned_data.get("area") if filterset.is_valid() else None
    if area is not None:
        return area.place
    place_ids = list(filterset.qs.order_by().values_list("place_id", flat=True).distinct()[:2])
    if len(place_ids) == 1:
        return Place.objects.get(pk=place_ids[0])
    return None


def objectives_map(objectives, place: Place):
    """`objectives`: the register's filtered queryset (already limited to what the visitor
    may see)."""
    areas = map_areas_for_place(place)
    through = objectives.model.areas.through
    links = list(
        through.objects.filter(objective__in=objectives.filter(place=place).values("pk"))
        .values_list("objective_id", "area__path")
        .distinct()
    )
    counts = count_by_area(areas, links)
    items = [
        MapArea(
            area,
            value_text=f"{counts[area.pk]} objective{'s' if counts[area.pk] != 1 else ''}",
            label=str(counts[area.pk]) if counts[area.pk] else "",
            table_text=str(counts[area.pk]),
            band=_band(counts[area.pk]),
        )
        for area in areas
    ]
    return choropleth(
        map_id="objectives-map",
        title=f"Objectives in these filters, by area of {place.name}",
        areas=items,
        bands=[*BANDS, NONE],
        value_heading="Objectives",
        notes=[
            "An objective counts for an area when it names the area, an area inside it or an "
            "area containing it; one naming several areas counts in each."
        ],
    )
