"""Tables of progress: targets, commitments at risk, areas, outcomes and gaps."""

from __future__ import annotations

from .. import figures
from .base import Column, Table, _money, _n, _whole


def targets_table(
    rows: list[figures.TargetRow], *, public: bool = False, total: int | None = None
) -> Table:
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
            r.objective__title,
            f"{r.measure__code} {r.measure__name} ({r.measure__unit})",
            _n(r.target_quantity),
            r.target_date,
            _n(r.verified),
        ]
        if not public:
            row.append(_n(r.claimed))
        row += [_whole(r.expected), r.percent, r.status_label]
        table.rows.append(row)
    return table


def at_risk_table(rows: list[figures.AtRiskRow], total: int | None = None) -> Table:
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
                r.status_label,
                f"{r.contract__reference} {r.contract__title}",
                r.delivered_by__name,
                f"{r.measure__code} {r.measure__name} ({r.measure__unit})",
                r.area__name,
                _n(r.quantity),
                _whole(r.expected),
                _n(r.verified),
                r.recovery_action or "None recorded",
            ]
        )
    return table


def areas_table(rows: list[figures.AreaRow]) -> Table:
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
    for r in sorted(rows, key=lambda r: r.wider):  # whole wards after neighbourhoods
        # Only neighbourhoods with something due are ranked: an area with nothing due, or a
        # whole ward's (or wider) commitments, has no place in the order.
        ranked = r.percent is not None and not r.wider
        rank += ranked
        table.rows.append(
            [
                rank if ranked else ("Whole area" if r.wider else "Nothing due"),
                r.name,
                r.gss_code,
                r.commitments,
                r.at_risk,
                r.percent,
                r.band_label,
                _money(r.verified_value),
                "Yes" if r.has_objectives else "No",
            ]
        )
    return table


def outcomes_table(rows: list[figures.OutcomeRow]) -> Table:
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
                r.theme,
                r.outcome,
                r.objectives,
                r.commitments,
                r.at_risk,
                _money(r.committed_value),
                _money(r.verified_value),
            ]
        )
    return table


def gaps_tables(data: dict) -> tuple[Table, Table]:
    areas = Table(
        "gap_areas",
        "Neighbourhoods with active objectives but no commitments",
        [Column("Area"), Column("GSS code")],
        definition=figures.gaps.definition,
        empty="None: every neighbourhood with an active objective has a commitment.",
    )
    areas.rows = [[a.name, a.gss_code] for a in data["areas"]]
    objectives = Table(
        "gap_objectives",
        "Active objectives that no contract serves",
        [Column("Objective"), Column("Lead organisation")],
        definition=figures.gaps.definition,
        empty="None: every active objective is served by a contract.",
    )
    objectives.rows = [[o.title, o.lead_organisation__name] for o in data["objectives"]]
    return areas, objectives
