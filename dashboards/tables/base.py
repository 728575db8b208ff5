"""A table (its columns and rows, shown and downloaded alike), how values are displayed, and
the server-side sorting of the rows shown."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


@dataclass
class Column:
    label: str
    numeric: bool = False


@dataclass
class Table:
    name: str
    caption: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    definition: str = ""
    empty: str = "Nothing to show for these filters."
    # The page shows the first rows; the CSV download always has them all. At county scale a
    # table can have thousands of rows, which no one reads on screen.
    shown: int = 50
    # When the figure was asked only for the rows shown, how many there are in all.
    total: int | None = None

    @property
    def row_count(self) -> int:
        return len(self.rows) if self.total is None else self.total

    @property
    def truncated(self) -> bool:
        return self.row_count > self.shown

    @property
    def headers(self) -> list[str]:
        return [c.label for c in self.columns]

    @property
    def display_rows(self) -> list[list[tuple[str, bool]]]:
        """Each cell as (text, numeric) for the HTML table; the CSV keeps the raw values."""
        return [
            [
                (display(value), column.numeric)
                for value, column in zip(row, self.columns, strict=True)
            ]
            for row in self.rows[: self.shown]
        ]

    @property
    def body_html(self) -> str:
        """The shown rows as table rows (`rows_with_links`, given by the view, with a link in
        `link_column`), written here rather than by a template loop over every cell: twelve
        tables of up to 50 rows cost some 20 ms of every dashboard request that way."""
        link_column = getattr(self, "link_column", None)
        rows = []
        for row, link in getattr(self, "rows_with_links", ()):
            cells = []
            for index, (text, numeric) in enumerate(row):
                content = conditional_escape(text)
                if link and index == link_column:
                    if link.url:
                        content = f'<a class="govuk-link" href="{conditional_escape(link.url)}">{content}</a>'
                    else:
                        content = (
                            f'{content}<br><span class="govuk-hint govuk-!-margin-bottom-0 '
                            f'govuk-!-font-size-16">Ask {conditional_escape(link.contact)} about it</span>'
                        )
                if index == 0:
                    style = " govuk-table__header--numeric" if numeric else ""
                    cells.append(
                        f'<th scope="row" class="govuk-table__header{style}">{content}</th>'
                    )
                else:
                    style = " govuk-table__cell--numeric" if numeric else ""
                    cells.append(f'<td class="govuk-table__cell{style}">{content}</td>')
            rows.append(f'<tr class="govuk-table__row">{"".join(cells)}</tr>')
        return mark_safe("\n".join(rows))  # noqa: S308 - every value is escaped above


def display(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return f"{value:%-d %b %Y}"
    if isinstance(value, int | Decimal | float):
        return grouped(value)
    return str(value)


def grouped(number: int | Decimal | float) -> str:
    """The number with thousands separated by commas, as Django's `intcomma` writes it in
    English, about ten times faster: a county's dashboard shows some 1,500 numbers a page.
    (Django writes a number of over 200 digits in scientific notation; no table shows one.)"""
    if isinstance(number, float) and "e" in str(number).lower():
        number = Decimal(str(number))
    if isinstance(number, Decimal):
        return f"{number:,f}"
    return f"{number:,}"


def _n(value) -> Decimal | int:
    """A quantity without trailing zeros, for display and CSV alike."""
    if isinstance(value, Decimal):
        normalised = value.normalize()
        return (
            normalised.quantize(Decimal(1))
            if normalised == normalised.to_integral()
            else normalised
        )
    if isinstance(value, float):
        return Decimal(str(round(value, 2))).normalize()
    return value


def _whole(value) -> Decimal:
    """An expectation, rounded to one decimal place: it is pro rata, not a count."""
    return _n(Decimal(str(round(float(value or 0), 1))))


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("1"))


# Sorting: server-side, by links in each column's heading (`?sort=<table>:<column>:<asc|desc>`),
# so it works without JavaScript. The rows sorted are the rows shown.


def _sort_key(value):
    if isinstance(value, bool):
        return (1, str(value))
    if isinstance(value, int | Decimal | float):
        return (0, value)
    if isinstance(value, datetime.date):
        return (0, value.toordinal())
    return (1, str(value).casefold())


def parse_sort(text: str) -> tuple[str, int, bool] | None:
    """("areas", 3, True) from "areas:3:desc"; None for anything else."""
    parts = (text or "").split(":")
    if len(parts) != 3 or not parts[1].isdigit() or parts[2] not in ("asc", "desc"):
        return None
    return parts[0], int(parts[1]), parts[2] == "desc"


def sort_tables(built: dict[str, Table], query) -> None:
    """Give every table `headings` (column, link to sort by it, aria-sort value) and, for the
    table named in `?sort=`, reorder `rows_with_links` (the shown rows with their links).
    Empty cells stay last whichever way."""
    wanted = parse_sort(query.get("sort", ""))
    base = query.copy()
    for key in ("sort", "format", "table"):
        base.pop(key, None)
    for name, table in built.items():
        column = descending = None
        if wanted and wanted[0] == name and wanted[1] < len(table.columns):
            _name, column, descending = wanted
            pairs = list(zip(table.rows[: table.shown], table.rows_with_links, strict=False))
            filled = [p for p in pairs if p[0][column] not in (None, "")]
            empty = [p for p in pairs if p[0][column] in (None, "")]
            filled.sort(key=lambda p: _sort_key(p[0][column]), reverse=descending)
            table.rows_with_links = [shown for _raw, shown in filled + empty]
        table.sorted_column = column
        headings = []
        for index, col in enumerate(table.columns):
            is_sorted = index == column
            direction = "asc" if not is_sorted or descending else "desc"
            link = base.copy()
            link["sort"] = f"{name}:{index}:{direction}"
            state = "none"
            if is_sorted:
                state = "descending" if descending else "ascending"
            headings.append((col, f"?{link.urlencode()}#table-{name}", state))
        table.headings = headings
