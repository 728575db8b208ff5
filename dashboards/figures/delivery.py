"""Delivery counted in the returns: by framework measure, by lead buyer and by quarter."""

from __future__ import annotations

import datetime

from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce

from objectives.models import code_order

from .. import periods
from .definitions import definition
from .headlines import contract_groups
from .progress import _regroup, by_measure_and_source
from .rows import MeasureRow, OrganisationRow, QuarterRow
from .scope import (
    ZERO,
    Compliance,
    Scope,
    _percent,
    _sum,
    commitments,
)
from .sums import COMMITTED, delivered, lines
from .totals import MeasureTotals

# What a measure's row is grouped by and named from.
MEASURE_FIELDS = (
    "measure_id",
    "measure__code",
    "measure__name",
    "measure__unit",
    "measure__retired_at",
)


@definition(
    """Per framework measure, in its own unit: the quantity committed by current (not
    withdrawn) commitments whose delivery window overlaps the period, and the quantity in
    returns whose reporting period ends in the period — verified by an officer, and, shown
    apart, claimed but not yet verified (submitted or queried). Rejected returns are not
    counted. Retired measures are marked; their commitments still count. The £ figures are
    estimates: each return's or commitment's quantity × the proxy value per unit copied onto
    the commitment when it was made, listed with their sources and years. Commitments with no
    proxy value add to the counts but not to the £."""
)
def delivery_by_measure(scope: Scope) -> MeasureTotals:
    delivered_rows = delivered(scope, *MEASURE_FIELDS)
    counted = by_measure_and_source(scope)  # None unless the filter is narrow
    if counted is not None:
        # A narrow filter's commitments were counted by measure and source with their
        # progress: summed here by measure, and their sources read from them.
        committed = (
            [dict(row, commitments=row["n"]) for row in _by_measure(counted)]
            if scope.start or scope.end
            else delivered_rows
        )
        sources = sorted(
            (
                {"proxy_source": row["proxy_source"], "proxy_year": row["proxy_year"]}
                for row in _by_source(counted)
            ),
            key=lambda s: (s["proxy_source"], s["proxy_year"] is None, s["proxy_year"] or 0),
        )
    else:
        if scope.start or scope.end:
            committed = (
                commitments(scope)
                .order_by()
                .values(*MEASURE_FIELDS)
                .annotate(**{name: aggregate() for name, aggregate in COMMITTED.items()})
            )
        else:
            committed = delivered_rows  # one pass over the commitments counted both
        sources = list(
            commitments(scope)
            .filter(proxy_value__isnull=False)
            .order_by("proxy_source", "proxy_year")
            .values("proxy_source", "proxy_year")
            .distinct()
        )
    ordered = _measure_rows(committed, delivered_rows)
    return MeasureTotals(
        rows=ordered,
        verified_value=sum((r.verified_value for r in ordered), ZERO),
        committed_value=sum((r.committed_value for r in ordered), ZERO),
        commitments=sum(r.commitments for r in ordered),
        without_proxy=sum(r.without_proxy for r in ordered),
        sources=sources,
    )


def _by_measure(counted: list[dict]) -> list[dict]:
    """The rows of `by_measure_and_source` summed by measure."""
    return _regroup(counted, MEASURE_FIELDS, ("n", "committed", "committed_value", "without_proxy"))


def _by_source(counted: list[dict]) -> list[dict]:
    """The distinct proxy sources and years of the commitments that have a proxy value."""
    with_proxy = [row for row in counted if row["n"] > row["without_proxy"]]
    return _regroup(with_proxy, ("proxy_source", "proxy_year"), ())


def _measure_rows(committed, delivered_rows) -> list[MeasureRow]:
    """One row per measure, with what was committed and what was delivered against it, in the
    order of the measures' codes as people read them (WR2 before WR10: `code_order`)."""
    rows: dict[int, MeasureRow] = {}
    for found, keys in (
        (committed, ("commitments", "committed", "committed_value", "without_proxy")),
        (delivered_rows, ("verified", "claimed", "verified_value")),
    ):
        for values in found:
            if values["measure_id"] not in rows:
                rows[values["measure_id"]] = MeasureRow(
                    measure_id=values["measure_id"],
                    code=values["measure__code"],
                    name=values["measure__name"],
                    unit=values["measure__unit"],
                    retired=values["measure__retired_at"] is not None,
                )
            row = rows[values["measure_id"]]
            for key in keys:
                setattr(row, key, values[key])
    ordered = sorted(rows.values(), key=lambda r: (code_order(r.code), r.measure_id))
    for row in ordered:
        row.verified_percent = _percent(row.verified, row.committed)
    return ordered


