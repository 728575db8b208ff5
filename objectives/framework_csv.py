"""Import and export an outcomes framework as CSV: one row per measure.

The format is described for councils in docs/framework-csv.md. In short, the columns are
`theme_code, theme, outcome_code, outcome, dimensions, outcome_description, measure_code,
measure, unit, guidance, proxy_value, proxy_source, proxy_year, retired`, and a row whose
measure columns are all empty declares an outcome with no measures yet.

`import_framework_csv()` follows places.importers: it checks every row first, against the rest
of the file and against the framework already held, and only then writes, in one transaction.
A file with any problem writes nothing, and every problem is reported with its line number.
Importing into an existing (place, name, version) is an update: themes are matched by name,
outcomes by theme and name, measures by code. Unchanged rows change nothing, and measures that
are not in the file are kept (never deleted) and listed as such.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone

from places.models import Place
from socialvalue.csv import csv_lines, unneutralise_cell
from socialvalue.csvimport import Report
from socialvalue.numbers import UK_NUMBER

from .frameworks import (
    DIMENSION_VALUES,
    framework_create,
    retired_framework_message,
    save_validated,
)
from .models import Dimension, Framework, Measure, Outcome, Theme

COLUMNS = (
    "theme_code",
    "theme",
    "outcome_code",
    "outcome",
    "dimensions",
    "outcome_description",
    "measure_code",
    "measure",
    "unit",
    "guidance",
    "proxy_value",
    "proxy_source",
    "proxy_year",
    "retired",
)
REQUIRED_COLUMNS = ("theme", "outcome", "dimensions", "measure_code", "measure", "unit")
MEASURE_COLUMNS = (
    "measure_code",
    "measure",
    "unit",
    "guidance",
    "proxy_value",
    "proxy_source",
    "proxy_year",
    "retired",
)
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
class FrameworkImportReport(Report):
    """What an import did (or, for a dry run or a file with errors, would have done).

    If `errors` is not empty, nothing was saved. `kept` lists the codes of measures the framework
    holds that are not in the file: they are kept, never deleted.
    """

    framework: Framework | None = None
    framework_created: bool = False
    framework_updated: bool = False
    themes_created: int = 0
    themes_updated: int = 0
    outcomes_created: int = 0
    outcomes_updated: int = 0
    measures_created: int = 0
    measures_updated: int = 0
    measures_unchanged: int = 0
    kept: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return self.themes_created + self.outcomes_created + self.measures_created

    @property
    def updated(self) -> int:
        return self.themes_updated + self.outcomes_updated + self.measures_updated

    def summary(self) -> str:
        """One sentence for a banner or a command's output."""
        parts = [
            f"{self.themes_created} {_plural(self.themes_created, 'theme')}, "
            f"{self.outcomes_created} {_plural(self.outcomes_created, 'outcome')} and "
            f"{self.measures_created} {_plural(self.measures_created, 'measure')} created",
            f"{self.themes_updated} {_plural(self.themes_updated, 'theme')}, "
            f"{self.outcomes_updated} {_plural(self.outcomes_updated, 'outcome')} and "
            f"{self.measures_updated} {_plural(self.measures_updated, 'measure')} updated",
        ]
        if self.kept:
            parts.append(
                f"{len(self.kept)} {_plural(len(self.kept), 'measure')} not in this file, kept"
            )
        return "; ".join(parts)


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else f"{noun}s"


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


def import_framework_csv(
    file_obj,
    *,
    place: Place,
    name: str,
    version: str,
    by,
    licence: str = "",
    source: str = "",
    dry_run: bool = False,
) -> FrameworkImportReport:
    """Import a framework from CSV into `place` as (`name`, `version`), or update that version.

    `file_obj` is a binary or text file (binary is read as UTF-8; a byte order mark is fine).
    With `dry_run`, everything is checked and counted but nothing is saved.
    """
    report = FrameworkImportReport(dry_run=dry_run)
    name, version = (name or "").strip(), (version or "").strip()
    licence, source = (licence or "").strip(), (source or "").strip()
    given = (("name", name), ("version", version), ("licence", licence), ("source", source))
    for label, value in given:
        if label in ("name", "version") and not value:
            report.error(None, f"the framework's {label} is missing")
        elif label in FRAMEWORK_MAX_LENGTHS and len(value) > FRAMEWORK_MAX_LENGTHS[label]:
            report.error(
                None,
                f"the framework's {label} is longer than {FRAMEWORK_MAX_LENGTHS[label]} characters",
            )
        else:
            try:  # the model's own rules for the text (socialvalue.text)
                Framework._meta.get_field(label).run_validators(value)
            except ValidationError as exc:
                report.error(None, f"the framework's {label}: {'; '.join(exc.messages)}")
    read = _read(file_obj, report)
    if read is None:
        return _finish(report)
    present, rows = read
    themes, measures = _plan(rows, present, report)
    # Only a name and version that passed their checks are looked up (PostgreSQL cannot even
    # be asked about a NUL character).
    framework = (
        None
        if report.errors and any(error.line is None for error in report.errors)
        else Framework.objects.filter(place=place, name=name, version=version).first()
    )
    if framework is not None:
        if framework.is_retired:
            report.error(None, retired_framework_message(framework))
        else:
            _check_against(framework, measures, report)
    if report.errors:
        return _finish(report)
    with transaction.atomic():
        _write(
            report,
            framework,
            themes,
            measures,
            present,
            place=place,
            name=name,
            version=version,
            by=by,
            licence=licence,
            source=source,
        )
        if report.errors or dry_run:
            transaction.set_rollback(True)
    report.saved = not report.errors and not dry_run
    return _finish(report)


