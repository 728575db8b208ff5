"""Reading and checking the rows of an ONS ward lookup, before they are planned
(`lookup`) and written (`writing`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from socialvalue.csvimport import Table, check_encoding, join_words

from ...models import Place
from .common import (
    AUTHORITY_CODE,
    PLACE_NAME_MAX,
    REQUIRED_COLUMNS,
    WARD_CODE,
    WARD_NAME_MAX,
    ImportReport,
    _Row,
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
    seen = _Seen()
    for row in rows:
        if _another_authority(row, place):
            report.skipped += 1
            continue
        problems = _row_problems(row, place)
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
        problems = seen.clashes(row, place)
        for problem in problems:
            report.error(row.line, problem)
        if not problems:
            good.append(row)
    return good


def _another_authority(row: _Row, place: Place | None) -> bool:
    """A well-formed row of another local authority than the place being imported."""
    return bool(
        place
        and place.gss_code
        and AUTHORITY_CODE.match(row.authority_code)
        and row.authority_code != place.gss_code
    )


def _row_problems(row: _Row, place: Place | None) -> list[str]:
    """What is wrong with the row on its own."""
    problems = []
    if not row.authority_code:
        problems.append("local authority code is missing")
    elif not AUTHORITY_CODE.match(row.authority_code):
        problems.append(
            f'local authority code "{row.authority_code}" is not a GSS local authority '
            "code (like E09000033)"
        )
    if not row.ward_code:
        problems.append("ward code is missing")
    elif not WARD_CODE.match(row.ward_code):
        problems.append(f'ward code "{row.ward_code}" is not a GSS ward code (like E05012345)')
    problems += _name_problems("ward name", row.ward_name, WARD_NAME_MAX)
    if len(row.ward_name_welsh) > WARD_NAME_MAX:
        problems.append(f"Welsh ward name is longer than {WARD_NAME_MAX} characters")
    if place is None:
        problems += _name_problems("local authority name", row.authority_name, PLACE_NAME_MAX)
    return problems


@dataclass
class _Seen:
    """The rows read so far, by ward code, ward name and authority, to find clashes."""

    code_lines: dict[str, int] = field(default_factory=dict)
    name_lines: dict[tuple[str, str], int] = field(default_factory=dict)
    authority_names: dict[str, tuple[str, int]] = field(default_factory=dict)
    authority_codes: dict[str, tuple[str, int]] = field(default_factory=dict)

    def clashes(self, row: _Row, place: Place | None) -> list[str]:
        """How the row contradicts an earlier one (and remember it)."""
        problems = []
        if row.ward_code in self.code_lines:
            problems.append(
                f"ward code {row.ward_code} is already on line {self.code_lines[row.ward_code]}"
            )
        else:
            self.code_lines[row.ward_code] = row.line
        name_key = (row.authority_code, row.ward_name)
        if name_key in self.name_lines:
            problems.append(
                f'ward name "{row.ward_name}" is already on line {self.name_lines[name_key]} '
                "for the same local authority"
            )
        else:
            self.name_lines[name_key] = row.line
        if place is None:
            name, line = self.authority_names.setdefault(
                row.authority_code, (row.authority_name, row.line)
            )
            if name != row.authority_name:
                problems.append(
                    f'local authority {row.authority_code} is called "{name}" on line {line}, '
                    f'not "{row.authority_name}"'
                )
            code, line = self.authority_codes.setdefault(
                row.authority_name, (row.authority_code, row.line)
            )
            if code != row.authority_code:
                problems.append(
                    f'local authority name "{row.authority_name}" is already used for {code} '
                    f"on line {line}"
                )
        return problems


def _name_problems(label: str, value: str, max_length: int) -> list[str]:
    if not value:
        return [f"{label} is missing"]
    if len(value) > max_length:
        return [f"{label} is longer than {max_length} characters"]
    return []
