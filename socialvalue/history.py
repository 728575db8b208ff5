"""A readable change history ("who changed what, and when") built from django-simple-history.

`timeline()` takes historical querysets (one per kind of record) and returns entries, newest
first, each listing the fields that changed with their old and new values. It costs a fixed
number of queries: one per queryset, one per kind of related object named in the changes, and
one per many-to-many field; the diffing itself is done in Python.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

IGNORED = {
    "id",
    "updated_at",
    "created_at",
    "path",
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
    "history_relation",
}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime
    who: str
    action: str
    subject: str
    changes: list[Change] = field(default_factory=list)


@dataclass
class Source:
    """Historical records of one kind. `subject(record)` names the record in the timeline;
    `m2m` maps a many-to-many field name to (historical through model, related model)."""

    records: models.QuerySet
    subject: object
    m2m: dict = field(default_factory=dict)


def _display(value, model_field, lookups) -> str:
    if value is None or value == "":
        return "(none)"
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field is not None and model_field.is_relation:
        return str(lookups.get(model_field.related_model, {}).get(value, f"#{value}"))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, date):
        return date_format(value, "j F Y")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "…"


def timeline(sources: list[Source], *, limit: int = 100) -> list[Entry]:
    """The changes recorded in `sources`, newest first: a fixed number of queries per source
    (its records, one per related model, one per many-to-many field)."""
    entries: list[Entry] = []
    for source in sources:
        entries.extend(_source_entries(source))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def _source_entries(source: Source) -> list[Entry]:
    hist_model = source.records.model
    model = hist_model.instance_type
    tracked = [
        f
        for f in model._meta.concrete_fields
        if f.attname not in IGNORED
        and f.name not in IGNORED
        and any(h.attname == f.attname for h in hist_model._meta.concrete_fields)
    ]
    records = list(
        source.records.select_related("history_user").order_by("history_date", "history_id")
    )
    lookups = _related_names(tracked, records)
    m2m_sets = _m2m_sets(source, records, lookups)
    entries = []
    previous: dict[int, object] = {}
    for record in records:
        before = previous.get(record.id)
        changes = _field_changes(tracked, before, record, lookups)
        changes += _m2m_changes(source, model, m2m_sets, before, record, lookups)
        previous[record.id] = record
        action = {"+": "Created", "~": "Changed", "-": "Deleted"}[record.history_type]
        if action == "Changed" and not changes:
            continue
        who = record.history_user.full_name if record.history_user else "The system"
        entries.append(Entry(record.history_date, who, action, source.subject(record), changes))
    return entries


def _related_names(tracked, records) -> dict[type, dict]:
    """Names for related ids, one query per related model."""
    wanted: dict[type, set] = defaultdict(set)
    for f in tracked:
        if f.is_relation:
            for r in records:
                value = getattr(r, f.attname)
                if value is not None:
                    wanted[f.related_model].add(value)
    return {
        related: {o.pk: o for o in related._default_manager.filter(pk__in=ids)}
        for related, ids in wanted.items()
    }


def _m2m_sets(source: Source, records, lookups: dict) -> dict[str, dict[int, set]]:
    """Many-to-many sets per historical record, one query per field (and the related
    objects' names added to `lookups`)."""
    m2m_sets: dict[str, dict[int, set]] = {}
    for name, (through, related) in source.m2m.items():
        sets: dict[int, set] = defaultdict(set)
        rows = through.objects.filter(history_id__in=[r.history_id for r in records]).values_list(
            "history_id", related._meta.model_name
        )
        for history_id, related_id in rows:
            sets[history_id].add(related_id)
        m2m_sets[name] = sets
        ids = set().union(*sets.values()) if sets else set()
        lookups[related] = {
            **lookups.get(related, {}),
            **{o.pk: o for o in related._default_manager.filter(pk__in=ids)},
        }
    return m2m_sets


def _field_changes(tracked, before, record, lookups) -> list[Change]:
    changes: list[Change] = []
    if record.history_type == "~" and before is not None:
        for f in tracked:
            old, new = getattr(before, f.attname), getattr(record, f.attname)
            if old != new:
                changes.append(
                    Change(
                        str(f.verbose_name).capitalize(),
                        _display(old, f, lookups),
                        _display(new, f, lookups),
                    )
                )
    return changes


def _m2m_changes(source, model, m2m_sets, before, record, lookups) -> list[Change]:
    changes: list[Change] = []
    for name, (_through, related) in source.m2m.items():
        old_set = m2m_sets[name].get(before.history_id, set()) if before else set()
        new_set = m2m_sets[name].get(record.history_id, set())
        if old_set != new_set and (before is not None or new_set):
            names = lookups.get(related, {})
            label = str(model._meta.get_field(name).verbose_name).capitalize()
            changes.append(
                Change(
                    label,
                    ", ".join(sorted(str(names.get(i, i)) for i in old_set)) or "(none)",
                    ", ".join(sorted(str(names.get(i, i)) for i in new_set)) or "(none)",
                )
            )
    return changes


def as_user(instance, by):
    """`instance`, with `by` recorded as who made the change its next save writes to the
    history. Services call it before saving: the one way the acting person is recorded."""
    instance._history_user = by
    return instance
