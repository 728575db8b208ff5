"""Tables of buying and delivery: by measure, lead buyer and quarter; contracts not compliant
with section 1; the public page's contracts."""

from __future__ import annotations

from .. import figures
from .base import Column, Table, _money, _n


def measures_table(data: figures.MeasureTotals, *, public: bool = False) -> Table:
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
    for r in data.rows:
        row = [
            f"{r.code} {r.name}" + (" (retired measure)" if r.retired else ""),
            r.unit,
            r.commitments,
            _n(r.committed),
            _n(r.verified),
        ]
        if not public:
            row.append(_n(r.claimed))
        row += [r.verified_percent, _measure_value(r)]
        table.rows.append(row)
    return table


NOT_VALUED = "Not valued (no proxy)"


def _measure_value(r: figures.MeasureRow):
    """A measure whose commitments all lack a proxy value is counted, not valued: "£0" would
    read as delivery worth nothing (found from outside on the transparency page)."""
    if r.commitments and r.without_proxy >= r.commitments:
        return NOT_VALUED
    return _money(r.verified_value)


def non_compliant_table(data: figures.ComplianceTotals) -> Table:
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
        total=data.non_compliant,
    )
    for r in data.not_compliant:
        table.rows.append([r.reference, r.title, r.buyer__name, r.procurement_started_on, r.reason])
    return table


def organisations_table(rows: list[figures.OrganisationRow]) -> Table:
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
                r.buyer__name,
                r.awarded,
                _money(r.spend),
                r.started,
                r.non_compliant,
                r.commitments,
                _money(r.verified_value),
            ]
        )
    return table


def quarters_table(rows: list[figures.QuarterRow], *, public: bool = False) -> Table:
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
        row = [r.label, r.awarded, _money(r.awarded_value), r.verified]
        if not public:
            row.append(r.claimed)
        row.append(_money(r.verified_value))
        table.rows.append(row)
    return table


def contracts_table(rows: list[figures.ContractRow], total: int | None = None) -> Table:
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
                r.reference,
                r.title,
                r.buyer__name,
                r.supplier__name,
                r.awarded_on,
                _money(r.award_value),
                r.commitment_count,
                _money(r.verified_value),
            ]
        )
    return table
