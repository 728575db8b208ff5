"""Imports places and wards from ONS lookups.

`import_ward_lookup()` reads an ONS ward to local authority lookup (columns such as WD24CD,
WD24NM, LAD24CD, LAD24NM; the year in the column names varies). It checks every row first and
then saves in one transaction, so a file with any problem saves nothing at all.

Rules, in short:

- Each local authority in the file is a place, matched by GSS code, then by name for a place
  with no code yet. With `place=`, only that place's rows are imported; the others are skipped.
- Each ward is matched by GSS code within its place (any year): its name and year are updated.
  A ward with the same name and no code adopts the code. A ward with the same name and another
  code (a boundary change) blocks the row, because names are unique within a place.
- Codes and names only move forward: a file older than the codes a place already has is refused.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from .models import Area, Place

WARD_CODE = re.compile(r"^(E05|W05|S13|N08)\d{6}$")
AUTHORITY_CODE = re.compile(r"^(E06|E07|E08|E09|W06|S12|N09)\d{6}$")
COLUMN = re.compile(r"^(WD|LAD)(\d{2})(CD|NM)$", re.IGNORECASE)
REQUIRED_COLUMNS = [("WD", "CD"), ("WD", "NM"), ("LAD", "CD"), ("LAD", "NM")]
WARD_NAME_MAX = Area._meta.get_field("name").max_length
PLACE_NAME_MAX = Place._meta.get_field("name").max_length
SLUG_MAX = Place._meta.get_field("slug").max_length
QUERY_CHUNK = 500  # stays under SQLite's limit on query parameters


@dataclass(frozen=True)
class RowError:
    """A problem with the file. `line` is the physical line in the CSV (the header is line 1)."""

    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message[:1].upper() + self.message[1:]
        return f"Line {self.line}: {self.message}"


@dataclass
class ImportReport:
    """What an import did (or, for a dry run or a file with errors, would have done).

    Ward counts are `created`, `updated` and `unchanged`; `skipped` counts rows for other local
    authorities when importing for one place. If `errors` is not empty, nothing was saved.
    """

    dry_run: bool = False
    year: int | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    places_created: int = 0
    places_updated: int = 0
    places_unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    saved: bool = False

    @property
    def rejected(self) -> int:
        """How many lines have at least one problem."""
        return len({error.line for error in self.errors if error.line is not None})

    def error(self, line: int | None, message: str) -> None:
        self.errors.append(RowError(line, message))


@dataclass
class _Row:
    line: int
    ward_code: str
    ward_name: str
    authority_code: str
    authority_name: str


@dataclass
class _PlacePlan:
    place: Place  # unsaved when it is to be created
    line: int  # the first line for this local authority
    create: bool = False
    changes: dict = field(default_factory=dict)
    rows: list[_Row] = field(default_factory=list)
    failed: bool = False


@dataclass
class _WardPlan:
    line: int
    place_plan: _PlacePlan
    area: Area | None  # None: create
    fields: dict


def import_ward_lookup(
    file_obj: Iterable[str] | Iterable[bytes], *, place: Place | None = None, dry_run: bool = False
) -> ImportReport:
    """Import wards (and their places) from an ONS ward to local authority lookup CSV.

    `file_obj` is a text or binary file (a binary one is read as UTF-8; a byte order mark is
    fine). With `place`, only rows for that place's local authority are imported. With
    `dry_run`, everything is checked and counted but nothing is saved.
    """
    report = ImportReport(dry_run=dry_run)
    rows = _read(file_obj, report)
    if rows is None:
        return report
    rows = _check_rows(rows, place, report)
    plans = _plan_places(rows, place, report)
    wards = _plan_wards(plans, report)
    if report.errors:
        report.errors.sort(key=lambda error: error.line or 0)
        return report
    with transaction.atomic():
        _write(plans, wards, report)
        if report.errors or dry_run:
            transaction.set_rollback(True)
    report.errors.sort(key=lambda error: error.line or 0)
    report.saved = not report.errors and not dry_run
    return report


# Reading ---------------------------------------------------------------------------------------


def _text_lines(file_obj) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    first = True
    for chunk in file_obj:
        if isinstance(chunk, bytes):
            yield decoder.decode(chunk)
        else:
            yield chunk.removeprefix("\ufeff") if first else chunk
        first = False
    decoder.decode(b"", final=True)


def _read(file_obj, report: ImportReport) -> list[_Row] | None:
    """Read the header and the rows. None if the file cannot be read as a lookup at all."""
    reader = csv.reader(_text_lines(file_obj))
    rows: list[_Row] = []
    columns = None
    width = 0
    previous_line = 0
    try:
        for values in reader:
            line, previous_line = previous_line + 1, reader.line_num
            if not any(value.strip() for value in values):
                continue  # blank lines, such as one at the end of the file
            if columns is None:
                columns = _read_header(values, line, report)
                if columns is None:
                    return None
                width = len(values)
                continue
            report.rows += 1
            if len(values) != width:
                report.error(
                    line, f"the row has {len(values)} values but the header has {width} columns"
                )
                continue
            rows.append(_Row(line, *(values[index].strip() for index in columns)))
    except UnicodeDecodeError:
        report.error(None, "the file is not UTF-8 text. Save it as ‘CSV UTF-8’ and try again")
        return None
    except csv.Error as exc:
        report.error(reader.line_num, f"the file is not a valid CSV file ({exc})")
        return None
    if columns is None:
        report.error(None, "the file is empty")
        return None
    if not report.rows:
        report.error(None, "the file has a header but no rows")
        return None
    return rows


def _read_header(values: list[str], line: int, report: ImportReport) -> list[int] | None:
    """Find the required columns and the year. Their positions, in REQUIRED_COLUMNS order."""
    found: dict[tuple[str, str], int] = {}
    years: dict[int, list[str]] = {}
    for index, value in enumerate(values):
        name = value.strip().upper()
        match = COLUMN.match(name)
        if not match:
            continue  # other columns, such as FID or WD24NMW, are not needed
        key = (match[1], match[3])
        if key in found:
            report.error(line, f"the file has more than one {match[1]}yy{match[3]} column")
            return None
        found[key] = index
        years.setdefault(2000 + int(match[2]), []).append(name)
    if not found:
        report.error(
            line,
            "the file has no WDyyCD, WDyyNM, LADyyCD or LADyyNM columns, so it is not an ONS "
            "ward to local authority lookup",
        )
        return None
    if len(years) > 1:
        described = ", ".join(
            f"{' and '.join(names)} for {year}" for year, names in sorted(years.items())
        )
        report.error(
            line, f"the columns are for different years ({described}). Use a lookup for one year"
        )
        return None
    (year,) = years
    report.year = year
    missing = [
        f"{prefix}{year % 100:02d}{suffix}"
        for prefix, suffix in REQUIRED_COLUMNS
        if (prefix, suffix) not in found
    ]
    if missing:
        noun = "column" if len(missing) == 1 else "columns"
        report.error(line, f"the file has no {_join(missing)} {noun}")
        return None
    return [found[key] for key in REQUIRED_COLUMNS]


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


# Checking rows ---------------------------------------------------------------------------------


def _check_rows(rows: list[_Row], place: Place | None, report: ImportReport) -> list[_Row]:
    """Check each row on its own and against the rest of the file. The rows to import."""
    good: list[_Row] = []
    code_lines: dict[str, int] = {}
    name_lines: dict[tuple[str, str], int] = {}
    authority_names: dict[str, tuple[str, int]] = {}
    authority_codes: dict[str, tuple[str, int]] = {}
    for row in rows:
        problems = []
        if not row.authority_code:
            problems.append("local authority code is missing")
        elif not AUTHORITY_CODE.match(row.authority_code):
            problems.append(
                f'local authority code "{row.authority_code}" is not a GSS local authority '
                "code (like E09000033)"
            )
        elif place and place.gss_code and row.authority_code != place.gss_code:
            report.skipped += 1
            continue
        if not row.ward_code:
            problems.append("ward code is missing")
        elif not WARD_CODE.match(row.ward_code):
            problems.append(f'ward code "{row.ward_code}" is not a GSS ward code (like E05012345)')
        problems += _name_problems("ward name", row.ward_name, WARD_NAME_MAX)
        if place is None:
            problems += _name_problems("local authority name", row.authority_name, PLACE_NAME_MAX)
        if problems:
            for problem in problems:
                report.error(row.line, problem)
            continue

        if row.ward_code in code_lines:
            problems.append(
                f"ward code {row.ward_code} is already on line {code_lines[row.ward_code]}"
            )
        else:
            code_lines[row.ward_code] = row.line
        name_key = (row.authority_code, row.ward_name)
        if name_key in name_lines:
            problems.append(
                f'ward name "{row.ward_name}" is already on line {name_lines[name_key]} for the '
                "same local authority"
            )
        else:
            name_lines[name_key] = row.line
        if place is None:
            name, line = authority_names.setdefault(
                row.authority_code, (row.authority_name, row.line)
            )
            if name != row.authority_name:
                problems.append(
                    f'local authority {row.authority_code} is called "{name}" on line {line}, '
                    f'not "{row.authority_name}"'
                )
            code, line = authority_codes.setdefault(
                row.authority_name, (row.authority_code, row.line)
            )
            if code != row.authority_code:
                problems.append(
                    f'local authority name "{row.authority_name}" is already used for {code} '
                    f"on line {line}"
                )
        for problem in problems:
            report.error(row.line, problem)
        if not problems:
            good.append(row)
    return good


def _name_problems(label: str, value: str, max_length: int) -> list[str]:
    if not value:
        return [f"{label} is missing"]
    if len(value) > max_length:
        return [f"{label} is longer than {max_length} characters"]
    return []


# Planning --------------------------------------------------------------------------------------


def _plan_places(rows: list[_Row], place: Place | None, report: ImportReport) -> list[_PlacePlan]:
    by_authority: dict[str, list[_Row]] = {}
    for row in rows:
        by_authority.setdefault(row.authority_code, []).append(row)
    year = report.year
    if place is not None:
        if not by_authority:
            return []
        place = Place.objects.get(pk=place.pk)  # a fresh copy: the caller's is left alone
        if not place.gss_code:
            if len(by_authority) > 1:
                report.error(
                    None,
                    f"{place.name} has no GSS code yet, and the file has wards for "
                    f"{len(by_authority)} local authorities. Give {place.name} its local "
                    "authority code first, or use a file for one local authority",
                )
                return []
            (code,) = by_authority
            other = Place.objects.filter(gss_code=code).exclude(pk=place.pk).first()
            if other:
                report.error(
                    by_authority[code][0].line,
                    f"local authority code {code} is already used by {other.name}",
                )
                return []
            changes = {"gss_code": code, "gss_year": year}
        else:
            changes = {"gss_year": year} if (place.gss_year or 0) < year else {}
        rows_for_place = next(iter(by_authority.values()))
        return [_PlacePlan(place, rows_for_place[0].line, changes=changes, rows=rows_for_place)]

    existing = list(Place.objects.all())
    by_code = {p.gss_code: p for p in existing if p.gss_code}
    by_name = {p.name: p for p in existing}
    slugs = {p.slug for p in existing}
    plans = []
    for code, authority_rows in by_authority.items():
        line, name = authority_rows[0].line, authority_rows[0].authority_name
        found = by_code.get(code)
        if found:
            changes = {}
            if found.name != name:
                holder = by_name.get(name)
                if holder and holder != found:
                    report.error(
                        line,
                        f'local authority {code} is now called "{name}", but another place '
                        f"({holder.slug}) already has that name. Rename that place first",
                    )
                    continue
                changes["name"] = name
            if (found.gss_year or 0) < year:
                changes["gss_year"] = year
            plans.append(_PlacePlan(found, line, changes=changes, rows=authority_rows))
        elif name in by_name:
            found = by_name[name]
            if found.gss_code:
                report.error(
                    line,
                    f'local authority name "{name}" is already used by the place {found.slug}, '
                    f"which has the GSS code {found.gss_code}",
                )
                continue
            changes = {"gss_code": code, "gss_year": year}
            plans.append(_PlacePlan(found, line, changes=changes, rows=authority_rows))
        else:
            new = Place(
                name=name, slug=_unique_slug(name, code, slugs), gss_code=code, gss_year=year
            )
            plans.append(_PlacePlan(new, line, create=True, rows=authority_rows))
    return plans


def _unique_slug(name: str, code: str, taken: set[str]) -> str:
    base = slugify(name)[:SLUG_MAX].strip("-") or code.lower()
    slug, number = base, 2
    while slug in taken:
        suffix = f"-{number}"
        slug = base[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
        number += 1
    taken.add(slug)
    return slug


def _plan_wards(plans: list[_PlacePlan], report: ImportReport) -> list[_WardPlan]:
    year = report.year
    codes = [row.ward_code for plan in plans for row in plan.rows]
    coded: dict[str, list[Area]] = {}
    for start in range(0, len(codes), QUERY_CHUNK):
        chunk = codes[start : start + QUERY_CHUNK]
        for area in Area.objects.filter(gss_code__in=chunk).select_related("place"):
            coded.setdefault(area.gss_code, []).append(area)
    place_ids = [plan.place.pk for plan in plans if not plan.create]
    wards_by_place: dict[int, list[Area]] = {}
    for area in Area.objects.filter(place__in=place_ids, kind=Area.Kind.WARD):
        wards_by_place.setdefault(area.place_id, []).append(area)

    ward_plans: list[_WardPlan] = []
    for plan in plans:
        place = plan.place
        wards = wards_by_place.get(place.pk, []) if not plan.create else []
        newest = max([place.gss_year or 0] + [w.gss_year or 0 for w in wards])
        if newest > year:
            report.error(
                plan.line,
                f"{place.name} already has GSS codes from {newest}, and this file is for "
                f"{year}. Use a lookup for {newest} or later",
            )
            continue
        by_name = {ward.name: ward for ward in wards}
        place_plans: list[_WardPlan] = []
        for row in plan.rows:
            others = [
                area
                for area in coded.get(row.ward_code, [])
                if plan.create or area.place_id != place.pk or area.kind != Area.Kind.WARD
            ]
            if others:
                other = others[0]
                report.error(
                    row.line,
                    f"ward code {row.ward_code} is already used by the "
                    f'{other.get_kind_display().lower()} "{other.name}" in {other.place.name}',
                )
                continue
            matches = [area for area in coded.get(row.ward_code, []) if area not in others]
            if matches:
                area = max(matches, key=lambda a: (a.gss_year == year, a.gss_year or 0))
                changes = {}
                if area.name != row.ward_name:
                    changes["name"] = row.ward_name
                if area.gss_year != year:
                    changes["gss_year"] = year
                place_plans.append(_WardPlan(row.line, plan, area, changes))
            elif row.ward_name in by_name and not by_name[row.ward_name].gss_code:
                area = by_name[row.ward_name]  # a ward added by hand: it takes the code
                changes = {"gss_code": row.ward_code, "gss_year": year}
                place_plans.append(_WardPlan(row.line, plan, area, changes))
            else:
                fields = {"name": row.ward_name, "gss_code": row.ward_code, "gss_year": year}
                place_plans.append(_WardPlan(row.line, plan, None, fields))

        # Names are unique in a place, so a new or renamed ward needs its name to be free, or to
        # be freed by another ward in this file being renamed.
        renamed = {wp.area.pk for wp in place_plans if wp.area and "name" in wp.fields}
        for ward_plan in place_plans:
            if ward_plan.area and "name" not in ward_plan.fields:
                continue
            holder = by_name.get(ward_plan.fields["name"])
            if holder is None or holder.pk in renamed or holder == ward_plan.area:
                continue
            used_by = (
                f"ward {holder.gss_code} from {holder.gss_year}"
                if holder.gss_code
                else "a ward with no GSS code"
            )
            report.error(
                ward_plan.line,
                f'ward name "{ward_plan.fields["name"]}" is already used by {used_by} in '
                f"{place.name}. Rename that ward first",
            )
        ward_plans += place_plans

    for ward_plan in ward_plans:
        if ward_plan.area is None:
            report.created += 1
        elif ward_plan.fields:
            report.updated += 1
        else:
            report.unchanged += 1
    for plan in plans:
        if plan.create:
            report.places_created += 1
        elif plan.changes:
            report.places_updated += 1
        else:
            report.places_unchanged += 1
    return ward_plans


# Writing ---------------------------------------------------------------------------------------


def _write(plans: list[_PlacePlan], ward_plans: list[_WardPlan], report: ImportReport) -> None:
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

    by_place: dict[int, list[_WardPlan]] = {}
    for ward_plan in ward_plans:
        if not ward_plan.place_plan.failed:
            by_place.setdefault(id(ward_plan.place_plan), []).append(ward_plan)
    for place_ward_plans in by_place.values():
        renames = [wp for wp in place_ward_plans if wp.area and "name" in wp.fields]
        others = [wp for wp in place_ward_plans if wp.area and "name" not in wp.fields]
        creates = [wp for wp in place_ward_plans if wp.area is None]
        for ward_plan in _rename_order(renames):
            _save_ward(ward_plan, report)
        for ward_plan in others:
            if ward_plan.fields:
                _save_ward(ward_plan, report)
        for ward_plan in creates:
            _save_ward(ward_plan, report)


def _rename_order(renames: list[_WardPlan]) -> Iterator[_WardPlan]:
    """Order renames so that no name is taken twice at once (North → North West, then
    North East → North). A swap of two names goes through a temporary name."""
    if not renames:
        return
    place = renames[0].area.place_id
    held = dict(Area.objects.filter(place=place, kind=Area.Kind.WARD).values_list("name", "pk"))
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


def _save_ward(ward_plan: _WardPlan, report: ImportReport) -> None:
    """Save one ward through full_clean() and save(), so clean() runs and history is recorded.

    This does what services.area_create() and area_update() do, less their per-row queries
    for the unique constraints: those were checked for the whole file at once above, and the
    database still enforces them. That keeps a lookup for the whole UK to seconds, not minutes.
    """
    area = ward_plan.area or Area(place=ward_plan.place_plan.place, kind=Area.Kind.WARD)
    for name, value in ward_plan.fields.items():
        setattr(area, name, value)
    try:
        area.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        report.error(ward_plan.line, "; ".join(exc.messages))
        return
    area.save()
