"""Storing boundaries, deriving neighbourhoods' and groupings' shapes, and reading them for maps.

A neighbourhood's shape is the union of its current LSOAs' shapes, a council grouping's the
union of its current wards'. `refresh_derived()` recomputes them; the area services call it
whenever membership changes (an area created, moved, archived or retired, a grouping's wards
set), and the boundary and LSOA importers call it once after their rows.
"""

from __future__ import annotations

import shapely
from django.db import transaction

from . import geometry
from .models import Area, Boundary, Place

DERIVED_KINDS = (Area.Kind.NEIGHBOURHOOD, Area.Kind.GROUPING)
DERIVED_SOURCE = "Union of the current {members}' boundaries"


def boundary_fields(geom) -> dict:
    drawing = geometry.drawing(geom)
    return {
        "geometry": shapely.to_wkb(geom),
        "svg_path": drawing.svg_path,
        "min_x": drawing.min_x,
        "min_y": drawing.min_y,
        "max_x": drawing.max_x,
        "max_y": drawing.max_y,
        "label_x": drawing.label_x,
        "label_y": drawing.label_y,
    }


def latest(areas) -> dict[int, Boundary]:
    """Each area's newest boundary, by area id: one query whatever the number of areas, for
    the drawing worked out at import (the simplified shape itself is not read)."""
    ids = [area.pk if isinstance(area, Area) else area for area in areas]
    if not ids:
        return {}
    found: dict[int, Boundary] = {}
    for boundary in (
        Boundary.objects.filter(area_id__in=ids).defer("geometry").order_by("area_id", "-year")
    ):
        found.setdefault(boundary.area_id, boundary)
    return found


def _shape(boundary: Boundary):
    return shapely.from_wkb(bytes(boundary.geometry))


def affected_by(area: Area) -> list[Area]:
    """The derived areas whose shape depends on `area`: itself if derived, the neighbourhoods
    above it, and the groupings of a ward."""
    ids = [int(area.path[i : i + Area.PATH_STEP]) for i in range(0, len(area.path), Area.PATH_STEP)]
    chain = list(Area.objects.filter(pk__in=ids, kind__in=DERIVED_KINDS))
    if area.kind == Area.Kind.WARD:
        chain += list(area.groupings.all())
    return chain


@transaction.atomic
def refresh_derived(*, place: Place | None = None, areas=None) -> int:
    """Recompute the shapes of derived areas: `areas` (those of a derived kind among them), or
    every neighbourhood and grouping of `place`. How many shapes were written or removed."""
    if areas is not None:
        targets = {a.pk: a for a in areas if a.kind in DERIVED_KINDS}.values()
    else:
        targets = Area.objects.filter(place=place, kind__in=DERIVED_KINDS)
    targets = list(targets)
    if not targets:
        return 0
    members: dict[int, list[int]] = {}
    neighbourhoods = [a for a in targets if a.kind == Area.Kind.NEIGHBOURHOOD]
    groupings = [a for a in targets if a.kind == Area.Kind.GROUPING]
    paths = dict(
        Area.objects.filter(pk__in=[a.pk for a in neighbourhoods]).values_list("pk", "path")
    )
    for area in neighbourhoods:
        members[area.pk] = list(
            Area.objects.current()
            .filter(kind=Area.Kind.LSOA, path__startswith=paths[area.pk])
            .values_list("pk", flat=True)
        )
    if groupings:
        through = Area.wards.through.objects.filter(
            from_area_id__in=[a.pk for a in groupings], to_area__archived_at__isnull=True
        )
        for grouping_id, ward_id in through.values_list("from_area_id", "to_area_id"):
            members.setdefault(grouping_id, []).append(ward_id)
    shapes = latest({pk for ids in members.values() for pk in ids})
    full = {
        b.pk: b
        for b in Boundary.objects.filter(pk__in=[b.pk for b in shapes.values()]).only(
            "pk", "geometry", "year"
        )
    }
    written = 0
    for area in targets:
        found = [full[shapes[pk].pk] for pk in members.get(area.pk, []) if pk in shapes]
        existing = Boundary.objects.filter(area=area, derived=True)
        if not found:
            written += existing.delete()[0]
            continue
        geom = geometry.union([_shape(b) for b in found])
        year = max(b.year for b in found)
        what = "LSOAs" if area.kind == Area.Kind.NEIGHBOURHOOD else "wards"
        existing.exclude(year=year).delete()
        Boundary.objects.update_or_create(
            area=area,
            year=year,
            defaults={
                "derived": True,
                "source": DERIVED_SOURCE.format(members=what),
                **boundary_fields(geom),
            },
        )
        written += 1
    return written
