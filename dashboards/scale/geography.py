"""Fictional shapes and need figures for a generated place, so that its maps and neighbourhood
pages can be measured at county scale.

The shapes are made as the demo borough's are (`places.demo_shapes.tiled`): a disc in the North
Sea, well away from Wrenford and any coast, cut into the place's wards, their neighbourhoods and
their LSOAs. LSOAs and wards get stored boundaries (simplified as an import would), and
neighbourhoods the union of their LSOAs (`places.boundaries.refresh_derived`). Every LSOA gets a
deprivation decile, higher towards the disc's north-east, and a population estimate, from
sources titled as generated. Rows are bulk-written, as the rest of the generator's are.
"""

from __future__ import annotations

import datetime
import math
import random

from places import boundaries, geometry
from places.demo_shapes import tiled
from places.models import Area, Boundary, LsoaFigure, NeedSource, Place

CENTRE = (745_000, 250_000)  # British National Grid metres: open sea, 90 km off Suffolk
WARDS_IN_WRENFORD, WRENFORD_RADIUS = 12, 6_500  # the demo's size, scaled up by area
LSOA_YEAR, WARD_YEAR = 2021, 2024
GENERATED = "Generated for benchmarks (fictional, not a real place)"


def add_geography(place: Place, *, seed: int = 2026, say=print) -> dict[str, int]:
    """Shapes for every current ward, neighbourhood and LSOA of a generated `place`, and need
    figures for its LSOAs. Returns counts of the rows written."""
    areas = list(Area.objects.current().filter(place=place).order_by("path"))
    wards = [a for a in areas if a.kind == Area.Kind.WARD]
    children: dict[int, list[Area]] = {}
    for area in areas:
        if area.parent_id:
            children.setdefault(area.parent_id, []).append(area)
    plan = {
        str(ward.pk): [
            str(h.pk) for h in children.get(ward.pk, []) if h.kind == Area.Kind.NEIGHBOURHOOD
        ]
        for ward in wards
    }
    per = max((len(children.get(int(h), [])) for hoods in plan.values() for h in hoods), default=0)
    if not wards or not per:
        return {}
    shapes = tiled(
        plan,
        centre=CENTRE,
        radius=WRENFORD_RADIUS * math.sqrt(len(wards) / WARDS_IN_WRENFORD),
        seed=seed,
        per_row=max(1, round(math.sqrt(len(wards)))),
        lsoas_per_neighbourhood=per,
    )
    say(f"shapes for {len(wards):,} wards drawn")
    lsoa_shapes: dict[int, object] = {}
    ward_shapes: dict[int, object] = {}
    for ward_pk, hoods in shapes.items():
        for hood_pk, parts in hoods.items():
            for lsoa, shape in zip(children.get(int(hood_pk), []), parts, strict=False):
                lsoa_shapes[lsoa.pk] = shape
        ward_shapes[int(ward_pk)] = geometry.union(
            [shape for parts in hoods.values() for shape in parts]
        )
    written = 0
    for year, found in ((LSOA_YEAR, lsoa_shapes), (WARD_YEAR, ward_shapes)):
        simplified = geometry.simplify(list(found.values()))
        Boundary.objects.bulk_create(
            [
                Boundary(
                    area_id=pk, year=year, source=GENERATED, **boundaries.boundary_fields(shape)
                )
                for pk, shape in zip(found, simplified, strict=True)
            ],
            batch_size=500,
        )
        written += len(found)
    written += boundaries.refresh_derived(place=place)
    say(f"{written:,} boundaries")
    figures = _need(place, lsoa_shapes, random.Random(seed))  # noqa: S311 - not secrets
    say(f"need figures for {len(lsoa_shapes):,} LSOAs")
    return {"places.Boundary": written, "places.LsoaFigure": figures}


def _need(place: Place, shapes: dict, rng: random.Random) -> int:
    """A decile for each LSOA, rising from the disc's south-west to its north-east with some
    noise, so every decile occurs and neighbours are alike; and a population of 1,250–2,600."""
    published = datetime.date(2025, 10, 30)
    deprivation, population = (
        NeedSource.objects.create(
            place=place,
            kind=kind,
            year=year,
            title=f"{GENERATED}: {what}",
            publisher="socialvalue seed_scale",
            published_on=published,
            licence="generated",
            lsoa_year=LSOA_YEAR,
            file_name="seed_scale",
        )
        for kind, year, what in (
            (NeedSource.Kind.DEPRIVATION_ENGLAND, 2025, "deprivation deciles"),
            (NeedSource.Kind.POPULATION, 2024, "population estimates"),
        )
    )
    points = {pk: shape.centroid for pk, shape in shapes.items()}
    slope = {pk: p.x + p.y for pk, p in points.items()}
    low, high = min(slope.values()), max(slope.values())
    rows = []
    for pk in sorted(shapes):
        position = (slope[pk] - low) / ((high - low) or 1)
        decile = min(10, max(1, round(1 + 9 * position + rng.uniform(-1.5, 1.5))))
        rank = (decile - 1) * 3375 + rng.randint(1, 3375)
        rows.append(LsoaFigure(source=deprivation, area_id=pk, rank=rank, decile=decile))
        rows.append(LsoaFigure(source=population, area_id=pk, population=rng.randint(1250, 2600)))
    LsoaFigure.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
