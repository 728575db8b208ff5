"""Reading and checking the rows of a framework's CSV file, before anything is written: the
header, each measure's values, and the plan of themes, outcomes and measures the file asks for."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from socialvalue.csv import unneutralise_cell
from socialvalue.numbers import UK_NUMBER

from ..framework_csv import COLUMNS, MEASURE_COLUMNS
from ..models import Dimension, Framework, Measure, Outcome, Theme
from .frameworks import (
    DIMENSION_VALUES,
)

REQUIRED_COLUMNS = ("theme", "outcome", "dimensions", "measure_code", "measure", "unit")


MAX_LENGTHS = {
    "theme_code": Theme._meta.get_field("code").max_length,
    "theme": Theme._meta.get_field("name").max_length,
    "outcome_code": Outcome._meta.get_field("code").max_length,
    "outcome": Outcome._meta.get_field("name").max_length,
    "measure_code": Measure._meta.get_field("code").max_length,
    "measure": Measure._meta.get_field("name").max_length,
    "unit": Measure._meta.get_field("unit").max_length,
    "proxy_source": Measure._meta.get_field("proxy_source").max_length,
}


FRAMEWORK_MAX_LENGTHS = {
    "name": Framework._meta.get_field("name").max_length,
    "version": Framework._meta.get_field("version").max_length,
    "licence": Framework._meta.get_field("licence").max_length,
}


PROXY_DIGITS = Measure._meta.get_field("proxy_value").max_digits


PROXY_LIMIT = Decimal(10) ** (PROXY_DIGITS - 2)


# ASCII digits only, as every form takes them (`socialvalue.numbers`): "\d" would take "١٢".
MONEY = re.compile(rf"^{UK_NUMBER.pattern}$")


YEARS = (1990, 2100)


DIMENSION_ORDER = [d.value for d in Dimension]


@dataclass
class _OutcomePlan:
    theme: str
    name: str
    line: int
    # None: the column is not in the file, so the value is left as it is.
    code: str | None = None
    description: str | None = None
    dimensions: frozenset[str] = frozenset()
    seen: dict = field(default_factory=dict)  # field -> (value, line) of the first non-empty


@dataclass
class _ThemePlan:
    name: str
    line: int
    code: str | None = None
    seen: dict = field(default_factory=dict)
    outcomes: dict[str, _OutcomePlan] = field(default_factory=dict)


@dataclass
class _MeasurePlan:
    line: int
    theme: str
    outcome: str
    fields: dict  # model field -> value, for the columns in the file
    retired: bool | None  # None: no retired column


def _read(file_obj, report) -> tuple[set[str], list[tuple[int, dict[str, str]]]] | None:
    """The columns present and each row as (line, {column: value}). None if unreadable."""
    data = file_obj.read()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            report.error(None, "the file is not UTF-8 text. Save it as ‘CSV UTF-8’ and try again")
            return None
    data = data.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(data, newline=""))
    columns: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
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
                continue
            report.rows += 1
            if len(values) != len(columns):
                report.error(
                    line,
                    f"the row has {len(values)} values but the header has {len(columns)} columns",
                )
                continue
            rows.append(
                (
                    line,
                    {c: unneutralise_cell(v.strip()) for c, v in zip(columns, values, strict=True)},
                )
            )
    except csv.Error as exc:
        report.error(reader.line_num, f"the file is not a valid CSV file ({exc})")
        return None
    if columns is None:
        report.error(None, "the file is empty")
        return None
    if not report.rows:
        report.error(None, "the file has a header but no rows")
        return None
    return set(columns), rows


def _read_header(values: list[str], line: int, report) -> list[str] | None:
    columns = [value.strip().lower() for value in values]
    problems = []
    unknown = [c for c in columns if c and c not in COLUMNS]
    if unknown:
        problems.append(
            f"the file has {_plural(len(unknown), 'column')} this service does not know "
            f"({', '.join(unknown)}). Use only these: {', '.join(COLUMNS)}"
        )
    if "" in columns:
        problems.append("a column in the header has no name")
    doubled = sorted({c for c in columns if c and columns.count(c) > 1})
    if doubled:
        problems.append(f"the file has more than one {' or '.join(doubled)} column")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        noun = "column" if len(missing) == 1 else "columns"
        problems.append(f"the file has no {_join(missing)} {noun}")
    for problem in problems:
        report.error(line, problem)
    return None if problems else columns


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _plan(rows, present: set[str], report) -> tuple[dict[str, _ThemePlan], list[_MeasurePlan]]:
    themes: dict[str, _ThemePlan] = {}
    measures: list[_MeasurePlan] = []
    code_lines: dict[str, int] = {}
    for line, row in rows:
        problems: list[str] = []
        for column in ("theme", "outcome"):
            if not row[column]:
                problems.append(f"{column} is missing")
        for column, limit in MAX_LENGTHS.items():
            if len(row.get(column, "")) > limit:
                problems.append(f"{column} is longer than {limit} characters")
        dimensions = _dimensions(row["dimensions"], problems)
        measure = None
        if any(row.get(column) for column in MEASURE_COLUMNS):
            measure = _measure(line, row, present, problems)
        if measure and measure.fields.get("code"):
            code = measure.fields["code"]
            if code in code_lines:
                problems.append(f"measure code {code} is already on line {code_lines[code]}")
            else:
                code_lines[code] = line
        if problems:
            for problem in problems:
                report.error(line, problem)
            continue
        theme = themes.setdefault(row["theme"], _ThemePlan(row["theme"], line))
        if "theme_code" in present:
            theme.code = _agree(theme, "theme_code", row["theme_code"], line, report, row["theme"])
        outcome = theme.outcomes.setdefault(
            row["outcome"], _OutcomePlan(row["theme"], row["outcome"], line)
        )
        label = f'outcome "{row["outcome"]}"'
        if "outcome_code" in present:
            outcome.code = _agree(outcome, "outcome_code", row["outcome_code"], line, report, label)
        if "outcome_description" in present:
            outcome.description = _agree(
                outcome, "outcome_description", row["outcome_description"], line, report, label
            )
        if dimensions:
            joined = ";".join(d for d in DIMENSION_ORDER if d in dimensions)
            agreed = _agree(outcome, "dimensions", joined, line, report, label)
            outcome.dimensions = frozenset(agreed.split(";"))
        if measure:
            measures.append(measure)
    for theme in themes.values():
        for outcome in theme.outcomes.values():
            if not outcome.dimensions:
                report.error(
                    outcome.line,
                    f'outcome "{outcome.name}" has no dimensions: give one or more of economic, '
                    "social or environmental, separated by ;",
                )
    return themes, measures


def _agree(plan, column: str, value: str, line: int, report, label: str) -> str:
    """The one value a column has for a theme or outcome across its rows. An empty cell takes
    the value from another row; two different values are an error naming both lines."""
    if not value:
        return plan.seen.get(column, ("", 0))[0]
    first, first_line = plan.seen.setdefault(column, (value, line))
    if first != value:
        if column == "dimensions":
            shown_first, shown = first, value
        else:
            shown_first, shown = f'"{first}"', f'"{value}"'
        report.error(
            line,
            f"{label} has {column} {shown} here but {shown_first} on line {first_line}. "
            "Give it the same value on every line, or leave the cell empty",
        )
    return first


def _dimensions(text: str, problems: list[str]) -> set[str]:
    parts = [part.strip().lower() for part in text.split(";") if part.strip()]
    unknown = [part for part in parts if part not in DIMENSION_VALUES]
    for part in unknown:
        problems.append(f'dimension "{part}" is not economic, social or environmental')
    return set() if unknown else set(parts)


def _measure(line: int, row: dict, present: set[str], problems: list[str]) -> _MeasurePlan:
    for column in ("measure_code", "measure", "unit"):
        if not row[column]:
            problems.append(f"{column} is missing")
    fields = {"code": row["measure_code"], "name": row["measure"], "unit": row["unit"]}
    if "guidance" in present:
        fields["guidance"] = row["guidance"]
    if "proxy_value" in present:
        fields["proxy_value"] = _proxy_value(row["proxy_value"], problems)
    if "proxy_source" in present:
        fields["proxy_source"] = row["proxy_source"]
    if "proxy_year" in present:
        fields["proxy_year"] = _proxy_year(row["proxy_year"], problems)
    if row.get("proxy_value"):
        if not row.get("proxy_source"):
            problems.append("proxy_value needs a proxy_source: say where the figure comes from")
        if not row.get("proxy_year"):
            problems.append("proxy_value needs a proxy_year: the year the figure is for")
    retired = None
    if "retired" in present:
        answer = row["retired"].lower()
        if answer not in ("yes", ""):
            problems.append(f'retired "{row["retired"]}" must be yes or empty')
        retired = answer == "yes"
    return _MeasurePlan(line, row["theme"], row["outcome"], fields, retired)


def _proxy_value(raw: str, problems: list[str]) -> Decimal | None:
    if not raw:
        return None
    text, negative = raw, False
    for _ in range(2):  # "-£5" and "£-5" are both negative
        if text.startswith("-"):
            negative, text = True, text[1:].strip()
        text = text.removeprefix("£").strip()
    if not MONEY.match(text):
        problems.append(f'proxy_value "{raw}" is not a number')
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover (the pattern above rules this out)
        problems.append(f'proxy_value "{raw}" is not a number')
        return None
    if negative and value:
        problems.append(f'proxy_value "{raw}" cannot be negative')
    elif value != value.quantize(Decimal("0.01")):
        problems.append(f'proxy_value "{raw}" has more than 2 decimal places')
    elif value >= PROXY_LIMIT:
        problems.append(f'proxy_value "{raw}" is too large')
    else:
        return value.quantize(Decimal("0.01"))
    return None


def _proxy_year(raw: str, problems: list[str]) -> int | None:
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        problems.append(f'proxy_year "{raw}" is not a year, like 2025')
        return None
    year = int(raw)
    if not YEARS[0] <= year <= YEARS[1]:
        problems.append(f"proxy_year {raw} is not between {YEARS[0]} and {YEARS[1]}")
        return None
    return year


def _check_against(framework: Framework, measures: list[_MeasurePlan], report) -> None:
    """Refuse what would rewrite the framework's history: a measure moving between outcomes."""
    held = {
        m.code: m
        for m in Measure.objects.filter(
            framework=framework, code__in=[p.fields["code"] for p in measures]
        ).select_related("outcome__theme")
    }
    for plan in measures:
        measure = held.get(plan.fields["code"])
        if measure is None:
            continue
        if (measure.outcome.theme.name, measure.outcome.name) != (plan.theme, plan.outcome):
            report.error(
                plan.line,
                f'measure code {measure.code} is under the outcome "{measure.outcome.name}" '
                f'({measure.outcome.theme.name}) in this framework, not "{plan.outcome}" '
                f"({plan.theme}): moving a measure between outcomes would rewrite history. Give "
                "it a new code, and retire the old measure if it is no longer used",
            )


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else f"{noun}s"


__all__ = [
    "DIMENSION_ORDER",
    "FRAMEWORK_MAX_LENGTHS",
    "MAX_LENGTHS",
    "MONEY",
    "PROXY_DIGITS",
    "PROXY_LIMIT",
    "REQUIRED_COLUMNS",
    "YEARS",
]
