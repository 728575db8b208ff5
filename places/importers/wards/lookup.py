"""Planning an ONS ward lookup's places and wards from its checked rows (`rows`), before
anything is written (`writing`)."""

from __future__ import annotations

from django.utils.text import slugify

from ...models import Area, Place
from .common import (
    SLUG_MAX,
    ImportReport,
    _PlacePlan,
    _Row,
    _WardPlan,
    areas_by_code,
)

# Planning --------------------------------------------------------------------------------------


def _plan_places(rows: list[_Row], place: Place | None, report: ImportReport) -> list[_PlacePlan]:
    by_authority: dict[str, list[_Row]] = {}
    for row in rows:
        by_authority.setdefault(row.authority_code, []).append(row)
    year = report.year
    if place is not None:
        return _plan_one_place(by_authority, place, report)
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


def _plan_one_place(
    by_authority: dict[str, list[_Row]], place: Place, report: ImportReport
) -> list[_PlacePlan]:
    """Importing for one place: the file's wards are its wards; a place without a GSS code
    takes the file's one local authority's code."""
    year = report.year
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
    """Each row's ward: matched by code (or by name, for a ward added by hand) or new, and
    the wards of an older vintage this file no longer lists, retired."""
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
        by_name = {ward.name: ward for ward in current if ward.pk not in retiring}
        place_plans = [
            ward_plan
            for row in plan.rows
            if (ward_plan := _plan_row(row, plan, coded, by_name, report)) is not None
        ]
        _check_names(place_plans, by_name, place, report)
        ward_plans += place_plans
    _count(plans, ward_plans, report)
    return ward_plans


def _plan_row(row: _Row, plan: _PlacePlan, coded, by_name, report: ImportReport):
    """The row's ward: the one with its code, a hand-made one of its name, or a new one
    (succeeding a retiring ward of the same name). None, with an error, if it cannot be."""
    year, place = report.year, plan.place
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
        return None
    matches = [area for area in found if area not in others]
    if matches:
        area = max(matches, key=lambda a: (a.gss_year == year, a.gss_year or 0))
        if area.retired_year:
            report.error(
                row.line,
                f"ward code {row.ward_code} was retired in {area.retired_year}, and ONS "
                f"does not reuse codes. Check that the file is the lookup for {year}",
            )
            return None
        changes = {}
        if area.name != row.ward_name:
            changes["name"] = row.ward_name
        if area.name_welsh != row.ward_name_welsh:
            changes["name_welsh"] = row.ward_name_welsh
        if area.gss_year != year:
            changes["gss_year"] = year
        return _WardPlan(row.line, plan, area, changes)
    if row.ward_name in by_name and not by_name[row.ward_name].gss_code:
        area = by_name[row.ward_name]  # a ward added by hand: it takes the code
        changes = {"gss_code": row.ward_code, "gss_year": year}
        if row.ward_name_welsh:
            changes["name_welsh"] = row.ward_name_welsh
        return _WardPlan(row.line, plan, area, changes)
    fields = {
        "name": row.ward_name,
        "name_welsh": row.ward_name_welsh,
        "gss_code": row.ward_code,
        "gss_year": year,
    }
    predecessor = {ward.name: ward for ward in plan.retire}.get(row.ward_name)
    return _WardPlan(row.line, plan, None, fields, predecessor)


def _check_names(place_plans: list[_WardPlan], by_name, place: Place, report) -> None:
    """Names are unique among a place's current wards, so a new or renamed ward needs its
    name to be free, or to be freed by another ward in this file being renamed (or retired:
    a re-coded ward keeps its name)."""
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


def _count(plans: list[_PlacePlan], ward_plans: list[_WardPlan], report: ImportReport) -> None:
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
