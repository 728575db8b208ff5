"""Writes to places and areas. Each runs in one transaction and validates with full_clean()."""

from django.db import transaction
from django.utils import timezone

from . import boundaries
from .models import Area, Place


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
    area.save()
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
    area.save()
    if wards is not None:
        area_set_wards(area=area, wards=wards)
    if "parent" in fields:
        boundaries.refresh_derived(areas=before + boundaries.affected_by(area))
    return area


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
