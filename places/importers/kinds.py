"""Which kind of file this is, from its header alone.

Councils download many look-alike CSV files from the ONS Open Geography Portal and from
government departments. Each importer asks `detect()` first, so a file of another kind is
answered in one sentence ("This is an LSOA to ward lookup …, not …") instead of an error for
every row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from socialvalue.csvimport import join_words


class FileKind(StrEnum):
    WARD_LOOKUP = "ward_lookup"
    WARD_CHANGES = "ward_changes"
    LSOA_WARD_LOOKUP = "lsoa_ward_lookup"
    DEPRIVATION_ENGLAND = "imd_england"
    DEPRIVATION_WALES = "wimd"
    POPULATION = "population"
    OTHER = "other"  # recognised, but nothing this service imports
    UNKNOWN = "unknown"


# What each kind is called, and how to import it.
DESCRIPTIONS = {
    FileKind.WARD_LOOKUP: "a ward to local authority lookup",
    FileKind.WARD_CHANGES: "a ward to ward change lookup",
    FileKind.LSOA_WARD_LOOKUP: "an LSOA to ward lookup",
    FileKind.DEPRIVATION_ENGLAND: "an English Indices of Deprivation file",
    FileKind.DEPRIVATION_WALES: "a Welsh Index of Multiple Deprivation file",
    FileKind.POPULATION: "an LSOA population estimates file",
}
COMMANDS = {
    FileKind.WARD_LOOKUP: "import_ons_wards",
    FileKind.WARD_CHANGES: "import_ons_wards",
    FileKind.LSOA_WARD_LOOKUP: "import_lsoa_lookup",
    FileKind.DEPRIVATION_ENGLAND: "import_need",
    FileKind.DEPRIVATION_WALES: "import_need",
    FileKind.POPULATION: "import_need",
}

CODE_COLUMN = re.compile(r"^([A-Z]+?)(\d{2})(CD|NM|NMW)$")
IMD_RANK = re.compile(r"^index of multiple deprivation \(imd\) rank", re.IGNORECASE)
IMD_DECILE = re.compile(r"^index of multiple deprivation \(imd\) decile", re.IGNORECASE)
IMD_LSOA = re.compile(r"^lsoa code \((\d{4})\)$", re.IGNORECASE)
WIMD_RANK = re.compile(r"^wimd (\d{4}) (?:overall |lsoa )?rank$", re.IGNORECASE)
WIMD_DECILE = re.compile(r"^wimd (\d{4}) overall decile$", re.IGNORECASE)

# Other ONS geographies, by the prefix of their code columns.
OTHER_GEOGRAPHIES = [
    ("PCD", "a postcode lookup"),
    ("OA", "an output area lookup"),
    ("MSOA", "an MSOA lookup"),
    ("CED", "a county electoral division lookup"),
    ("PCON", "a parliamentary constituency lookup"),
    ("PAR", "a parish lookup"),
    ("CTY", "a county lookup"),
    ("RGN", "a region lookup"),
]


@dataclass(frozen=True)
class Guess:
    kind: FileKind
    description: str = ""  # "an LSOA to ward lookup (it has LSOA21CD and WD24CD columns)"


def code_columns(header: list[str]) -> dict[str, dict[int, list[str]]]:
    """{"WD": {2024: ["WD24CD", "WD24NM"]}, ...} for the ONS code and name columns."""
    found: dict[str, dict[int, list[str]]] = {}
    for value in header:
        match = CODE_COLUMN.match(value.strip().upper())
        if match:
            found.setdefault(match[1], {}).setdefault(2000 + int(match[2]), []).append(match[0])
    return found


def _codes(columns: dict[str, dict[int, list[str]]], prefix: str) -> list[str]:
    return [
        name for names in columns.get(prefix, {}).values() for name in names if name.endswith("CD")
    ]


def detect(header: list[str]) -> Guess:
    """What kind of file has this header: a statistics file by its named columns, otherwise
    by the ONS codes its columns hold."""
    plain = [" ".join(value.split()) for value in header]
    statistics = _statistics_file(plain)
    return statistics if statistics is not None else _code_file(code_columns(header))


def _because(names: list[str]) -> str:
    noun = "column" if len(names) == 1 else "columns"
    return f" (it has {join_words(names, 'and')} {noun})"


def _statistics_file(plain: list[str]) -> Guess | None:
    """Deprivation (England's or Wales's) or population figures, or None."""
    lowered = {value.casefold() for value in plain}
    if any(IMD_RANK.match(v) or IMD_DECILE.match(v) for v in plain):
        names = [v for v in plain if IMD_LSOA.match(v) or IMD_DECILE.match(v)][:2]
        return Guess(
            FileKind.DEPRIVATION_ENGLAND,
            DESCRIPTIONS[FileKind.DEPRIVATION_ENGLAND] + _because(names),
        )
    if any(WIMD_RANK.match(v) or WIMD_DECILE.match(v) for v in plain):
        names = [v for v in plain if WIMD_RANK.match(v) or WIMD_DECILE.match(v)][:2]
        return Guess(
            FileKind.DEPRIVATION_WALES, DESCRIPTIONS[FileKind.DEPRIVATION_WALES] + _because(names)
        )
    if ("lsoa 2021 code" in lowered and "total" in lowered) or (
        "lsoa code" in lowered and "all ages" in lowered
    ):
        names = [
            v for v in plain if v.casefold() in {"lsoa 2021 code", "lsoa code", "total", "all ages"}
        ]
        return Guess(FileKind.POPULATION, DESCRIPTIONS[FileKind.POPULATION] + _because(names))
    return None


def _code_file(columns) -> Guess:
    """A lookup or list of areas, by the ONS codes in its columns (unknown if none)."""
    lsoa, wards, authorities = (
        _codes(columns, "LSOA"),
        _codes(columns, "WD"),
        _codes(columns, "LAD"),
    )
    if lsoa and wards:
        return Guess(
            FileKind.LSOA_WARD_LOOKUP,
            DESCRIPTIONS[FileKind.LSOA_WARD_LOOKUP] + _because([lsoa[0], wards[0]]),
        )
    if len(columns.get("WD", {})) > 1 and len(wards) > 1:
        return Guess(
            FileKind.WARD_CHANGES, DESCRIPTIONS[FileKind.WARD_CHANGES] + _because(wards[:2])
        )
    if "WD" in columns and "LAD" in columns:
        return Guess(FileKind.WARD_LOOKUP, DESCRIPTIONS[FileKind.WARD_LOOKUP])
    if wards:
        return Guess(
            FileKind.OTHER,
            "a list of ward names and codes without their local authorities" + _because(wards[:1]),
        )
    if lsoa:
        return Guess(FileKind.OTHER, "an LSOA lookup without wards" + _because(lsoa[:1]))
    for prefix, description in OTHER_GEOGRAPHIES:
        found = _codes(columns, prefix)
        if found:
            return Guess(FileKind.OTHER, description + _because(found[:1]))
    if authorities:
        return Guess(
            FileKind.OTHER, "a list of local authorities without wards" + _because(authorities[:1])
        )
    if "WD" in columns or "LAD" in columns:
        return Guess(FileKind.WARD_LOOKUP, DESCRIPTIONS[FileKind.WARD_LOOKUP])
    return Guess(FileKind.UNKNOWN)


def wrong_kind(guess: Guess, expected: FileKind, *also: FileKind) -> str | None:
    """One sentence when the file is of another kind than the importer takes, else None.

    An unrecognised file is left to the importer, which names the columns it needs.
    """
    wanted = {expected, *also}
    if guess.kind in wanted or guess.kind == FileKind.UNKNOWN:
        return None
    sentence = f"This file is {guess.description}, not {DESCRIPTIONS[expected]}"
    command = COMMANDS.get(guess.kind)
    if command and command != COMMANDS[expected]:
        sentence += f". Import it with manage.py {command}"
    elif guess.kind == FileKind.OTHER:
        sentence += ", so nothing in it can be imported here"
    return sentence
