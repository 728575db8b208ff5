"""Writes to places and areas. Each runs in one transaction and validates with full_clean(),
except `area_save` and `areas_save_in_bulk`, the writes beneath the others, which take areas
already validated."""

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from . import boundaries
from .models import Area, Place


@transaction.atomic
def area_save(area: Area) -> Area:
    """Save one validated area, new or changed, with its materialised path: its parent's path
    and its own padded id. When a saved area moves (a new parent, or none), every path below it
    is rewritten in one UPDATE, swapping the old prefix for the new one.

    Every write of a single area goes through here: `Area.save()` is Django's own and leaves
    `path` as it is. Importers writing thousands at once use `areas_save_in_bulk`.
    """
    if area._state.adding:
        area.save()  # the path is made of the id, which the INSERT gives
        area.path = area.path_under(_path_of(area.parent_id))
        Area.objects.filter(pk=area.pk).update(path=area.path)
        # The history row the INSERT wrote, in this transaction, has the path too.
        area.history.filter(history_type="+").update(path=area.path)
        return area
    # The stored paths, not the instance's: it may have been read before an ancestor moved.
    stored = dict(Area.objects.filter(pk__in=[area.pk, area.parent_id]).values_list("pk", "path"))
    old_path, parent_path = stored.get(area.pk, ""), stored.get(area.parent_id, "")
    if area.parent_id and area.parent_id not in stored:
        raise Area.DoesNotExist(f"No area {area.parent_id} to sit {area} inside")
    if old_path and parent_path.startswith(old_path):
        raise ValueError(f"{area} cannot sit inside itself or an area below it")
    area.path = area.path_under(parent_path)
    area.save()
    if old_path and old_path != area.path:
        Area.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(area.path), Substr("path", len(old_path) + 1))
        )
    return area


def _path_of(pk: int | None) -> str:
    """The stored path of area `pk` ("" for none, the top of the place)."""
    if pk is None:
        return ""
    return Area.objects.values_list("path", flat=True).get(pk=pk)


@transaction.atomic
def area_create(
    *,
    place: Place,
    kind: str,
    name: str,
    name_welsh: str = "",
    parent: Area | None = None,
    gss_code: str = "",
    gss_year: int | None = None,
    wards=(),
) -> Area:
    area = Area(
        place=place,
        kind=kind,
        name=name,
        name_welsh=name_welsh,
        parent=parent,
        gss_code=gss_code,
        gss_year=gss_year,
    )
    area.full_clean()
    area_save(area)
    if wards:
        area_set_wards(area=area, wards=wards)
    boundaries.refresh_derived(areas=boundaries.affected_by(area))
    return area


@transaction.atomic
def area_update(*, area: Area, **fields) -> Area:
    wards = fields.pop("wards", None)
    before = boundaries.affected_by(area) if "parent" in fields else []
    for name, value in fields.items():
        setattr(area, name, value)
    area.full_clean()
    area_save(area)
    if wards is not None:
        area_set_wards(area=area, wards=wards)
    if "parent" in fields:
        boundaries.refresh_derived(areas=before + boundaries.affected_by(area))
    return area


def area_shapes_before_edit(area: Area) -> list[Area]:
    """The derived areas whose shape depends on `area` where it is stored now: read before an
    edit made outside these services (the Django admin), for `area_shapes_after_edit`."""
    stored = Area.objects.filter(pk=area.pk).first() if area.pk else None
    return boundaries.affected_by(stored) if stored else []


@transaction.atomic
def area_shapes_after_edit(*, area: Area, before: list[Area]) -> int:
    """After an edit made outside these services (the Django admin: a new parent, other wards,
    archived): recompute the shapes that depended on the area where it was (`before`) and
    depend on it where it is now, as `area_update` does."""
    area.refresh_from_db(fields=["path", "kind"])
    return boundaries.refresh_derived(areas=[*before, *boundaries.affected_by(area), area])


@transaction.atomic
def area_set_wards(*, area: Area, wards) -> None:
    from django.core.exceptions import ValidationError

    wards = list(wards)
    if wards and area.kind != Area.Kind.GROUPING:
        raise ValidationError({"wards": "Only a council grouping is made of wards"})
    for ward in wards:
        if ward.kind != Area.Kind.WARD:
            raise ValidationError({"wards": f"{ward.name} is not a ward"})
        if ward.place_id != area.place_id:
            raise ValidationError({"wards": f"{ward.name} is not in {area.place.name}"})
    area.wards.set(wards)
    boundaries.refresh_derived(areas=[area])


@transaction.atomic
def area_archive(*, area: Area) -> Area:
    """Areas are archived, never deleted: objectives and contracts keep pointing at them."""
    if area.archived_at is None:
        area.archived_at = timezone.now()
        area.save(update_fields=["archived_at"])
        boundaries.refresh_derived(areas=boundaries.affected_by(area))
    return area


