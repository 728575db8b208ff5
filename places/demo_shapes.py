"""Fictional but plausible shapes for the demo borough, made the same way every time.

Wrenford is drawn in the North Sea, some 25 km east of the Norfolk coast, where no council
has wards: nobody can mistake its shapes for a real place. The outline is a wobbly disc; wards,
neighbourhoods and LSOAs are Voronoi cells of seeded points (evened out by a few rounds of
moving each point to its cell's centre), each level cut out of the one above, so every LSOA
lies in its neighbourhood and every neighbourhood in its ward. A smooth warp of the whole
map, the same for shared edges, bends the straight cell edges into streets and streams.
Only shapely does geometry here.
"""

from __future__ import annotations

import math
import random

import numpy
import shapely

CENTRE = (677_000, 317_000)  # British National Grid metres: open sea east of Great Yarmouth
RADIUS = 6_500
SEED = 2024


def _outline(centre=CENTRE, radius=RADIUS):
    angles = numpy.linspace(0, 2 * math.pi, 180, endpoint=False)
    radii = radius * (
        1
        + 0.10 * numpy.sin(3 * angles + 0.4)
        + 0.06 * numpy.cos(5 * angles)
        + 0.03 * numpy.sin(9 * angles)
    )
    return shapely.Polygon(
        numpy.column_stack(
            [centre[0] + radii * numpy.cos(angles), centre[1] + radii * numpy.sin(angles)]
        )
    )


def _points_in(region, count: int, rng: random.Random) -> list:
    min_x, min_y, max_x, max_y = region.bounds
    points = []
    while len(points) < count:
        point = shapely.Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
        if region.contains(point):
            points.append(point)
    return points


def _cells(region, count: int, rng: random.Random) -> list:
    """`count` cells that tile `region`, roughly even in size, in seed order."""
    if count == 1:
        return [region]
    points = _points_in(region, count, rng)
    for _ in range(4):
        cells = _voronoi(region, points)
        points = [cell.representative_point() if cell.is_empty else cell.centroid for cell in cells]
    return _voronoi(region, points)


def _voronoi(region, points) -> list:
    min_x, min_y, max_x, max_y = region.bounds
    diagram = shapely.voronoi_polygons(
        shapely.MultiPoint(points), extend_to=region.buffer(max(max_x - min_x, max_y - min_y))
    )
    cells = list(diagram.geoms)
    tree = shapely.STRtree(cells)
    ordered = []
    for point in points:
        cell = next(
            cells[i]
            for i in tree.query(point)
            if cells[i].contains(point) or cells[i].touches(point)
        )
        part = shapely.intersection(cell, region)
        ordered.append(_largest(part))
    return ordered


def _largest(geom):
    if geom.geom_type == "Polygon":
        return geom
    polygons = [g for g in getattr(geom, "geoms", []) if g.geom_type == "Polygon"]
    return max(polygons, key=lambda p: p.area)


def _warp(coordinates):
    x, y = coordinates[:, 0], coordinates[:, 1]
    dx = 140 * numpy.sin(y / 900 + 1.3) + 60 * numpy.sin(y / 310 + x / 700)
    dy = 140 * numpy.cos(x / 1100 + 0.2) + 60 * numpy.cos(x / 270 - y / 800)
    return numpy.column_stack([x + dx, y + dy])


def _noded(polygons) -> list:
    """The same polygons with a vertex wherever a neighbour has one, so that they form a valid
    coverage (shared edges identical on both sides), as ONS boundaries do."""
    lines = shapely.union_all(shapely.boundary(polygons), grid_size=1.0)  # noded, whole metres
    faces = list(shapely.polygonize([lines]).geoms)
    tree = shapely.STRtree(polygons)
    parts: list[list] = [[] for _ in polygons]
    slivers = []
    for face in faces:
        candidates = tree.query(face)
        best = max(candidates, key=lambda i: shapely.intersection(polygons[i], face).area)
        (slivers if face.area < 1_000 else parts[best]).append(face)
    # A sliver left between two near-identical edges joins the neighbour it shares most with.
    for sliver in slivers:
        best = max(
            range(len(parts)),
            key=lambda i: (
                sum(
                    shapely.intersection(face.boundary, sliver.boundary).length for face in parts[i]
                )
                if parts[i] and shapely.intersects(polygons[i], sliver)
                else -1
            ),
        )
        parts[best].append(sliver)
    return [shapely.union_all(p, grid_size=1.0) for p in parts]


def wrenford(wards: dict[str, list[str]]) -> dict[str, dict[str, list]]:
    """{ward name: {neighbourhood name: [LSOA polygon, LSOA polygon]}} for the demo's wards
    and neighbourhoods (each neighbourhood has two LSOAs), in EPSG:27700 metres. Wards are
    named from north to south in rows of four, west to east, so the three community
    partnerships (four wards each) are the north, centre and south."""
    return tiled(wards, centre=CENTRE, radius=RADIUS, seed=SEED, per_row=4)


def tiled(
    wards: dict[str, list[str]],
    *,
    centre: tuple[float, float],
    radius: float,
    seed: int,
    per_row: int,
    lsoas_per_neighbourhood: int = 2,
) -> dict[str, dict[str, list]]:
    """{ward name: {neighbourhood name: [LSOA polygons]}}: a wobbly disc of `radius` metres
    around `centre` cut into the wards (named in rows of `per_row`, north to south and west to
    east), each ward into its neighbourhoods, each neighbourhood into its LSOAs."""
    rng = random.Random(seed)  # noqa: S311 - repeatable fictional shapes, not secrets
    outline = _outline(centre, radius)
    ward_cells = _cells(outline, len(wards), rng)
    by_north = sorted(ward_cells, key=lambda c: -c.centroid.y)
    rows = [
        sorted(by_north[i : i + per_row], key=lambda c: c.centroid.x)
        for i in range(0, len(by_north), per_row)
    ]
    ordered = [cell for row in rows for cell in row]
    per = lsoas_per_neighbourhood
    shapes: dict[str, dict[str, list]] = {}
    for (ward_name, neighbourhoods), ward_cell in zip(wards.items(), ordered, strict=True):
        shapes[ward_name] = {}
        for name, cell in zip(
            neighbourhoods, _cells(ward_cell, len(neighbourhoods), rng), strict=True
        ):
            shapes[ward_name][name] = _cells(cell, per, rng)
    lsoas = [lsoa for ward in shapes.values() for group in ward.values() for lsoa in group]
    warped = shapely.transform(shapely.segmentize(numpy.asarray(lsoas, dtype=object), 120), _warp)
    warped = _noded(shapely.set_precision(warped, 1.0))
    index = 0
    for ward in shapes.values():
        for name in ward:
            ward[name] = warped[index : index + per]
            index += per
    return shapes
