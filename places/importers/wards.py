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

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from socialvalue.csvimport import Report, Table, check_encoding, join_words, no_rows, read_table

from .. import services
from ..carry import CarryNote, carry_to_successors
from ..models import Area, Place
from .kinds import FileKind, code_columns, detect, wrong_kind

WARD_CODE = re.compile(r"^(E05|W05|S13|N08)\d{6}$")
AUTHORITY_CODE = re.compile(r"^(E06|E07|E08|E09|W06|S12|N09)\d{6}$")
REQUIRED_COLUMNS = [("WD", "CD"), ("WD", "NM"), ("LAD", "CD"), ("LAD", "NM")]
WARD_NAME_MAX = Area._meta.get_field("name").max_length
PLACE_NAME_MAX = Place._meta.get_field("name").max_length
SLUG_MAX = Place._meta.get_field("slug").max_length
QUERY_CHUNK = 500  # stays under SQLite's limit on query parameters


@dataclass
class ImportReport(Report):
    """What a ward import did (or would have done).

    Ward counts are `created`, `updated` and `unchanged`; `skipped` counts rows for other local
    authorities. `retired` names the codes retired, `links` each (old, new) succession, and
    `carried` what became of each record drawn on a retired ward.
    """

    kind: FileKind = FileKind.WARD_LOOKUP
    year: int | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    places_created: int = 0
    places_updated: int = 0
    places_unchanged: int = 0
    retired: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    carried: list[CarryNote] = field(default_factory=list)

    @property
    def not_carried(self) -> list[CarryNote]:
        return [note for note in self.carried if not note.carried]


@dataclass
class _Row:
    line: int
    ward_code: str
    ward_name: str
    authority_code: str
    authority_name: str
    ward_name_welsh: str = ""


@dataclass
class _PlacePlan:
    place: Place  # unsaved when it is to be created
    line: int  # the first line for this local authority
    create: bool = False
    changes: dict = field(default_factory=dict)
    rows: list[_Row] = field(default_factory=list)
    failed: bool = False
    retire: list[Area] = field(default_factory=list)


@dataclass
class _WardPlan:
    line: int
    place_plan: _PlacePlan
    area: Area | None  # None: create
    fields: dict
    predecessor: Area | None = None


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


# Reading ---------------------------------------------------------------------------------------


def _read_header(table: Table, report: ImportReport) -> list[int | None] | None:
    """The positions of the ward code and name, local authority code and name, and the Welsh
    ward name (None when the file has none)."""
    line = table.header_line
    found: dict[tuple[str, str], int] = {}
    years: dict[int, list[str]] = {}
    for index, value in enumerate(table.header):
        name = value.strip().upper()
        match = re.match(r"^(WD|LAD)(\d{2})(CD|NM|NMW)$", name)
        if not match:
            continue  # other columns, such as FID or ObjectId, are not needed
        key = (match[1], match[3])
        if key in found:
            report.error(line, f"the file has more than one {match[1]}yy{match[3]} column")
            return None
        found[key] = index
        if match[3] != "NMW":
            years.setdefault(2000 + int(match[2]), []).append(name)
    if not years:
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
        report.error(line, f"the file has no {join_words(missing)} {noun}")
        return None
    return [found[key] for key in REQUIRED_COLUMNS] + [found.get(("WD", "NMW"))]


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
        if len(row.ward_name_welsh) > WARD_NAME_MAX:
            problems.append(f"Welsh ward name is longer than {WARD_NAME_MAX} characters")
        if place is None:
            problems += _name_problems("local authority name", row.authority_name, PLACE_NAME_MAX)
        if problems:
            for problem in problems:
                report.error(row.line, problem)
            continue
        encoded_well = [
            check_encoding(report, row.line, label, value)
            for label, value in (
                ("ward name", row.ward_name),
                ("Welsh ward name", row.ward_name_welsh),
                ("local authority name", row.authority_name),
            )
        ]
        if not all(encoded_well):
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


def areas_by_code(codes: list[str], **filters) -> dict[str, list[Area]]:
    """Areas with these GSS codes (any year), in chunks that fit SQLite's parameter limit."""
    coded: dict[str, list[Area]] = {}
    for start in range(0, len(codes), QUERY_CHUNK):
        chunk = codes[start : start + QUERY_CHUNK]
        for area in Area.objects.filter(gss_code__in=chunk, **filters).select_related("place"):
            coded.setdefault(area.gss_code, []).append(area)
    return coded


