"""The dashboard's figures as tables: one definition drives the HTML table and its CSV download,
so what a leader reads and what they download are the same numbers.

One module per family: `base.py` (the table, display and sorting), `delivery.py`,
`progress.py` and `community.py`. This package names every table, so `tables.areas_table(rows)`
works whatever the layout.
"""

from .base import Column, Table, display, parse_sort, sort_tables
from .community import proposals_table, responses_table
from .delivery import (
    NOT_VALUED,
    contracts_table,
    measures_table,
    non_compliant_table,
    organisations_table,
    quarters_table,
)
from .progress import areas_table, at_risk_table, gaps_tables, outcomes_table, targets_table

__all__ = [
    "NOT_VALUED",
    "Column",
    "Table",
    "areas_table",
    "at_risk_table",
    "contracts_table",
    "display",
    "gaps_tables",
    "measures_table",
    "non_compliant_table",
    "organisations_table",
    "outcomes_table",
    "parse_sort",
    "proposals_table",
    "quarters_table",
    "responses_table",
    "sort_tables",
    "targets_table",
]
