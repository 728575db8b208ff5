"""Need for a place's LSOAs: indices of deprivation and population estimates, as published.

`import_need()` reads one of:

- the English Indices of Deprivation (MHCLG), file 1 or file 7 saved as CSV: columns "LSOA code
  (2011)" or "LSOA code (2021)", "Local Authority District code (2019)", "Index of Multiple
  Deprivation (IMD) Rank" and "… Decile" (file 7 adds "(where 1 is most deprived …)");
- the Welsh Index of Multiple Deprivation (Welsh Government): "LSOA code", "WIMD 2019 overall
  rank" (or "… LSOA Rank") and "WIMD 2019 overall decile";
- ONS LSOA population estimates saved as CSV: "LSOA 2021 Code" and "Total" (mid-2021 on), or
  "LSOA Code" and "All Ages" (to mid-2020), with the local authority code columns.

It stores the figures of the place's LSOAs under a `NeedSource` that records the title,
publisher, edition or mid-year, publication date and licence, so every figure made from them
can say where it came from. Rows for other local authorities are skipped. As every importer
here, it checks the whole file first and writes nothing if any row is bad.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from socialvalue.csvimport import Report, join_words, no_rows, read_table
from socialvalue.dates import date_problem

from ..models import Area, LsoaFigure, NeedSource, Place
from .kinds import (
    IMD_DECILE,
    IMD_LSOA,
    IMD_RANK,
    WIMD_DECILE,
    WIMD_RANK,
    FileKind,
    detect,
    wrong_kind,
)

LSOA_CODE = re.compile(r"^[EW]01\d{6}$")
SHOWN = 5
KIND_OF_FILE = {
    FileKind.DEPRIVATION_ENGLAND: NeedSource.Kind.DEPRIVATION_ENGLAND,
    FileKind.DEPRIVATION_WALES: NeedSource.Kind.DEPRIVATION_WALES,
    FileKind.POPULATION: NeedSource.Kind.POPULATION,
}
PUBLISHERS = {
    NeedSource.Kind.DEPRIVATION_ENGLAND: "Ministry of Housing, Communities and Local Government",
    NeedSource.Kind.DEPRIVATION_WALES: "Welsh Government",
    NeedSource.Kind.POPULATION: "Office for National Statistics",
}


def default_title(kind: str, year: int) -> str:
    if kind == NeedSource.Kind.DEPRIVATION_ENGLAND:
        return f"English Indices of Deprivation {year}"
    if kind == NeedSource.Kind.DEPRIVATION_WALES:
        return f"Welsh Index of Multiple Deprivation {year}"
    return f"Lower layer Super Output Area population estimates, mid-{year}"


@dataclass
class NeedReport(Report):
    kind: str = ""
    year: int | None = None
    lsoa_year: int | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    source: NeedSource | None = None


@dataclass
class _Columns:
    code: int
    rank: int | None = None
    decile: int | None = None
    population: int | None = None
    authority: int | None = None


def import_need(
    file_obj,
    *,
    place: Place,
    published_on: datetime.date,
    year: int | None = None,
    title: str = "",
    publisher: str = "",
    file_name: str = "",
    licence: str = "Open Government Licence v3.0",
    dry_run: bool = False,
) -> NeedReport:
    """Import deprivation ranks and deciles, or population estimates, for `place`'s LSOAs.

    `year` is the edition (2019 for the Indices of Deprivation 2019) or the mid-year of the
    estimates; a Welsh index names its own year in its columns.
    """
    report = NeedReport(dry_run=dry_run)
    if problem := date_problem(published_on, what="publication date"):
        report.error(None, problem)
        return report
    table = read_table(file_obj, report)
    if table is None:
        return report
    kind = _kind_of_file(table, report)
    if kind is None:
        return report
    report.kind = KIND_OF_FILE[kind]
    columns = _columns(table, kind, report)
    if columns is None or not _has_year(table, year, report) or no_rows(table, report):
        return report
    values = _read_rows(table, columns, place, report)
    matched = _place_lsoas(values, place, report)
    if matched is None:
        return report
    ours, lsoas = matched
    with transaction.atomic():
        source, _ = NeedSource.objects.update_or_create(
            place=place,
            kind=report.kind,
            year=report.year,
            defaults={
                "title": title or default_title(report.kind, report.year),
                "publisher": publisher or PUBLISHERS[report.kind],
                "published_on": published_on,
                "lsoa_year": report.lsoa_year,
                "file_name": file_name[:255],
                "licence": licence,
                "imported_at": timezone.now(),
            },
        )
        source.full_clean()
        report.source = source
        _save_figures(source, ours, lsoas, report)
        if dry_run:
            transaction.set_rollback(True)
    report.saved = not dry_run
    return report


def _kind_of_file(table, report: NeedReport):
    """The file's kind if it is deprivation or population figures (None, refused, if not)."""
    guess = detect(table.header)
    if guess.kind in KIND_OF_FILE:
        return guess.kind
    if guess.kind == FileKind.UNKNOWN:
        report.error(
            table.header_line,
            "the file has none of the columns of the English Indices of Deprivation, the "
            "Welsh Index of Multiple Deprivation or ONS LSOA population estimates",
        )
    else:
        report.error(
            None,
            wrong_kind(guess, FileKind.DEPRIVATION_ENGLAND).replace(
                "not an English Indices of Deprivation file",
                "not an index of deprivation or population estimates",
            ),
        )
    return None