@transaction.atomic
def area_retire(*, area: Area, year: int) -> Area:
    """Retire an ONS code at a boundary review: the area is archived (never deleted) and
    remembers the year of the first lookup without it."""
    area.retired_year = year
    if area.archived_at is None:
        area.archived_at = timezone.now()
    area.save(update_fields=["retired_year", "archived_at"])
    boundaries.refresh_derived(areas=boundaries.affected_by(area))
    return area


@transaction.atomic
def area_add_successors(*, area: Area, successors) -> None:
    """Record which areas replaced `area`. Each must be a current area of the same kind and
    place, and not the area itself."""
    from django.core.exceptions import ValidationError

    for successor in successors:
        if successor.pk == area.pk:
            raise ValidationError({"successors": f"{area.name} cannot replace itself"})
        if successor.place_id != area.place_id or successor.kind != area.kind:
            raise ValidationError(
                {
                    "successors": f"{successor.name} is not a {area.get_kind_display().lower()} "
                    f"in {area.place.name}"
                }
            )
    area.successors.add(*successors)


BULK_BATCH = 500


@transaction.atomic
def areas_save_in_bulk(*, created=(), changes=(), by=None, reason: str = "") -> None:
    """Save many validated areas at once, with their history, for importers: `created` are new
    areas, top-level (wards) or under a parent read from the database (LSOAs under their
    wards); `changes` are (area, {field: new value}) pairs, the values already set on the area.

    Each area must already have passed `full_clean()`; uniqueness was checked for the whole file
    by the importer, and the database's constraints still hold. One area at a time costs four
    queries (row, path, history, many-to-many history); a whole-UK lookup would take minutes.
    """
    created, changes = list(created), list(changes)
    touched = created + [area for area, _ in changes]
    for area in touched:
        area._history_user = by
        area._change_reason = reason
    if created:
        if any(area.parent_id and not area.parent.path for area in created):
            raise ValueError("areas_save_in_bulk needs each parent as saved, with its path")
        Area.objects.bulk_create(created, batch_size=BULK_BATCH)
        for area in created:
            area.path = area.path_under(area.parent.path if area.parent_id else "")
        Area.objects.bulk_update(created, ["path"], batch_size=BULK_BATCH)
        Area.history.bulk_history_create(created, batch_size=BULK_BATCH)
    if changes:
        # One UPDATE per set of new values (a new vintage mostly moves every code to one year),
        # rather than bulk_update()'s CASE per row, which is slow on big files.
        groups: dict[tuple, list[int]] = {}
        for area, fields in changes:
            groups.setdefault(tuple(sorted(fields.items())), []).append(area.pk)
        for values, pks in groups.items():
            for start in range(0, len(pks), BULK_BATCH):
                Area.objects.filter(pk__in=pks[start : start + BULK_BATCH]).update(**dict(values))
        Area.history.bulk_history_create(
            [area for area, _ in changes], batch_size=BULK_BATCH, update=True
        )


@transaction.atomic
def areas_retire(*, areas, year: int, by=None) -> list[Area]:
    """Retire many ONS codes at once (see area_retire), reshaping the groupings made of them."""
    areas = list(areas)
    now = timezone.now()
    for area in areas:
        area.retired_year = year
        area.archived_at = area.archived_at or now
    areas_save_in_bulk(
        changes=[(area, {"retired_year": year, "archived_at": area.archived_at}) for area in areas],
        by=by,
        reason=f"Code retired: not in the {year} lookup",
    )
    groupings = Area.objects.filter(
        kind=Area.Kind.GROUPING, wards__in=[area.pk for area in areas]
    ).distinct()
    boundaries.refresh_derived(areas=list(groupings))
    return areas


@transaction.atomic
def areas_link_successors(*, links, by=None) -> None:
    """Record many (retired area, successor) pairs at once; each predecessor's history says so."""
    links = [(old, new) for old, new in links if old.pk != new.pk]
    if not links:
        return
    Through = Area.successors.through
    Through.objects.bulk_create(
        [Through(from_area_id=old.pk, to_area_id=new.pk) for old, new in links],
        ignore_conflicts=True,
        batch_size=BULK_BATCH,
    )
    names: dict[int, list[str]] = {}
    olds: dict[int, Area] = {}
    for old, new in links:
        names.setdefault(old.pk, []).append(f"{new.name} ({new.gss_code})")
        olds[old.pk] = old
    for pk, old in olds.items():
        old._history_user = by
        old._change_reason = f"Replaced by {', '.join(names[pk])}"
    Area.history.bulk_history_create(list(olds.values()), batch_size=BULK_BATCH, update=True)
