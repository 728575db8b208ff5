"""Reading uploaded CSV files (ONS lookups, government files, outcomes frameworks), and
reporting on an import: the row errors and the report every importer shares.

Every importer reads its whole file first, checks every row, and only then writes, in one
transaction: a file with any problem writes nothing, and each problem is reported with its line.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowError:
    """A problem with the file. `line` is the physical line in the CSV (the header is line 1)."""

    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message[:1].upper() + self.message[1:]
        return f"Line {self.line}: {self.message}"


@dataclass
class Report:
    """What an import did or, for a dry run or a file with errors, would have done.

    If `errors` is not empty, nothing was saved. `notes` are things worth knowing that do not
    stop the import (rows skipped for other places, records that could not be carried).
    """

    dry_run: bool = False
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    saved: bool = False

    @property
    def rejected(self) -> int:
        """How many lines have at least one problem."""
        return len({error.line for error in self.errors if error.line is not None})

    def error(self, line: int | None, message: str) -> None:
        self.errors.append(RowError(line, message))

    def note(self, message: str) -> None:
        self.notes.append(message)

    def sort_errors(self) -> None:
        self.errors.sort(key=lambda error: error.line or 0)


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line, values), values stripped

    def column(self, name: str) -> int | None:
        """The position of a column, whatever its case and surrounding spaces."""
        wanted = _squash(name)
        for index, value in enumerate(self.header):
            if _squash(value) == wanted:
                return index
        return None


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def text_lines(file_obj) -> Iterator[str]:
    """A text or binary file as text lines. Binary is read as UTF-8; a byte order mark is fine."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    first = True
    for chunk in file_obj:
        if isinstance(chunk, bytes):
            yield decoder.decode(chunk)
        else:
            yield chunk.removeprefix("\ufeff") if first else chunk
        first = False
    decoder.decode(b"", final=True)


def read_table(file_obj, report: Report) -> Table | None:
    """Read the header and the rows, skipping blank lines. None if the file cannot be read."""
    reader = csv.reader(text_lines(file_obj))
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    previous_line = 0
    try:
        for values in reader:
            line, previous_line = previous_line + 1, reader.line_num
            if not any(value.strip() for value in values):
                continue
            if header is None:
                header = [" ".join(value.split()) for value in values]
                header_line = line
                continue
            report.rows += 1
            if len(values) != len(header):
                report.error(
                    line,
                    f"the row has {len(values)} values but the header has {len(header)} columns",
                )
                continue
            rows.append((line, [value.strip() for value in values]))
    except UnicodeDecodeError:
        report.error(None, "the file is not UTF-8 text. Save it as ‘CSV UTF-8’ and try again")
        return None
    except csv.Error as exc:
        report.error(reader.line_num, f"the file is not a valid CSV file ({exc})")
        return None
    if header is None:
        report.error(None, "the file is empty")
        return None
    table = Table(header, rows)
    table.header_line = header_line
    return table


def no_rows(table: Table, report: Report) -> bool:
    """True (with the error) when a file has a header and nothing else."""
    if report.rows:
        return False
    report.error(None, "the file has a header but no rows")
    return True


# Mis-encoded text ------------------------------------------------------------------------------

# A UTF-8 lead byte read as Windows-1252 or Latin-1 (Â, Ã, Ä, Å for accented Latin letters, â for
# punctuation such as ’), followed by what a continuation byte (0x80-0xBF) reads as.
_CONTINUATION = "".join(
    sorted(
        set(bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore"))
        | set(map(chr, range(0x80, 0xC0)))
    )
)
_LOOKS_MIS_ENCODED = re.compile(f"[ÂÃÄÅâ][{re.escape(_CONTINUATION)}]")


def mis_encoded(value: str) -> str | None:
    """What `value` probably said, if it is UTF-8 text that was read as Windows-1252 or Latin-1
    and saved again ("Ynys MÃ´n" for "Ynys Môn"). None if it looks right.

    Only sequences that UTF-8 would have produced count, so real names with accents pass.
    """
    if not _LOOKS_MIS_ENCODED.search(value):
        return None
    for encoding in ("cp1252", "latin-1"):
        try:
            fixed = value.encode(encoding).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != value:
            return fixed
    return value  # the pattern is there, but no single step undoes it: still wrong


def check_encoding(report: Report, line: int, label: str, value: str) -> bool:
    """Report a mis-encoded value on its line. True if the value is fine."""
    fixed = mis_encoded(value)
    if fixed is None:
        return True
    hint = f' (it may be "{fixed}")' if fixed != value else ""
    report.error(
        line,
        f'{label} "{value}" looks mis-encoded{hint}. Export the file again as CSV UTF-8 from '
        "the original, not from a copy opened and saved in another encoding",
    )
    return False


def join_words(words: list[str], conjunction: str = "or") -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"
