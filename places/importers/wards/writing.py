"""Writing a checked ward lookup: places, wards, renames and retirements, in one transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ... import services
from ...carry import carry_to_successors
from ...models import Area
from .common import ImportReport, _code, _PlacePlan, _WardPlan, successors_of

# Writing ---------------------------------------------------------------------------------------


def _write(plans: list[_PlacePlan], ward_plans: list[_WardPlan], report: ImportReport, by) -> None:
    """Save everything planned. Call inside a transaction: on errors the caller rolls back."""
    for plan in plans:
        if not (plan.create or plan.changes):
            continue
        for name, value in plan.changes.items():
            setattr(plan.place, name, value)
        try:
            plan.place.full_clean()
        except ValidationError as exc:
            report.error(plan.line, "; ".join(exc.messages))
            plan.failed = True
            continue
        plan.place.save()

    retiring = [ward for plan in plans if not plan.failed for ward in plan.retire]
    retired = services.areas_retire(areas=retiring, year=report.year, by=by) if retiring else []

    by_place: dict[int, list[_WardPlan]] = {}
    for ward_plan in ward_plans:
        if not ward_plan.place_plan.failed:
            by_place.setdefault(id(ward_plan.place_plan), []).append(ward_plan)
    created: list[_WardPlan] = []
    changes: list[tuple[Area, dict]] = []
    for place_ward_plans in by_place.values():
        renames = [wp for wp in place_ward_plans if wp.area and "name" in wp.fields]
        for ward_plan in _rename_order(renames):
            _save_ward(ward_plan, report)  # one by one: a swap of names needs its order
        for ward_plan in place_ward_plans:
            if ward_plan.area is None:
                created.append(ward_plan)
            elif (
                ward_plan.fields
                and "name" not in ward_plan.fields
                and _validated(ward_plan, report) is not None
            ):
                changes.append((ward_plan.area, ward_plan.fields))
    new_areas = [_validated(wp, report) for wp in created]
    if report.errors:
        return
    reason = f"Imported from the {report.year} ward lookup"
    services.areas_save_in_bulk(created=new_areas, changes=changes, by=by, reason=reason)
    links = [
        (wp.predecessor, area)
        for wp, area in zip(created, new_areas, strict=True)
        if wp.predecessor is not None
    ]
    services.areas_link_successors(links=links, by=by)
    report.links = [(_code(old), _code(new)) for old, new in links]
    if not retired:
        return
    report.carried = carry_to_successors(successors=successors_of(retired), by=by)


def _rename_order(renames: list[_WardPlan]):
    """Order renames so that no name is taken twice at once (North → North West, then
    North East → North). A swap of two names goes through a temporary name."""
    if not renames:
        return
    place = renames[0].area.place_id
    held = dict(
        Area.objects.filter(place=place, kind=Area.Kind.WARD).current().values_list("name", "pk")
    )
    pending = renames
    while pending:
        waiting = []
        for ward_plan in pending:
            holder = held.get(ward_plan.fields["name"])
            if holder is not None and holder != ward_plan.area.pk:
                waiting.append(ward_plan)
                continue
            held.pop(ward_plan.area.name, None)
            held[ward_plan.fields["name"]] = ward_plan.area.pk
            yield ward_plan
        if len(waiting) == len(pending):
            # A cycle: move one ward out of the way without recording history for the step.
            ward_plan = waiting[0]
            temporary = f"{ward_plan.area.name} (being renamed {ward_plan.area.pk})"
            Area.objects.filter(pk=ward_plan.area.pk).update(name=temporary)
            held.pop(ward_plan.area.name, None)
            held[temporary] = ward_plan.area.pk
        pending = waiting


def _validated(ward_plan: _WardPlan, report: ImportReport) -> Area | None:
    """The ward with the planned fields set, checked by full_clean() (less the per-row queries:
    uniqueness was checked for the whole file at once above, and the database still enforces
    it; the place was saved above and a ward has no parent). None, with the error, if it fails."""
    area = ward_plan.area or Area(place=ward_plan.place_plan.place, kind=Area.Kind.WARD)
    for name, value in ward_plan.fields.items():
        setattr(area, name, value)
    try:
        area.full_clean(
            exclude=["place", "parent"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        report.error(ward_plan.line, "; ".join(exc.messages))
        return None
    return area


def _save_ward(ward_plan: _WardPlan, report: ImportReport) -> Area | None:
    """Validate and save one ward through the service, so its history is recorded."""
    area = _validated(ward_plan, report)
    if area is not None:
        services.area_save(area)
    return area
