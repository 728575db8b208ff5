"""Carrying what was drawn on retired areas over to the areas that replaced them.

At a boundary review ONS re-codes wards. The new vintage's import retires the old codes
(archived, never deleted) and links each to its successors; then everything still drawn on a
retired ward is carried over: neighbourhoods and LSOAs inside it, council groupings made of
it, and, through this registry, the records of apps above places (objectives, proposals,
consultations, contracts and commitments, groups' working areas). Places must not import
those apps, so each registers its own handler in its AppConfig.ready():

    from places.carry import register_area_references
    register_area_references("objectives", carry_objective_areas)

A handler is called as `handler(successors=..., by=...)` inside the import's transaction (so a
dry run rolls it back and still reports), and returns a `CarryNote` for every record it
carried or could not carry. `carry_many()` and `carry_one()` do the work for the two usual
shapes of reference, a many-to-many field and a foreign key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction

from .models import Area

# A retired area -> the current areas that replaced it (empty when none is known).
Successors = dict[Area, list[Area]]
Handler = Callable[..., list["CarryNote"]]

_handlers: dict[str, Handler] = {}


@dataclass(frozen=True)
class CarryNote:
    """One record drawn on a retired area, and what became of it."""

    record: str  # "Objective “Cut food waste”"
    retired: str  # "Abbey Fields (E05099901, 2023)"
    carried: bool
    detail: str  # "now on Abbey Fields (E05099001, 2024)", or why it could not be carried

    def __str__(self) -> str:
        return f"{self.record}, drawn on {self.retired}: {self.detail}"


def register_area_references(label: str, handler: Handler) -> None:
    """Register the handler that carries one app's references (once per label)."""
    _handlers[label] = handler


def registered_labels() -> list[str]:
    return sorted(_handlers)


def describe(area: Area) -> str:
    return f"{area.name} ({area.code_label})" if area.gss_code else area.name


def _names(areas: Iterable[Area]) -> str:
    names = [describe(area) for area in areas]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@transaction.atomic
def carry_to_successors(*, successors: Successors, by=None) -> list[CarryNote]:
    """Carry every reference to the retired areas in `successors` over to their successors."""
    if not successors:
        return []
    notes = _carry_place_areas(successors)
    for label in sorted(_handlers):
        notes += _handlers[label](successors=successors, by=by)
    return notes


def carry_many(
    *,
    records,
    field: str,
    successors: Successors,
    describe_record,
    by=None,
    left_because: Callable | None = None,
    set_areas: Callable | None = None,
) -> list[CarryNote]:
    """Carry a many-to-many reference: each retired area is replaced by all its successors.

    `left_because(record)` may return a reason to leave a record where it is (a finished
    objective describes where it was, not where it would be now). `set_areas(record, areas)`
    does the write (a service); by default the many-to-many field is set.
    """
    retired = list(successors)
    notes = []
    chosen = records.filter(**{f"{field}__in": retired}).distinct().prefetch_related(field)
    for record in chosen:
        current = list(getattr(record, field).all())
        on_retired = [area for area in current if area in successors]
        reason = left_because(record) if left_because else None
        if reason is None:
            without = [area for area in on_retired if not successors[area]]
            for area in without:
                notes.append(
                    CarryNote(describe_record(record), describe(area), False, _no_successor(area))
                )
            movable = [area for area in on_retired if successors[area]]
            if not movable:
                continue
            kept = [area for area in current if area not in movable]
            new = kept + [s for area in movable for s in successors[area] if s not in kept]
            if set_areas:
                set_areas(record, new)
            else:
                record._history_user = by
                getattr(record, field).set(new)
            for area in movable:
                notes.append(
                    CarryNote(
                        describe_record(record),
                        describe(area),
                        True,
                        f"now on {_names(successors[area])}",
                    )
                )
        else:
            for area in on_retired:
                notes.append(CarryNote(describe_record(record), describe(area), False, reason))
    return notes


def carry_unfinished(
    *,
    records,
    successors: Successors,
    by=None,
    noun: str,
    finished: set,
    state: str = "status",
    finished_wording: str | None = None,
    describe_record: Callable | None = None,
) -> list[CarryNote]:
    """`carry_many` on a record's `areas`, leaving a finished one where it is: what it
    describes happened where it was, not where it would be now. A record is finished when
    its `state` field ("status", "stage") is in `finished`; its note then says "left where it
    is, because the <noun> is <state>" (or `finished_wording`, such as "has closed"). Records
    are named "<Noun> “<title>”" unless `describe_record` names them."""

    def left_because(record) -> str | None:
        if getattr(record, state) not in finished:
            return None
        wording = finished_wording or f"is {getattr(record, f'get_{state}_display')().lower()}"
        return f"left where it is, because the {noun} {wording}"

    return carry_many(
        records=records,
        field="areas",
        successors=successors,
        describe_record=describe_record or (lambda record: f"{noun.capitalize()} “{record.title}”"),
        by=by,
        left_because=left_because,
    )


def carry_one(
    *,
    records,
    field: str,
    successors: Successors,
    describe_record,
    by=None,
    save: Callable | None = None,
) -> list[CarryNote]:
    """Carry a foreign key: moved when the retired area has exactly one successor.

    `save(record, area)` does the write (a service); by default the field is set and the
    record validated and saved.
    """
    notes = []
    for record in records.filter(**{f"{field}__in": list(successors)}).select_related(field):
        area = getattr(record, field)
        after = successors[area]
        if len(after) == 1:
            if save:
                save(record, after[0])
            else:
                setattr(record, field, after[0])
                record._history_user = by
                record.full_clean()
                record.save()
            notes.append(
                CarryNote(
                    describe_record(record), describe(area), True, f"now on {describe(after[0])}"
                )
            )
        elif after:
            notes.append(
                CarryNote(
                    describe_record(record),
                    describe(area),
                    False,
                    f"the area was split into {_names(after)}, and this can be in only one: "
                    "choose which",
                )
            )
        else:
            notes.append(
                CarryNote(describe_record(record), describe(area), False, _no_successor(area))
            )
    return notes


def _no_successor(area: Area) -> str:
    return (
        "no successor is known. Import the ward to ward change lookup for "
        f"{area.retired_year or 'the new year'}, or choose a current area by hand"
    )


def _carry_place_areas(successors: Successors) -> list[CarryNote]:
    """Places' own references: areas inside a retired area, and groupings made of it."""
    from . import services

    def kind_and_name(area):
        return f"{area.get_kind_display()} {area.name}"

    def reparent(child, parent):
        services.area_update(area=child, parent=parent)

    notes = carry_one(
        records=Area.objects.current().exclude(pk__in=[a.pk for a in successors]),
        field="parent",
        successors=successors,
        describe_record=kind_and_name,
        save=reparent,
    )
    groupings = Area.objects.current().filter(kind=Area.Kind.GROUPING)
    notes += carry_many(
        records=groupings,
        field="wards",
        successors=successors,
        describe_record=kind_and_name,
        set_areas=lambda grouping, wards: services.area_set_wards(area=grouping, wards=wards),
    )
    return notes