def _has_year(table, year: int | None, report: NeedReport) -> bool:
    """Settle the figures' year: the one the file names (which must agree with `year`), or
    `year`. False, refused, when they disagree or neither gives one."""
    if report.year is not None and year is not None and year != report.year:
        report.error(
            table.header_line, f"the file is for {report.year}, not {year}. Check the year"
        )
        return False
    report.year = report.year or year
    if report.year is None:
        noun = "mid-year" if report.kind == NeedSource.Kind.POPULATION else "edition year"
        report.error(None, f"enter the {noun} of the figures, like 2022")
        return False
    return True


def _place_lsoas(values: dict, place: Place, report: NeedReport):
    """The file's figures for `place`'s LSOAs, and those LSOAs by code; notes what was
    skipped or missing. None, refused, if the rows had errors or none is the place's."""
    lsoas = {
        area.gss_code: area
        for area in Area.objects.filter(place=place, kind=Area.Kind.LSOA).exclude(gss_code="")
    }
    ours = {code: found for code, found in values.items() if code in lsoas}
    others = [code for code in values if code not in lsoas]
    if report.errors:
        report.sort_errors()
        return None
    if not ours:
        report.error(
            None,
            f"none of the {len(values)} LSOAs in the file is an LSOA of {place.name}. Import its "
            "LSOA to ward lookup first, or check that the file covers it",
        )
        return None
    if others:
        report.skipped += len(others)
        report.note(
            f"{len(others)} LSOAs in the file are not LSOAs of {place.name} and were skipped "
            f"({_some(others)})"
        )
    absent = sorted(
        code for code in lsoas if code not in values and lsoas[code].archived_at is None
    )
    if absent:
        report.note(f"{len(absent)} of {place.name}'s LSOAs are not in the file ({_some(absent)})")
    if report.lsoa_year is None:
        years = [lsoas[code].gss_year for code in ours if lsoas[code].gss_year]
        report.lsoa_year = max(set(years), key=years.count) if years else report.year
    return ours, lsoas


def _save_figures(source, ours: dict, lsoas: dict, report: NeedReport) -> None:
    """Create, update or leave each LSOA's figure of `source` (inside the import's
    transaction)."""
    existing = {f.area_id: f for f in LsoaFigure.objects.filter(source=source)}
    new, changed = [], []
    for code, (rank, decile, population) in ours.items():
        area = lsoas[code]
        figure = existing.get(area.pk)
        if figure is None:
            new.append(
                LsoaFigure(
                    source=source, area=area, rank=rank, decile=decile, population=population
                )
            )
        elif (figure.rank, figure.decile, figure.population) != (rank, decile, population):
            figure.rank, figure.decile, figure.population = rank, decile, population
            changed.append(figure)
        else:
            report.unchanged += 1
    LsoaFigure.objects.bulk_create(new, batch_size=500)
    LsoaFigure.objects.bulk_update(changed, ["rank", "decile", "population"], batch_size=500)
    report.created, report.updated = len(new), len(changed)


