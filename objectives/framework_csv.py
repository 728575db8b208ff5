"""An outcomes framework as CSV: one row per measure. The columns, and the export.

The format is described for councils in docs/framework-csv.md. In short, the columns are
`theme_code, theme, outcome_code, outcome, dimensions, outcome_description, measure_code,
measure, unit, guidance, proxy_value, proxy_source, proxy_year, retired`, and a row whose
measure columns are all empty declares an outcome with no measures yet. The import is a
service: `objectives.services.framework_import`."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch

from socialvalue.csv import csv_lines

from .models import Framework, Measure, Outcome

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
COLUMNS = (
    "theme_code",
    "theme",
    "outcome_code",
    "outcome",
    "dimensions",
    "outcome_description",
    *MEASURE_COLUMNS,
)


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
            measures = outcome.measures_in_order()
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


__all__ = ["COLUMNS", "MEASURE_COLUMNS", "export_framework_csv", "export_rows"]
