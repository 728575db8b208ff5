"""The dashboard's figures as tables: one definition drives the HTML table and its CSV download,
so what a leader reads and what they download are the same numbers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma

from . import figures


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


def display(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return f"{value:%-d %b %Y}"
    if isinstance(value, int | Decimal | float):
        return intcomma(value)
    return str(value)


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


def measures_table(data: dict, *, public: bool = False) -> Table:
    columns = [
        Column("Measure"),
        Column("Unit"),
        Column("Commitments", True),
        Column("Committed", True),
        Column("Verified delivered", True),
    ]
    if not public:
        columns.append(Column("Claimed, not yet verified", True))
    columns += [Column("Verified as % of committed", True), Column("Verified £ (estimate)", True)]
    table = Table(
        "measures",
        "Committed and delivered quantities per measure",
        columns,
        definition=figures.delivery_by_measure.definition,
    )
    for r in data["rows"]:
        row = [
            f"{r['code']} {r['name']}" + (" (retired measure)" if r["retired"] else ""),
            r["unit"],
            r["commitments"],
            _n(r["committed"]),
            _n(r["verified"]),
        ]
        if not public:
            row.append(_n(r["claimed"]))
        row += [r["verified_percent"], _measure_value(r)]
        table.rows.append(row)
    return table


NOT_VALUED = "Not valued (no proxy)"


def _measure_value(r: dict):
    """A measure whose commitments all lack a proxy value is counted, not valued: "£0" would
    read as delivery worth nothing (found from outside on the transparency page)."""
    if r["commitments"] and r["without_proxy"] >= r["commitments"]:
        return NOT_VALUED
    return _money(r["verified_value"])


def non_compliant_table(data: dict) -> Table:
    table = Table(
        "non_compliant",
        "Contracts whose procurement started without an assessment approved first",
        [
            Column("Reference"),
            Column("Title"),
            Column("Buyer"),
            Column("Procurement started"),
            Column("Why"),
        ],
        definition=figures.compliance.definition,
        empty="None: every contract in these filters had its assessment approved first.",
        total=data["non_compliant"],
    )
    for r in data["not_compliant"]:
        table.rows.append(
            [r["reference"], r["title"], r["buyer__name"], r["procurement_started_on"], r["reason"]]
        )
    return table


def targets_table(rows: list[dict], *, public: bool = False, total: int | None = None) -> Table:
    columns = [
        Column("Objective"),
        Column("Measure (unit)"),
        Column("Target", True),
        Column("By"),
        Column("Verified", True),
    ]
    if not public:
        columns.append(Column("Claimed, unverified", True))
    columns += [Column("Due by now", True), Column("% of target", True), Column("Status")]
    table = Table(
        "targets",
        "Targets against verified delivery",
        columns,
        definition=figures.targets_progress.definition,
        total=total,
    )
    for r in rows:
        row = [
            r["objective__title"],
            f"{r['measure__code']} {r['measure__name']} ({r['measure__unit']})",
            _n(r["target_quantity"]),
            r["target_date"],
            _n(r["verified"]),
        ]
        if not public:
            row.append(_n(r["claimed"]))
        row += [_whole(r["expected"]), r["percent"], r["status_label"]]
        table.rows.append(row)
    return table


def at_risk_table(rows: list[dict], total: int | None = None) -> Table:
    table = Table(
        "at_risk",
        "Commitments behind or at risk, with recovery actions",
        [
            Column("Status"),
            Column("Contract"),
            Column("Delivered by"),
            Column("Measure"),
            Column("Area"),
            Column("Committed", True),
            Column("Due by now", True),
            Column("Verified", True),
            Column("Recovery action"),
        ],
        definition=figures.commitments_at_risk.definition,
        empty="No commitment is behind or at risk.",
        total=total,
    )
    for r in rows:
        table.rows.append(
            [
                r["status_label"],
                f"{r['contract__reference']} {r['contract__title']}",
                r["delivered_by__name"],
                f"{r['measure__code']} {r['measure__name']} ({r['measure__unit']})",
                r["area__name"],
                _n(r["quantity"]),
                _whole(r["expected"]),
                _n(r["verified"]),
                r["recovery_action"] or "None recorded",
            ]
        )
    return table


def areas_table(rows: list[dict]) -> Table:
    table = Table(
        "areas",
        "Neighbourhoods ranked by verified delivery against what was due",
        [
            Column("Rank", True),
            Column("Area"),
            Column("GSS code"),
            Column("Commitments", True),
            Column("Behind or at risk", True),
            Column("Delivered against due (%)", True),
            Column("Band"),
            Column("Verified £ (estimate)", True),
            Column("Active objectives"),
        ],
        definition=figures.by_area.definition,
    )
    rank = 0
    for r in sorted(rows, key=lambda r: r["wider"]):  # whole wards after neighbourhoods
        # Only neighbourhoods with something due are ranked: an area with nothing due, or a
        # whole ward's (or wider) commitments, has no place in the order.
        ranked = r["percent"] is not None and not r["wider"]
        rank += ranked
        table.rows.append(
            [
                rank if ranked else ("Whole area" if r["wider"] else "Nothing due"),
                r["name"],
                r["gss_code"],
                r["commitments"],
                r["at_risk"],
                r["percent"],
                r["band_label"],
                _money(r["verified_value"]),
                "Yes" if r["has_objectives"] else "No",
            ]
        )
    return table


def outcomes_table(rows: list[dict]) -> Table:
    table = Table(
        "outcomes",
        "By theme and outcome",
        [
            Column("Theme"),
            Column("Outcome"),
            Column("Active objectives", True),
            Column("Commitments", True),
            Column("Behind or at risk", True),
            Column("Committed £ (estimate)", True),
            Column("Verified £ (estimate)", True),
        ],
        definition=figures.by_outcome.definition,
    )
    for r in rows:
        table.rows.append(
            [
                r["theme"],
                r["outcome"],
                r["objectives"],
                r["commitments"],
                r["at_risk"],
                _money(r["committed_value"]),
                _money(r["verified_value"]),
            ]
        )
    return table


def organisations_table(rows: list[dict]) -> Table:
    table = Table(
        "organisations",
        "By partner organisation (lead buyer)",
        [
            Column("Organisation"),
            Column("Contracts awarded or in delivery", True),
            Column("Award value (£)", True),
            Column("Procurements started", True),
            Column("Not compliant", True),
            Column("Commitments", True),
            Column("Verified £ (estimate)", True),
        ],
        definition=figures.by_organisation.definition,
    )
    for r in rows:
        table.rows.append(
            [
                r["buyer__name"],
                r["awarded"],
                _money(r["spend"]),
                r["started"],
                r["non_compliant"],
                r["commitments"],
                _money(r["verified_value"]),
            ]
        )
    return table


def quarters_table(rows: list[dict], *, public: bool = False) -> Table:
    columns = [
        Column("Quarter"),
        Column("Contracts awarded", True),
        Column("Award value (£)", True),
        Column("Returns verified", True),
    ]
    if not public:
        columns.append(Column("Returns claimed, not yet verified", True))
    columns.append(Column("Verified £ (estimate)", True))
    table = Table(
        "quarters",
        "Over time, by financial-year quarter",
        columns,
        definition=figures.by_quarter.definition,
    )
    for r in rows:
        row = [r["label"], r["awarded"], _money(r["awarded_value"]), r["verified"]]
        if not public:
            row.append(r["claimed"])
        row.append(_money(r["verified_value"]))
        table.rows.append(row)
    return table


def gaps_tables(data: dict) -> tuple[Table, Table]:
    areas = Table(
        "gap_areas",
        "Neighbourhoods with active objectives but no commitments",
        [Column("Area"), Column("GSS code")],
        definition=figures.gaps.definition,
        empty="None: every neighbourhood with an active objective has a commitment.",
    )
    areas.rows = [[a["name"], a["gss_code"]] for a in data["areas"]]
    objectives = Table(
        "gap_objectives",
        "Active objectives that no contract serves",
        [Column("Objective"), Column("Lead organisation")],
        definition=figures.gaps.definition,
        empty="None: every active objective is served by a contract.",
    )
    objectives.rows = [[o["title"], o["lead_organisation__name"]] for o in data["objectives"]]
    return areas, objectives


def proposals_table(data: dict) -> Table:
    table = Table(
        "proposals",
        "Community proposals by state",
        [Column("State"), Column("Proposals", True)],
        definition=figures.proposals_summary.definition,
    )
    table.rows = [[r["label"], r["count"]] for r in data["by_status"]]
    return table


def responses_table(data: dict) -> Table:
    table = Table(
        "responses",
        "Consultation responses by type of respondent",
        [Column("Respondent type"), Column("Responses", True)],
        definition=figures.consultations_summary.definition,
    )
    table.rows = [[r["label"], r["count"]] for r in data["responses"]]
    return table


def contracts_table(rows: list[dict], total: int | None = None) -> Table:
    table = Table(
        "contracts",
        "Contracts with social value commitments",
        [
            Column("Reference"),
            Column("Title"),
            Column("Buyer"),
            Column("Supplier"),
            Column("Awarded"),
            Column("Award value (£)", True),
            Column("Commitments", True),
            Column("Verified £ (estimate)", True),
        ],
        definition=figures.contracts_with_commitments.definition,
        total=total,
    )
    for r in rows:
        table.rows.append(
            [
                r["reference"],
                r["title"],
                r["buyer__name"],
                r["supplier__name"],
                r["awarded_on"],
                _money(r["award_value"]),
                r["commitment_count"],
                _money(r["verified_value"]),
            ]
        )
    return table


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
