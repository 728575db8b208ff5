"""Helpers for CSV files the service writes, shared by every export."""

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_csv_cell(value) -> str:
    """The value as CSV text that a spreadsheet will not run as a formula.

    Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe
    (OWASP's advice). Numbers are left alone, so a negative number stays a number. None is empty.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def unneutralise_cell(text: str) -> str:
    """Undo `safe_csv_cell` on a cell read back from a file this service wrote."""
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


_NUMBERS = (int, float, Decimal)


def _safe_cells(row: Iterable) -> list[str]:
    """`safe_csv_cell` of each value, with plain text, None and numbers (the common cases)
    done inline: the same cells, without a function call for each."""
    return [
        value
        if (kind := type(value)) is str and not value.startswith(FORMULA_TRIGGERS)
        else ""
        if value is None
        else str(value)
        if kind in _NUMBERS
        else safe_csv_cell(value)
        for value in row
    ]


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """Each row as one line of CSV text, every cell passed through `safe_csv_cell`.

    A generator, so a StreamingHttpResponse can send a large export without building it in
    memory.
    """
    return csv_chunks(rows, rows_per_chunk=1)


def csv_chunks(rows: Iterable[Iterable], *, rows_per_chunk: int = 500) -> Iterator[str]:
    """The same text as `csv_lines`, `rows_per_chunk` lines at a time: for exports of
    hundreds of thousands of rows, where a piece per line costs more than the lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    batch: list[list[str]] = []
    for row in rows:
        batch.append(_safe_cells(row))
        if len(batch) >= rows_per_chunk:
            writer.writerows(batch)
            batch.clear()
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)
    if batch:
        writer.writerows(batch)
        yield buffer.getvalue()
