"""LSOAs under their wards, from an ONS LSOA to ward lookup.

`import_lsoa_lookup()` reads a lookup such as "LSOA (2021) to Electoral Ward (2024) to LAD
(2024) Best Fit Lookup" (columns LSOA21CD, LSOA21NM, WD24CD, WD24NM, LAD24CD, LAD24NM) for one
place. Each LSOA of the place's wards is created under its ward, or moved there:

- an LSOA already under its ward (directly or in one of its neighbourhoods) stays where it is;
- an LSOA directly under another ward, under a retired ward, or under nothing moves to the
  ward the lookup names;
- an LSOA in a neighbourhood of another ward stays in its neighbourhood (people drew it), and
  the report says that the lookup puts it elsewhere.

The wards must be the place's current wards: import the ward lookup of the same year first.
As every importer here, it checks the whole file first and writes nothing if any row is bad.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from socialvalue.csvimport import Report, check_encoding, join_words, no_rows, read_table

from .. import boundaries, services
from ..models import Area, Place
from .kinds import FileKind, code_columns, detect, wrong_kind
from .wards import WARD_CODE, areas_by_code

LSOA_CODE = re.compile(r"^[EW]01\d{6}$")
NAME_MAX = Area._meta.get_field("name").max_length


@dataclass
class LsoaReport(Report):
    lsoa_year: int | None = None
    ward_year: int | None = None
    created: int = 0
    moved: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0


@dataclass
class _Plan:
    line: int
    code: str
    name: str
    name_welsh: str
    ward: Area
    area: Area | None  # None: create
    move: bool = False
    changes: dict | None = None


def import_lsoa_lookup(file_obj, *, place: Place, dry_run: bool = False) -> LsoaReport:
    report = LsoaReport(dry_run=dry_run)
    table = read_table(file_obj, report)
    if table is None:
        return report
    sentence = wrong_kind(detect(table.header), FileKind.LSOA_WARD_LOOKUP)
    if sentence:
        report.error(None, sentence)
        return report
    index = _column_index(table, report)
    if index is None:
        return report
    if no_rows(table, report):
        return report

    plans = _plan(table, index, place, report)
    if report.errors:
        report.sort_errors()
        return report
    with transaction.atomic():
        _write(plans, report)
        boundaries.refresh_derived(place=place)
        if report.errors or dry_run:
            transaction.set_rollback(True)
    report.sort_errors()
    report.saved = not report.errors and not dry_run
    return report


def _column_index(table, report: LsoaReport) -> dict | None:
    """Where each column the lookup needs is (settling the LSOA and ward years), or None,
    refused, if one is missing."""
    columns = code_columns(table.header)
    needed = []
    for prefix in ("LSOA", "WD"):
        years = columns.get(prefix, {})
        if len(years) != 1:
            needed.append(f"{prefix}yyCD")
    if needed:
        report.error(
            table.header_line,
            f"the file has no single {join_words(needed, 'and')} column, so it is not an LSOA "
            "to ward lookup",
        )
        return None
    (report.lsoa_year,) = columns["LSOA"]
    (report.ward_year,) = columns["WD"]
    lsoa_yy, ward_yy = report.lsoa_year % 100, report.ward_year % 100
    index = {
        key: table.column(name)
        for key, name in (
            ("code", f"LSOA{lsoa_yy:02d}CD"),
            ("name", f"LSOA{lsoa_yy:02d}NM"),
            ("welsh", f"LSOA{lsoa_yy:02d}NMW"),
            ("ward", f"WD{ward_yy:02d}CD"),
            (
                "authority",
                next((c for c in table.header if re.match(r"^LAD\d\dCD$", c.upper())), ""),
            ),
        )
    }
    missing = [
        name
        for key, name in (
            ("code", f"LSOA{lsoa_yy:02d}CD"),
            ("name", f"LSOA{lsoa_yy:02d}NM"),
            ("ward", f"WD{ward_yy:02d}CD"),
        )
        if index[key] is None
    ]
    if missing:
        report.error(table.header_line, f"the file has no {join_words(missing)} column")
        return None
    return index


def _value(values, position):
    return values[position] if position is not None else ""


def _checked_rows(table, index, place: Place, report: LsoaReport) -> list[tuple]:
    """The rows for the place whose codes and names are well formed, each LSOA once."""
    rows = []
    seen: dict[str, int] = {}
    for line, values in table.rows:
        code, name = values[index["code"]], values[index["name"]]
        welsh, ward_code = _value(values, index["welsh"]), values[index["ward"]]
        authority = _value(values, index["authority"])
        if authority and place.gss_code and authority != place.gss_code:
            report.skipped += 1
            continue
        problems = []
        if not LSOA_CODE.match(code):
            problems.append(f'LSOA code "{code}" is not a GSS LSOA code (like E01012345)')
        if not WARD_CODE.match(ward_code):
            problems.append(f'ward code "{ward_code}" is not a GSS ward code (like E05012345)')
        if not name:
            problems.append("LSOA name is missing")
        elif len(name) > NAME_MAX:
            problems.append(f"LSOA name is longer than {NAME_MAX} characters")
        if code in seen:
            problems.append(f"LSOA code {code} is already on line {seen[code]}")
        else:
            seen[code] = line
        for problem in problems:
            report.error(line, problem)
        encoded_well = [
            check_encoding(report, line, label, value)
            for label, value in (("LSOA name", name), ("Welsh LSOA name", welsh))
        ]
        if not problems and all(encoded_well):
            rows.append((line, code, name, welsh, ward_code))
    return rows


def _plan(table, index, place: Place, report: LsoaReport) -> list[_Plan]:
    rows = _checked_rows(table, index, place, report)
    wards = {
        area.gss_code: area
        for area in Area.objects.filter(place=place, kind=Area.Kind.WARD).exclude(gss_code="")
    }
    lsoas = areas_by_code([row[1] for row in rows])
    # Each LSOA's nearest ward, from its path, in one query.
    ancestor_ids = {
        int(area.path[i : i + Area.PATH_STEP])
        for found in lsoas.values()
        for area in found
        for i in range(0, len(area.path) - Area.PATH_STEP, Area.PATH_STEP)
    }
    ancestors = Area.objects.in_bulk(ancestor_ids)
    plans: list[_Plan] = []
    for line, code, name, welsh, ward_code in rows:
        ward = wards.get(ward_code)
        if ward is None:
            if place.gss_code:
                report.error(
                    line,
                    f"ward {ward_code} is not a ward of {place.name}. Import the ward lookup "
                    f"for {report.ward_year} first",
                )
            else:
                report.skipped += 1
            continue
        if ward.archived_at is not None:
            year = f" in {ward.retired_year}" if ward.retired_year else ""
            report.error(
                line,
                f"ward {ward.name} ({ward_code}) was retired{year}. Use the LSOA to ward lookup "
                "for the place's current wards",
            )
            continue
        found = lsoas.get(code, [])
        if any(area.place_id != place.pk or area.kind != Area.Kind.LSOA for area in found):
            other = found[0]
            report.error(
                line,
                f"LSOA code {code} is already used by the {other.get_kind_display().lower()} "
                f'"{other.name}" in {other.place.name}',
            )
            continue
        if not found:
            plans.append(_Plan(line, code, name, welsh, ward, None))
            continue
        plans.append(_plan_existing(line, code, name, welsh, ward, found[0], ancestors, report))
    return plans


def _plan_existing(line, code, name, welsh, ward, area, ancestors, report: LsoaReport) -> _Plan:
    """An LSOA already recorded: what changes, and whether it moves to the lookup's ward (one
    kept in a neighbourhood of its current ward stays, with a note)."""
    changes = {
        key: value
        for key, value in (
            ("name", name),
            ("name_welsh", welsh),
            ("gss_year", report.lsoa_year),
        )
        if getattr(area, key) != value
    }
    chain = [
        ancestors.get(int(area.path[i : i + Area.PATH_STEP]))
        for i in range(0, len(area.path) - Area.PATH_STEP, Area.PATH_STEP)
    ]
    chain = [a for a in chain if a is not None]
    its_ward = next((a for a in reversed(chain) if a.kind == Area.Kind.WARD), None)
    plan = _Plan(line, code, name, welsh, ward, area, changes=changes)
    if its_ward == ward:
        pass
    elif (
        area.parent
        and area.parent.kind == Area.Kind.NEIGHBOURHOOD
        and its_ward
        and (its_ward.archived_at is None)
    ):
        report.note(
            f"LSOA {name} ({code}) stays in the neighbourhood {area.parent.name} (in "
            f"{its_ward.name}), though the lookup puts it in {ward.name}"
        )
    else:
        plan.move = True
    return plan


def _write(plans: list[_Plan], report: LsoaReport) -> None:
    """Save what was planned: new LSOAs all at once (`services.areas_save_in_bulk`; one
    `area_create` each took about a tenth of a second, minutes for a county), changes and
    moves one by one through `services.area_update`. Errors go on the report; the caller
    rolls back if there are any."""
    new_areas = _new_areas([plan for plan in plans if plan.area is None], report)
    for plan in plans:
        if plan.area is None:
            continue
        fields = dict(plan.changes or {})
        if plan.move:
            fields["parent"] = plan.ward
        if not fields:
            report.unchanged += 1
            continue
        try:
            services.area_update(area=plan.area, **fields)
        except ValidationError as exc:
            report.error(plan.line, "; ".join(exc.messages))
            continue
        if plan.move:
            report.moved += 1
        else:
            report.updated += 1
    if new_areas and not report.errors:
        services.areas_save_in_bulk(
            created=new_areas, reason=f"Imported from the {report.ward_year} LSOA to ward lookup"
        )
        report.created += len(new_areas)


def _new_areas(plans: list[_Plan], report: LsoaReport) -> list[Area]:
    """The new LSOAs, each checked by full_clean() less its per-row queries, and their names
    checked against each other and the place's current LSOAs in one query (their codes were
    checked while planning)."""
    areas = []
    for plan in plans:
        area = Area(
            place_id=plan.ward.place_id,
            kind=Area.Kind.LSOA,
            name=plan.name,
            name_welsh=plan.name_welsh,
            parent=plan.ward,
            gss_code=plan.code,
            gss_year=report.lsoa_year,
        )
        try:
            # Place and ward were read from the database: no query per row to find them again.
            area.full_clean(
                exclude=["place", "parent"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            report.error(plan.line, "; ".join(exc.messages))
            continue
        areas.append((plan, area))
    taken = set()
    if areas:
        taken = set(
            Area.objects.current()
            .filter(place_id=areas[0][1].place_id, kind=Area.Kind.LSOA)
            .filter(name__in=[area.name for _, area in areas])
            .values_list("name", flat=True)
        )
    first_line: dict[str, int] = {}
    for plan, area in areas:
        if area.name in taken:
            report.error(plan.line, f'there is already a current LSOA named "{area.name}"')
        elif area.name in first_line:
            report.error(
                plan.line, f'LSOA name "{area.name}" is already on line {first_line[area.name]}'
            )
        first_line.setdefault(area.name, plan.line)
    return [area for _, area in areas]
