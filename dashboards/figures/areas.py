"""Neighbourhood (or ward) tiles: delivery against what was due, banded for the map, and the
gaps where objectives name an area no commitment serves."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef

from contracts.models import Assessment, Commitment
from objectives.models import Objective
from places.models import Area
from socialvalue.sql import AnyOf

from .definitions import definition
from .progress import _regroup, _verified_values, progress_groups
from .rows import AreaRow, UnservedObjectiveRow
from .scope import ZERO, Scope, Stage, _areas_within, objectives

BANDS = [
    (0, "No delivery due yet"),
    (1, "Under 25% of what was due"),
    (2, "25% to 49% of what was due"),
    (3, "50% to 74% of what was due"),
    (4, "75% or more of what was due"),
]


def band_for(percent: int | None) -> int:
    if percent is None:
        return 0
    if percent < 25:
        return 1
    if percent < 50:
        return 2
    if percent < 75:
        return 3
    return 4


def _tile_areas(scope: Scope):
    """Neighbourhoods in the area (or the place); wards if the place has no neighbourhoods."""
    base = Area.objects.current().filter(place=scope.place)
    if scope.area:
        base = base.filter(AnyOf("pk", _areas_within(scope)))
    for kind in (Area.Kind.NEIGHBOURHOOD, Area.Kind.WARD):
        tiles = list(
            base.filter(kind=kind).order_by("name").values("pk", "name", "path", "kind", "gss_code")
        )
        if tiles:
            return tiles
    return []


@definition(
    """Per neighbourhood (or ward, where the place has no neighbourhoods), counting everything
    in it and below it: current commitments and their verified delivery against what was due by
    the end of the period or today (each commitment's verified quantity as a share of its
    pro-rata expectation, capped at 100%, averaged over the commitments with something due — so
    units are never added together); active objectives naming it or an area inside it; and the
    verified £ estimate. Commitments for a whole ward (or a wider area) are shown on their own
    rows, not shared out between neighbourhoods. Ranked from the least delivered."""
)
def by_area(scope: Scope, groups: list[dict] | None = None) -> list[AreaRow]:
    tiles = _tile_areas(scope)
    if not tiles:
        return []
    groups = progress_groups(scope) if groups is None else groups
    grouped = _regroup(groups, "area__path", ("n", "due", "ratio_sum", "at_risk"))
    values = _verified_values(scope, groups, "area__path")
    objective_rows = _objective_links(scope)
    by_path = {t["path"]: dict(t, **_counters()) for t in tiles}

    def tile_for(path: str):
        return Area.nearest(path, by_path)

    wider: dict[str, dict] = {}  # commitments for a whole ward (or wider), above every tile
    names = _wider_areas(grouped, tile_for) if grouped else {}
    for row in grouped:
        tile = tile_for(row["area__path"]) or _wider_tile(wider, names, row["area__path"])
        if tile:
            tile["commitments"] += row["n"]
            tile["due"] += row["due"]
            tile["ratio_sum"] += row["ratio_sum"]
            tile["at_risk"] += row["at_risk"]
    for path, value in values.items():
        tile = tile_for(path) or wider.get(path)
        if tile:
            tile["verified_value"] += value
    for row in objective_rows:
        tile = tile_for(row["area__path"])
        if tile:
            tile["objective_links"] += row["n"]
    result = [_area_row(tile) for tile in [*by_path.values(), *wider.values()]]
    result.sort(key=lambda r: (r.percent is None, r.percent or 0, r.name))
    return result


def _counters() -> dict:
    """What a tile adds up, each starting from nothing."""
    return {
        "commitments": 0,
        "due": 0,
        "ratio_sum": 0.0,
        "at_risk": 0,
        "verified_value": ZERO,
        "objective_links": 0,
    }


def _objective_links(scope: Scope):
    """Per area path, how many active objectives name the area (a query, not yet run)."""
    return (
        Objective.areas.through.objects.filter(
            objective__in=objectives(scope).filter(status=Objective.Status.ACTIVE)
        )
        .order_by()
        .values("area__path")
        .annotate(n=Count("objective_id", distinct=True))
    )


def _wider_areas(grouped: list[dict], tile_for) -> dict[str, dict]:
    """The areas, by path, that commitments name but no tile holds: a whole ward or wider."""
    paths = [row["area__path"] for row in grouped if tile_for(row["area__path"]) is None]
    return {
        a["path"]: a
        for a in Area.objects.filter(path__in=paths).values(
            "pk", "path", "name", "kind", "gss_code"
        )
    }


def _wider_tile(wider: dict[str, dict], names: dict[str, dict], path: str) -> dict | None:
    """The row of its own for the wider area at `path`, made the first time it is asked for."""
    area = names.get(path)
    if area is None:
        return None
    return wider.setdefault(
        path,
        dict(
            area,
            name=f"{area['name']} (whole {Area.Kind(area['kind']).label.lower()})",
            **_counters(),
            wider=True,
        ),
    )


def _area_row(tile: dict) -> AreaRow:
    """A tile's figures as the map and the table show them, banded by what was delivered."""
    percent = int(tile["ratio_sum"] * 100 / tile["due"]) if tile["due"] else None
    band = band_for(percent)
    return AreaRow(
        area_id=tile["pk"],
        name=tile["name"],
        gss_code=tile["gss_code"],
        commitments=tile["commitments"],
        at_risk=tile["at_risk"],
        percent=percent,
        band=band,
        band_label=BANDS[band][1] if tile["commitments"] else "No commitments",
        verified_value=tile["verified_value"],
        has_objectives=tile["objective_links"] > 0,
        bar=min(percent or 0, 100),
        wider=tile.get("wider", False),
    )


@definition(
    """Gaps: neighbourhoods (or wards) with at least one active objective naming them or an area
    inside them but no current commitment there; and active objectives that no contract serves
    — no current commitment and not named in any contract's assessment (cancelled contracts
    aside)."""
)
def gaps(scope: Scope, areas: list[AreaRow] | None = None) -> dict:
    areas = by_area(scope) if areas is None else areas
    unserved_areas = [a for a in areas if a.has_objectives and not a.commitments and not a.wider]
    commitment = Commitment.objects.current().filter(objective_id=OuterRef("pk"))
    named = Assessment.objects.filter(objectives=OuterRef("pk")).exclude(
        contract__stage=Stage.CANCELLED
    )
    unserved = [
        UnservedObjectiveRow(**row)
        for row in objectives(scope)
        .filter(status=Objective.Status.ACTIVE)
        .filter(~Exists(commitment), ~Exists(named))
        .order_by("title")
        .values("pk", "title", "lead_organisation__name")
    ]
    return {"areas": unserved_areas, "objectives": unserved}