@definition(
    """Per public body buying for the place (the lead buyer only, so a jointly bought contract
    is counted once): contracts awarded or in delivery and their award value (awarded within the
    period, if one is chosen), contracts whose procurement started and how many of those were
    not compliant with section 1, current commitments, and the verified £ estimate."""
)
def by_organisation(scope: Scope) -> list[OrganisationRow]:
    rows: dict[int, dict] = {}
    for group in contract_groups(scope):
        row = rows.setdefault(
            group["buyer_id"],
            {
                "buyer_id": group["buyer_id"],
                "buyer__name": group["buyer__name"],
                "awarded": 0,
                "spend": ZERO,
                "started": 0,
                "non_compliant": 0,
            },
        )
        # Awarded and spend as the spend headline counts them (in scope, at a spend stage).
        row["awarded"] += group["count"]
        row["spend"] += group["total"]
        row["started"] += group["started"]
        row["non_compliant"] += group[Compliance.NON_COMPLIANT]
    by_buyer = delivered(scope, "contract__buyer_id")
    values = {row["contract__buyer_id"]: row["verified_value"] for row in by_buyer}
    if scope.start or scope.end:
        commitment_counts = dict(
            commitments(scope).order_by().values_list("contract__buyer_id").annotate(n=Count("pk"))
        )
    else:
        commitment_counts = {row["contract__buyer_id"]: row["commitments"] for row in by_buyer}
    result = []
    for buyer_id, row in rows.items():
        typed = OrganisationRow(
            **row,
            commitments=commitment_counts.get(buyer_id, 0),
            verified_value=values.get(buyer_id, ZERO),
        )
        if typed.awarded or typed.started or typed.commitments:
            result.append(typed)
    return sorted(result, key=lambda r: r.buyer__name)


@definition(
    """Per financial-year quarter (Q1 is April to June): contracts awarded (by award date) and
    their award value; and returns by the quarter in which their reporting period ends — how
    many were verified, with their £ estimate, and how many are still claimed but unverified."""
)
def by_quarter(scope: Scope) -> list[QuarterRow]:
    awarded: dict = {}
    for group in contract_groups(scope):
        if group["quarter"] is not None and group["awarded"]:
            n, value = awarded.get(group["quarter"], (0, ZERO))
            awarded[group["quarter"]] = (n + group["awarded"], value + group["awarded_value"])
    if scope.start or scope.end:
        # With a period, read with the rest of its delivery (for a narrow filter, once).
        returned = [
            {
                "quarter": row["quarter"],
                "verified": row["verified_returns"],
                "claimed": row["claimed_returns"],
                "verified_value": row["verified_value"],
            }
            for row in delivered(scope, "quarter")
        ]
    else:
        returned = (
            lines(scope)
            .order_by()
            .values("quarter")
            .annotate(
                verified=Coalesce(Sum("verified_returns"), Value(0)),
                claimed=Coalesce(Sum("claimed_returns"), Value(0)),
                verified_value=_sum("verified_value"),
            )
        )
    rows: dict[datetime.date, QuarterRow] = {}

    def entry(quarter) -> QuarterRow:
        if isinstance(quarter, datetime.datetime):
            quarter = quarter.date()
        if quarter not in rows:
            rows[quarter] = QuarterRow(quarter=quarter, label=periods.quarter_label(quarter))
        return rows[quarter]

    for quarter, (n, value) in awarded.items():
        found = entry(quarter)
        found.awarded, found.awarded_value = n, value
    for row in returned:
        found = entry(row["quarter"])
        found.verified = row["verified"]
        found.claimed = row["claimed"] if not scope.public else 0
        found.verified_value = row["verified_value"]
    ordered = [rows[k] for k in sorted(rows)]
    top = max((r.verified_value for r in ordered), default=ZERO)
    for row in ordered:
        row.bar = int(row.verified_value * 100 / top) if top else 0
    return ordered