def _some(codes: list[str]) -> str:
    shown = join_words(codes[:SHOWN], "and")
    return shown + (f" and {len(codes) - SHOWN} more" if len(codes) > SHOWN else "")


def _find(table, pattern) -> int | None:
    for index, value in enumerate(table.header):
        if pattern.match(value):
            return index
    return None


def _columns(table, kind: FileKind, report: NeedReport) -> _Columns | None:
    missing = []
    authority = None
    if kind == FileKind.DEPRIVATION_ENGLAND:
        code = _find(table, IMD_LSOA)
        if code is not None:
            report.lsoa_year = int(IMD_LSOA.match(table.header[code])[1])
        columns = _Columns(code, rank=_find(table, IMD_RANK), decile=_find(table, IMD_DECILE))
        names = {
            "code": "LSOA code (yyyy)",
            "rank": "Index of Multiple Deprivation (IMD) Rank",
            "decile": "Index of Multiple Deprivation (IMD) Decile",
        }
        authority = _find(table, re.compile(r"^local authority district code \(\d{4}\)$", re.I))
    elif kind == FileKind.DEPRIVATION_WALES:
        code = table.column("LSOA code")
        rank, decile = _find(table, WIMD_RANK), _find(table, WIMD_DECILE)
        for found, pattern in ((rank, WIMD_RANK), (decile, WIMD_DECILE)):
            if found is not None:
                report.year = int(pattern.match(table.header[found])[1])
        columns = _Columns(code, rank=rank, decile=decile)
        names = {
            "code": "LSOA code",
            "rank": "WIMD yyyy overall rank",
            "decile": "WIMD yyyy overall decile",
        }
    else:
        code = table.column("LSOA 2021 Code")
        if code is not None:
            report.lsoa_year = 2021
            total = table.column("Total")
            authority = _find(table, re.compile(r"^lad 20\d\d code$", re.I))
        else:
            code, total = table.column("LSOA Code"), table.column("All Ages")
            authority = _find(table, re.compile(r"^la code \(\d{4} boundaries\)$", re.I))
        columns = _Columns(code, population=total)
        names = {"code": "LSOA 2021 Code", "population": "Total"}
    columns.authority = authority
    for key, name in names.items():
        if getattr(columns, key) is None:
            missing.append(name)
    if missing:
        noun = "column" if len(missing) == 1 else "columns"
        report.error(table.header_line, f"the file has no {join_words(missing)} {noun}")
        return None
    return columns


def _whole(value: str) -> int | None:
    value = value.replace(",", "").strip()
    return int(value) if value.isdigit() else None


def _read_rows(table, columns: _Columns, place: Place, report: NeedReport) -> dict:
    """{LSOA code: (rank, decile, population)} for the rows to consider."""
    found: dict[str, tuple] = {}
    lines: dict[str, int] = {}
    for line, values in table.rows:
        if (
            columns.authority is not None
            and place.gss_code
            and values[columns.authority]
            and values[columns.authority] != place.gss_code
        ):
            report.skipped += 1
            continue
        code = values[columns.code]
        problems = []
        if not LSOA_CODE.match(code):
            problems.append(f'LSOA code "{code}" is not a GSS LSOA code (like E01012345)')
        rank = decile = population = None
        if columns.rank is not None:
            rank = _whole(values[columns.rank])
            if not rank:
                problems.append(f'rank "{values[columns.rank]}" is not a whole number from 1 up')
        if columns.decile is not None:
            decile = _whole(values[columns.decile])
            if decile is None or not 1 <= decile <= 10:
                problems.append(
                    f'decile "{values[columns.decile]}" is not a whole number from 1 to 10'
                )
        if columns.population is not None:
            population = _whole(values[columns.population])
            if population is None:
                problems.append(
                    f'population "{values[columns.population]}" is not a whole number of people'
                )
        if code in lines:
            problems.append(f"LSOA code {code} is already on line {lines[code]}")
        else:
            lines[code] = line
        for problem in problems:
            report.error(line, problem)
        if not problems:
            found[code] = (rank, decile, population)
    return found
