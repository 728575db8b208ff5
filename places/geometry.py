"""Shapes for maps, with shapely (GEOS) and pyproj doing the geometry: nothing hand-written.

Everything is kept in the British National Grid (EPSG:27700), in whole metres: ONS publishes
boundaries in it or in longitude/latitude (EPSG:4326), which pyproj converts. SVG's y axis
points down, so paths and extents use (easting, -northing).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy
import shapely
import shapely.ops
from shapely.geometry import shape

BNG = 27700
LONLAT = 4326
# The names GeoJSON files use for the two projections ONS publishes in.
CRS_NAMES = {
    "urn:ogc:def:crs:ogc:1.3:crs84": LONLAT,
    "urn:ogc:def:crs:epsg::4326": LONLAT,
    "epsg:4326": LONLAT,
    "urn:ogc:def:crs:epsg::27700": BNG,
    "epsg:27700": BNG,
}
# Generous bounds of the United Kingdom, in longitude/latitude and in BNG metres.
UK_LONLAT = (-9.0, 49.0, 3.0, 61.5)
UK_BNG = (-250_000, -50_000, 800_000, 1_300_000)
DEFAULT_TOLERANCE = 10  # metres: invisible on a borough map, and it keeps pages small


# The seven-parameter Helmert transformation EPSG publishes for Great Britain (about 2 m): the
# same everywhere, so a shape does not shift where PROJ would otherwise switch methods at the
# edge of that transformation's area (offshore, say). OSTN15 would be closer, but needs a grid
# file PROJ cannot download here.
HELMERT = "OSGB36 to WGS 84 (6)"


def _transformer(source: int, target: int):
    import warnings

    from pyproj.transformer import TransformerGroup

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "best transformation is not available": known, above
        group = TransformerGroup(source, target, always_xy=True)
    for transformer in group.transformers:
        if HELMERT in transformer.description:
            return transformer
    return group.transformers[0]


@cache
def _to_bng():
    return _transformer(LONLAT, BNG)


@cache
def _from_bng():
    return _transformer(BNG, LONLAT)


def crs_of(name: str) -> int | None:
    """The EPSG code a GeoJSON `crs` name stands for, if it is one ONS publishes in."""
    return CRS_NAMES.get(name.strip().lower())


def from_geojson(geometry: dict):
    """A shapely geometry from a GeoJSON geometry object. Raises ValueError if unreadable."""
    try:
        return shape(geometry)
    except (
        AttributeError,
        KeyError,
        TypeError,
        IndexError,
        ValueError,
        shapely.errors.GEOSException,
    ) as exc:
        raise ValueError(str(exc) or "the geometry cannot be read") from None


def within(geometries, bounds) -> bool:
    """True if every geometry lies inside (min_x, min_y, max_x, max_y)."""
    min_x, min_y, max_x, max_y = shapely.total_bounds(geometries)
    return bool(
        min_x >= bounds[0] and min_y >= bounds[1] and max_x <= bounds[2] and max_y <= bounds[3]
    )


def swapped(geometries) -> bool:
    """True if the coordinates look like (latitude, longitude) in the UK: GeoJSON puts
    longitude first."""
    min_x, min_y, max_x, max_y = shapely.total_bounds(geometries)
    return bool(
        min_x >= UK_LONLAT[1]
        and max_x <= UK_LONLAT[3]
        and min_y >= UK_LONLAT[0]
        and max_y <= UK_LONLAT[2]
    )


def project_to_bng(geometries):
    """Longitude/latitude geometries in the British National Grid, all at once."""
    transformer = _to_bng()

    def transform(coordinates):
        x, y = transformer.transform(coordinates[:, 0], coordinates[:, 1])
        return numpy.column_stack([x, y])

    return shapely.transform(numpy.asarray(geometries, dtype=object), transform)


def invalid_reason(geometry) -> str | None:
    """Why a polygon is not fit to store, or None."""
    if shapely.get_type_id(geometry) not in (3, 6):  # Polygon, MultiPolygon
        return f"it is a {geometry.geom_type}, not a Polygon or MultiPolygon"
    if geometry.is_empty:
        return "it is empty"
    if not geometry.is_valid:
        return f"it is not a valid polygon ({shapely.is_valid_reason(geometry)})"
    return None


def simplify(geometries, tolerance: float = DEFAULT_TOLERANCE) -> list:
    """Simplified for display. Boundaries that fit together (a coverage, as ONS publishes)
    keep their shared edges shared, so neighbours meet without gaps; others are simplified one
    by one, keeping each valid."""
    geometries = numpy.asarray(geometries, dtype=object)
    if len(geometries) and shapely.coverage_is_valid(geometries):
        simplified = shapely.coverage_simplify(geometries, tolerance, simplify_boundary=True)
    else:
        simplified = shapely.simplify(geometries, tolerance, preserve_topology=True)
    simplified = shapely.set_precision(simplified, 1.0)  # whole metres
    return [g if g.is_valid else shapely.make_valid(g) for g in simplified]


def union(geometries):
    """The union of member shapes (a neighbourhood's LSOAs, a grouping's wards)."""
    geometries = [g for g in geometries if g is not None and not g.is_empty]
    if not geometries:
        return None
    return shapely.set_precision(shapely.union_all(geometries), 1.0)


@dataclass(frozen=True)
class Drawing:
    """What a map needs of a shape: its SVG path, extent and a point for its label."""

    svg_path: str
    min_x: int
    min_y: int
    max_x: int
    max_y: int
    label_x: int
    label_y: int


def drawing(geometry) -> Drawing:
    parts = [geometry] if geometry.geom_type == "Polygon" else list(geometry.geoms)
    commands = []
    for polygon in parts:
        for ring in [polygon.exterior, *polygon.interiors]:
            commands.append(_ring_path(numpy.asarray(ring.coords)))
    min_x, min_y, max_x, max_y = geometry.bounds
    largest = max(parts, key=lambda p: p.area)
    label = shapely.ops.polylabel(largest, tolerance=max(1.0, (largest.length / 200)))
    return Drawing(
        svg_path="".join(commands),
        min_x=round(min_x),
        min_y=round(-max_y),
        max_x=round(max_x),
        max_y=round(-min_y),
        label_x=round(label.x),
        label_y=round(-label.y),
    )


def _ring_path(coordinates) -> str:
    """A closed ring as "M x y l dx dy dx dy … z" in whole metres, y pointing down."""
    points = numpy.rint(coordinates[:-1]).astype(int)
    points[:, 1] = -points[:, 1]
    steps = numpy.diff(points, axis=0)
    steps = steps[(steps != 0).any(axis=1)]
    start = f"M{points[0, 0]} {points[0, 1]}"
    if not len(steps):
        return start + "z"
    return start + "l" + " ".join(f"{dx} {dy}" for dx, dy in steps) + "z"
