"""Ward to ward change lookups: link old codes to new, retire the old, carry their records."""

from __future__ import annotations

from django.db import transaction

from socialvalue.csvimport import Table, join_words, no_rows

from ... import services
from ...carry import carry_to_successors
from ...models import Area, Place
from ..kinds import code_columns
from .common import WARD_CODE, ImportReport, _code, areas_by_code, successors_of

# Ward to ward change lookups -------------------------------------------------------------------


def _import_changes(table: Table, place: Place | None, report: ImportReport, by) -> ImportReport:
    """Link old ward codes to new ones from a change lookup, retire the old, carry records."""
    found = _year_columns(table, report)
    if found is None or no_rows(table, report):
        return report
    old_year, new_year, old_column, new_column = found
    pairs: list[tuple[int, str, str]] = []
    for row_line, values in table.rows:
        old, new = values[old_column], values[new_column]
        bad = [code for code in (old, new) if not WARD_CODE.match(code)]
        for code in bad:
            report.error(row_line, f'ward code "{code}" is not a GSS ward code (like E05012345)')
        if not bad and old != new:
            pairs.append((row_line, old, new))
    links = _links(pairs, place, old_year, new_year, report)
    if report.errors:
        report.sort_errors()
        return report
    with transaction.atomic():
        retired: dict[int, Area] = {}
        for old, new in links:
            if not old.successors.filter(pk=new.pk).exists():
                services.area_add_successors(area=old, successors=[new])
                report.links.append((_code(old), _code(new)))
                report.created += 1
            else:
                report.unchanged += 1
            if old.archived_at is None:
                services.area_retire(area=old, year=new_year)
                report.retired.append(f"{old.name} ({old.gss_code}, {old.gss_year})")
            retired[old.pk] = old
        report.carried = carry_to_successors(
            successors=successors_of(list(retired.values())), by=by
        )
        if report.dry_run:
            transaction.set_rollback(True)
    report.saved = not report.dry_run
    return report


def _year_columns(table: Table, report: ImportReport) -> tuple[int, int, int, int] | None:
    """The old and new years and their code columns (None, refused, unless there are
    exactly two years, each with its code column)."""
    columns = code_columns(table.header)["WD"]
    years = sorted(columns)
    line = table.header_line
    if len(years) != 2:
        report.error(
            line,
            f"the file has ward columns for {len(years)} years "
            f"({join_words([str(y) for y in years], 'and')}). A ward to ward change lookup has "
            "two: the old year and the new",
        )
        return None
    old_year, new_year = years
    report.year = new_year
    old_column = table.column(f"WD{old_year % 100:02d}CD")
    new_column = table.column(f"WD{new_year % 100:02d}CD")
    missing = [
        name
        for name, column in (
            (f"WD{old_year % 100:02d}CD", old_column),
            (f"WD{new_year % 100:02d}CD", new_column),
        )
        if column is None
    ]
    if missing:
        report.error(line, f"the file has no {join_words(missing)} column")
        return None
    return old_year, new_year, old_column, new_column


def _links(pairs, place: Place | None, old_year: int, new_year: int, report: ImportReport):
    """The (old ward, new ward) pairs this import may link; a row that cannot be linked is
    skipped (another place's ward) or an error."""
    coded = areas_by_code(
        sorted({code for _, old, new in pairs for code in (old, new)}), kind=Area.Kind.WARD
    )

    def ward(code):
        found = coded.get(code, [])
        return found[0] if found else None

    links: list[tuple[Area, Area]] = []
    for row_line, old_code, new_code in pairs:
        old, new = ward(old_code), ward(new_code)
        if place is not None:
            old = old if old and old.place_id == place.pk else None
            new = new if new and new.place_id == place.pk else None
        if old is None:
            report.skipped += 1  # another place's ward, or a code this service never had
            continue
        if new is None:
            report.error(
                row_line,
                f"ward code {new_code} ({new_year}) is not a ward in {old.place.name} yet. "
                f"Import the ward lookup for {new_year} first",
            )
        elif new.place_id != old.place_id:
            report.error(
                row_line,
                f"ward {old_code} is in {old.place.name} but ward {new_code} is in "
                f"{new.place.name}",
            )
        elif new.archived_at is not None:
            report.error(
                row_line,
                f"ward {new.name} ({new_code}) is archived, so it cannot replace another ward",
            )
        elif old.gss_year and old.gss_year > old_year and old.archived_at is None:
            report.error(
                row_line,
                f"ward {old.name} ({old_code}) is in the {old.gss_year} lookup, so it was not "
                f"replaced in {new_year}",
            )
        else:
            links.append((old, new))
    return links
