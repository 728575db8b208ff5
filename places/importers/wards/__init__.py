"""Wards, and their places, from ONS ward lookups of any year.

`import_ward_lookup()` takes an ONS ward to local authority lookup (columns such as WD24CD,
WD24NM, WD24NMW, LAD24CD, LAD24NM; the year in the names varies), or a ward to ward change
lookup (WD23CD and WD24CD columns, names optional) that a council provides for a boundary
review. It checks every row first and then saves in one transaction, so a file with any
problem saves nothing at all.

Ward lookups, in short:

- Each local authority in the file is a place, matched by GSS code, then by name for a place
  with no code yet. With `place=`, only that place's rows are imported; the others are skipped.
- Each ward is matched by GSS code within its place (any year): its name, Welsh name and year
  are updated. A ward added by hand with the same name and no code adopts the code.
- A newer vintage retires the codes of the place's wards that it no longer lists (they are
  archived, never deleted). A new code with the name of a ward it retires is that ward's
  successor (same name, same local authority). Everything drawn on the retired wards is then
  carried to their successors (`places.carry`), and what could not be carried is reported.
- Codes only move forward: a file older than the codes a place already has is refused.

A ward to ward change lookup links each old code to its new codes (a ward split in two has two
rows), retires old codes still current, and carries their records the same way.
"""

from __future__ import annotations

from django.db import transaction

from socialvalue.csvimport import no_rows, read_table

from ...models import Place
from ..kinds import FileKind, detect, wrong_kind
from .changes import _import_changes
from .common import WARD_CODE, ImportReport, _Row, areas_by_code, successors_of
from .lookup import _plan_places, _plan_wards
from .rows import _check_rows, _read_header
from .writing import _write

__all__ = ["WARD_CODE", "ImportReport", "areas_by_code", "import_ward_lookup", "successors_of"]


def import_ward_lookup(
    file_obj, *, place: Place | None = None, dry_run: bool = False, by=None
) -> ImportReport:
    """Import wards (and their places) from an ONS ward lookup, or a ward to ward change lookup.

    `file_obj` is a text or binary file (binary is read as UTF-8; a byte order mark is fine).
    With `place`, only rows for that place are imported. With `dry_run`, everything is checked,
    counted and carried inside a transaction that is rolled back, so the report is complete.
    """
    report = ImportReport(dry_run=dry_run)
    table = read_table(file_obj, report)
    if table is None:
        return report
    guess = detect(table.header)
    if guess.kind == FileKind.WARD_CHANGES:
        report.kind = FileKind.WARD_CHANGES
        return _import_changes(table, place, report, by)
    sentence = wrong_kind(guess, FileKind.WARD_LOOKUP)
    if sentence:
        report.error(None, sentence)
        return report
    columns = _read_header(table, report)
    if columns is None:
        report.rows = 0  # no row could be read as a ward
        return report
    if no_rows(table, report):
        return report
    rows = [
        _Row(line, *(values[i] if i is not None else "" for i in columns))
        for line, values in table.rows
    ]
    rows = _check_rows(rows, place, report)
    plans = _plan_places(rows, place, report)
    wards = _plan_wards(plans, report)
    if report.errors:
        report.sort_errors()
        return report
    with transaction.atomic():
        _write(plans, wards, report, by)
        if report.errors or dry_run:
            transaction.set_rollback(True)
    report.sort_errors()
    report.saved = not report.errors and not dry_run
    return report