def _plan_wards(plans: list[_PlacePlan], report: ImportReport) -> list[_WardPlan]:
    year = report.year
    coded = areas_by_code([row.ward_code for plan in plans for row in plan.rows])
    place_ids = [plan.place.pk for plan in plans if not plan.create]
    wards_by_place: dict[int, list[Area]] = {}
    for area in Area.objects.filter(place__in=place_ids, kind=Area.Kind.WARD):
        wards_by_place.setdefault(area.place_id, []).append(area)

    ward_plans: list[_WardPlan] = []
    for plan in plans:
        place = plan.place
        wards = wards_by_place.get(place.pk, []) if not plan.create else []
        current = [ward for ward in wards if ward.archived_at is None]
        newest = max([place.gss_year or 0] + [w.gss_year or 0 for w in current])
        if newest > year:
            report.error(
                plan.line,
                f"{place.name} already has GSS codes from {newest}, and this file is for "
                f"{year}. Use a lookup for {newest} or later",
            )
            continue
        in_file = {row.ward_code for row in plan.rows}
        # Codes of an older vintage that this one no longer lists are retired at this import.
        plan.retire = [
            ward
            for ward in current
            if ward.gss_code and ward.gss_code not in in_file and (ward.gss_year or 0) < year
        ]
        retiring = {ward.pk for ward in plan.retire}
        retiring_by_name = {ward.name: ward for ward in plan.retire}
        by_name = {ward.name: ward for ward in current if ward.pk not in retiring}
        place_plans: list[_WardPlan] = []
        for row in plan.rows:
            found = coded.get(row.ward_code, [])
            others = [
                area
                for area in found
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
            matches = [area for area in found if area not in others]
            if matches:
                area = max(matches, key=lambda a: (a.gss_year == year, a.gss_year or 0))
                if area.retired_year:
                    report.error(
                        row.line,
                        f"ward code {row.ward_code} was retired in {area.retired_year}, and ONS "
                        f"does not reuse codes. Check that the file is the lookup for {year}",
                    )
                    continue
                changes = {}
                if area.name != row.ward_name:
                    changes["name"] = row.ward_name
                if area.name_welsh != row.ward_name_welsh:
                    changes["name_welsh"] = row.ward_name_welsh
                if area.gss_year != year:
                    changes["gss_year"] = year
                place_plans.append(_WardPlan(row.line, plan, area, changes))
            elif row.ward_name in by_name and not by_name[row.ward_name].gss_code:
                area = by_name[row.ward_name]  # a ward added by hand: it takes the code
                changes = {"gss_code": row.ward_code, "gss_year": year}
                if row.ward_name_welsh:
                    changes["name_welsh"] = row.ward_name_welsh
                place_plans.append(_WardPlan(row.line, plan, area, changes))
            else:
                fields = {
                    "name": row.ward_name,
                    "name_welsh": row.ward_name_welsh,
                    "gss_code": row.ward_code,
                    "gss_year": year,
                }
                predecessor = retiring_by_name.get(row.ward_name)
                place_plans.append(_WardPlan(row.line, plan, None, fields, predecessor))

        # Names are unique among a place's current wards, so a new or renamed ward needs its
        # name to be free, or to be freed by another ward in this file being renamed (or
        # retired: a re-coded ward keeps its name).
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
        report.retired += [f"{w.name} ({w.gss_code}, {w.gss_year})" for w in plan.retire]
    return ward_plans


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


def successors_of(retired: list[Area]) -> dict[Area, list[Area]]:
    """Each retired area's current successors, in one query."""
    found: dict[int, list[Area]] = {area.pk: [] for area in retired}
    through = Area.successors.through.objects.filter(
        from_area_id__in=list(found), to_area__archived_at__isnull=True
    ).select_related("to_area")
    for link in through.order_by("to_area__name"):
        found[link.from_area_id].append(link.to_area)
    return {area: found[area.pk] for area in retired}


def _code(area: Area) -> str:
    return f"{area.name} ({area.gss_code}, {area.gss_year})"


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
    """Validate and save one ward through save(), so its history is recorded."""
    area = _validated(ward_plan, report)
    if area is not None:
        area.save()
    return area


# Ward to ward change lookups -------------------------------------------------------------------


def _import_changes(table: Table, place: Place | None, report: ImportReport, by) -> ImportReport:
    """Link old ward codes to new ones from a change lookup, retire the old, carry records."""
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
        return report
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
        return report
    if no_rows(table, report):
        return report

    pairs: list[tuple[int, str, str]] = []
    for row_line, values in table.rows:
        old, new = values[old_column], values[new_column]
        bad = [code for code in (old, new) if not WARD_CODE.match(code)]
        for code in bad:
            report.error(row_line, f'ward code "{code}" is not a GSS ward code (like E05012345)')
        if not bad and old != new:
            pairs.append((row_line, old, new))
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
