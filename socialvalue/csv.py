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


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """Each row as one line of CSV text, every cell passed through `safe_csv_cell`.

    A generator, so a StreamingHttpResponse can send a large export without building it in
    memory.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_csv_cell(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