def _finish(report: FrameworkImportReport) -> FrameworkImportReport:
    report.errors.sort(key=lambda error: error.line or 0)
    return report


# Reading ---------------------------------------------------------------------------------------


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


# Checking --------------------------------------------------------------------------------------


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


# Writing ---------------------------------------------------------------------------------------


def _write(
    report, framework, themes, measures, present, *, place, name, version, by, licence, source
) -> None:
    if framework is None:
        framework = framework_create(
            place=place, name=name, version=version, by=by, licence=licence, source=source
        )
        report.framework_created = True
    else:
        changed = False
        for attr, value in (("licence", licence), ("source", source)):
            if value and getattr(framework, attr) != value:
                setattr(framework, attr, value)
                changed = True
        if changed:
            save_validated(framework, by)
            report.framework_updated = True
    report.framework = framework

    held_themes = {t.name: t for t in framework.themes.all()}
    held_outcomes = {(o.theme_id, o.name): o for o in framework.outcomes.all()}
    last = framework.themes.aggregate(last=Max("position"))["last"]
    next_theme = 0 if last is None else last + 1
    outcomes_by_name: dict[tuple[str, str], Outcome] = {}
    for theme_plan in themes.values():
        theme = held_themes.get(theme_plan.name)
        if theme is None:
            theme = Theme(
                framework=framework,
                name=theme_plan.name,
                code=theme_plan.code or "",
                position=next_theme,
            )
            next_theme += 1
            if _trysave_validated(theme, by, theme_plan.line, report):
                report.themes_created += 1
                held_themes[theme.name] = theme
        elif theme_plan.code is not None and theme.code != theme_plan.code:
            theme.code = theme_plan.code
            if _trysave_validated(theme, by, theme_plan.line, report):
                report.themes_updated += 1
        if theme.pk is None:
            continue
        positions = [o.position for key, o in held_outcomes.items() if key[0] == theme.pk]
        next_outcome = max(positions) + 1 if positions else 0
        for plan in theme_plan.outcomes.values():
            outcome = held_outcomes.get((theme.pk, plan.name))
            if outcome is None:
                outcome = Outcome(
                    theme=theme, framework=framework, name=plan.name, position=next_outcome
                )
                next_outcome += 1
                created = True
            else:
                created = False
            changed = created
            wanted = {"code": plan.code, "description": plan.description}
            for attr, value in wanted.items():
                if value is not None and getattr(outcome, attr) != value:
                    setattr(outcome, attr, value)
                    changed = True
            if set(outcome.dimensions) != set(plan.dimensions):
                outcome.set_dimensions(plan.dimensions)
                changed = True
            if changed and _trysave_validated(outcome, by, plan.line, report):
                if created:
                    report.outcomes_created += 1
                else:
                    report.outcomes_updated += 1
            outcomes_by_name[(plan.theme, plan.name)] = outcome

    held_measures = {m.code: m for m in framework.measures.all()}
    now = timezone.now()
    for plan in measures:
        outcome = outcomes_by_name.get((plan.theme, plan.outcome))
        if outcome is None or outcome.pk is None:
            continue  # its outcome could not be saved, and that error is already reported
        measure = held_measures.get(plan.fields["code"])
        created = measure is None
        if created:
            measure = Measure(outcome=outcome, framework=framework)
        changed = created
        for attr, value in plan.fields.items():
            if value is None and attr in ("guidance", "proxy_source"):
                value = ""
            if getattr(measure, attr) != value:
                setattr(measure, attr, value)
                changed = True
        if plan.retired is not None and plan.retired != measure.is_retired:
            measure.retired_at = now if plan.retired else None
            changed = True
        if not changed:
            report.measures_unchanged += 1
        elif _trysave_validated(measure, by, plan.line, report):
            if created:
                report.measures_created += 1
            else:
                report.measures_updated += 1
    in_file = {plan.fields["code"] for plan in measures}
    report.kept = sorted(code for code in held_measures if code not in in_file)


def _trysave_validated(instance, by, line: int, report) -> bool:
    try:
        save_validated(instance, by)
    except ValidationError as exc:
        for message in exc.messages:
            report.error(line, message[:1].lower() + message[1:])
        return False
    return True


# Exporting -------------------------------------------------------------------------------------


def export_rows(framework: Framework) -> Iterator[list]:
    """The header, then one row per measure (and one per outcome without measures)."""
    yield list(COLUMNS)
    themes = framework.themes.order_by("position", "name").prefetch_related(
        Prefetch(
            "outcomes",
            queryset=Outcome.objects.order_by("position", "name").prefetch_related(
                Prefetch("measures", queryset=Measure.objects.order_by("code"))
            ),
        )
    )
    for theme in themes:
        for outcome in theme.outcomes.all():
            outcome_cells = [
                theme.code,
                theme.name,
                outcome.code,
                outcome.name,
                ";".join(outcome.dimensions),
                outcome.description,
            ]
            measures = list(outcome.measures.all())
            if not measures:
                yield [*outcome_cells, *([""] * len(MEASURE_COLUMNS))]
            for m in measures:
                yield [
                    *outcome_cells,
                    m.code,
                    m.name,
                    m.unit,
                    m.guidance,
                    "" if m.proxy_value is None else f"{m.proxy_value:.2f}",
                    m.proxy_source,
                    "" if m.proxy_year is None else str(m.proxy_year),
                    "yes" if m.is_retired else "",
                ]


def export_framework_csv(framework: Framework) -> Iterator[str]:
    """The framework as lines of CSV text, ready to stream. Cells that a spreadsheet would run
    as a formula are neutralised with a leading apostrophe (the importer removes it again)."""
    return csv_lines(export_rows(framework))
