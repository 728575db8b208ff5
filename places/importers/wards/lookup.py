"""Reading, checking and planning an ONS ward lookup, before anything is written."""

from __future__ import annotations

import re

from django.utils.text import slugify

from socialvalue.csvimport import Table, check_encoding, join_words

from ...models import Area, Place
from .common import (
    AUTHORITY_CODE,
    PLACE_NAME_MAX,
    REQUIRED_COLUMNS,
    SLUG_MAX,
    WARD_CODE,
    WARD_NAME_MAX,
    ImportReport,
    _PlacePlan,
    _Row,
    _WardPlan,
    areas_by_code,
)

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
