"""Importers for the public files a council starts from: ONS ward and LSOA lookups, ONS
boundaries (GeoJSON), and need (indices of deprivation, population estimates).

Each checks the whole file before writing anything, writes in one transaction, answers a file
of the wrong kind in one sentence, and reports each bad row by line.
"""

from socialvalue.csvimport import Report, RowError

from .kinds import FileKind, detect
from .wards import ImportReport, import_ward_lookup

__all__ = ["FileKind", "ImportReport", "Report", "RowError", "detect", "import_ward_lookup"]
