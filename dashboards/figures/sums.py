"""Delivery summed from the ledger (`contracts.ledger`) for a scope: its lines in the period
(`lines`), and verified and claimed delivery grouped by any field of the commitment
(`delivered`), which a narrow filter reads once per page and sums for each figure."""

from __future__ import annotations

from django.db.models import Count, F, FilteredRelation, Q, Sum, Value
from django.db.models.functions import Coalesce

from contracts import ledger
from contracts.models import Commitment
from socialvalue.sql import AnyOf

from .scope import Scope, _narrow_ids, _sum, _sum_money, commitments


def lines(scope: Scope):
    """The ledger's lines (`contracts.ledger`) of those commitments, for the reporting periods
    ending within the period."""
    narrow = _narrow_ids(scope)
    # A narrow filter's lines are read by their commitments' ids, from the ledger's index on
    # commitment; through `commitment__in` the database would scan every commitment.
    chosen = (
        AnyOf("commitment_id", narrow[0])
        if narrow
        else Q(commitment__in=commitments(scope, use_period=False))
    )
    return ledger.entries().filter(scope.in_period("period_end"), chosen)


COMMITTED = {
    "commitments": lambda: Count("pk"),
    "committed": lambda: _sum("quantity"),
    "committed_value": lambda: _sum_money(
        F("quantity") * F("proxy_value"), filter=Q(proxy_value__isnull=False)
    ),
    "without_proxy": lambda: Count("pk", filter=Q(proxy_value__isnull=True)),
}


# What a narrow filter's delivery is read by, once per page (`delivered`): the keys the figures
# group it by (area, outcome, measure with its names), each a field of the commitment.
ONCE_KEYS = (
    "area_id",
    "area__path",
    "objective__outcome_id",
    "measure_id",
    "measure__code",
    "measure__name",
    "measure__unit",
    "measure__retired_at",
)


def delivered(scope: Scope, *fields: str) -> list[dict]:
    """Verified and claimed quantities, the verified £ estimate and the numbers of verified and
    claimed returns, of the returns in the scope, grouped by `fields` of their commitments
    (without a period, with what was committed too: COMMITTED).

    A narrow filter's delivery is read once per page, grouped by every key the figures ask
    for (ONCE_KEYS: a few hundred rows for a county's ward), and summed here by `fields`:
    the areas, outcomes, measures and delivery against need each read the same lines of the
    same commitments, which at county scale cost 40–60 ms a pass, cold."""
    keys = _once_keys(scope)
    if set(fields) <= set(keys) and _narrow_ids(scope):
        if "delivered" not in scope._read_once:
            scope._read_once["delivered"] = _delivered(scope, keys)
        return regrouped(scope._read_once["delivered"], fields, keys)
    return _delivered(scope, fields)


# Keys that are the ledger line's own, not its commitment's.
LINE_KEYS = ("quarter",)


def _once_keys(scope: Scope) -> tuple[str, ...]:
    """ONCE_KEYS, and with a period the financial quarter of each line (the quarters' table):
    without one, delivery is read from the per-commitment totals, which have no quarter."""
    return (*ONCE_KEYS, *LINE_KEYS) if scope.start or scope.end else ONCE_KEYS


def verified_by_area_and_measure(scope: Scope) -> list[dict]:
    """The verified quantity per commitment area and measure of the scope's commitments, over
    the reporting periods ending in its period (`ledger.verified_by_area_and_measure`): rows of
    `area_id`, `measure_id` and `verified`, those with some. A narrow filter's are summed from
    the delivery it has read once (`delivered`)."""
    if not _narrow_ids(scope):
        return ledger.verified_by_area_and_measure(
            commitments(scope, use_period=False), start=scope.start, end=scope.end
        )
    return [
        {"area_id": row["area_id"], "measure_id": row["measure_id"], "verified": row["verified"]}
        for row in delivered(scope, "area_id", "measure_id")
        if row["verified"] > 0
    ]


def regrouped(
    rows: list[dict], fields: tuple[str, ...], keys: tuple[str, ...] = ONCE_KEYS
) -> list[dict]:
    """`rows` (grouped by `keys`, more than `fields`) summed by `fields`: each value that is
    not one of `keys` is added up."""
    totals: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(row[name] for name in fields)
        total = totals.get(key)
        if total is None:
            totals[key] = {
                name: value for name, value in row.items() if name in fields or name not in keys
            }
            continue
        for name, value in row.items():
            if name not in keys:
                total[name] += value
    return list(totals.values())


def _delivered(scope: Scope, fields: tuple[str, ...]) -> list[dict]:
    """`delivered` read from the database, grouped by `fields`.

    With a period, the returns whose reporting period ends in it are summed. Without one, every
    return counts, and the per-commitment totals give the same answer from one row per
    commitment instead of one per return."""
    if scope.start or scope.end:
        narrow = _narrow_ids(scope)
        if narrow:
            # From a narrow filter's commitments, read by id, to their lines of the period
            # (from the ledger's index on commitment): starting from the lines, PostgreSQL
            # scans every commitment to join them for the grouping.
            prefix, line = "", "line__"
            base = (
                Commitment.objects.filter(AnyOf("pk", narrow[0]))
                .annotate(
                    line=FilteredRelation(
                        "ledger_entries", condition=scope.in_period("ledger_entries__period_end")
                    )
                )
                .filter(line__isnull=False)
            )
        else:
            prefix, line, base = "commitment__", "", lines(scope)
        # A line's own fields (its quarter) are reached through `line`, the commitment's
        # through `prefix`; each is named back as asked.
        named = {(line if name in LINE_KEYS else prefix) + name: name for name in fields}
        rows = (
            base.order_by()
            .values(*named)
            .annotate(
                verified=_sum(line + "verified"),
                claimed=_sum(line + "claimed"),
                verified_value=_sum(line + "verified_value"),
                verified_returns=Coalesce(Sum(line + "verified_returns"), Value(0)),
                claimed_returns=Coalesce(Sum(line + "claimed_returns"), Value(0)),
            )
        )
        return [{named.get(key, key): v for key, v in row.items()} for row in rows]
    rows = (
        commitments(scope, use_period=False)
        .order_by()
        .values(*fields)
        .annotate(
            # Without a period, the same pass also counts what was committed (COMMITTED).
            **{name: aggregate() for name, aggregate in COMMITTED.items()},
            verified=_sum("delivery_total__verified"),
            claimed=_sum("delivery_total__claimed"),
            verified_value=_sum_money(
                F("delivery_total__verified") * F("proxy_value"),
                filter=Q(proxy_value__isnull=False),
            ),
            verified_returns=Coalesce(Sum("delivery_total__verified_returns"), Value(0)),
            claimed_returns=Coalesce(Sum("delivery_total__claimed_returns"), Value(0)),
        )
    )
    return list(rows)
