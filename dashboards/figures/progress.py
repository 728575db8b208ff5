"""Current commitments judged by their progress as at the scope's day: counted once by area,
outcome and status (`progress_groups`), by status, and those behind or at risk."""

from __future__ import annotations

from django.db.models import Count, F, FloatField, Q, Sum, Value
from django.db.models.functions import Coalesce

from contracts.models import Commitment
from contracts.progress import NEEDS_RECOVERY as AT_RISK
from contracts.progress import STATUS_LABELS, expected_amount, with_progress

from .definitions import definition
from .rows import AtRiskRow
from .scope import Scope, _narrow_ids, _sum, _sum_money, commitments
from .sums import delivered
from .totals import StatusCounts

# What a narrow filter's progress groups with a period are keyed by as well (a few thousand
# commitments, so a few thousand rows at most): the measures' committed quantities and the
# proxy values' sources are then sums of these groups (`by_measure_and_source`), not passes
# of their own.
NARROW_KEYS = (
    "measure_id",
    "measure__code",
    "measure__name",
    "measure__unit",
    "measure__retired_at",
    "proxy_source",
    "proxy_year",
)


def progress_groups(scope: Scope) -> list[dict]:
    """Current commitments in the scope, judged as at its day, counted by area, outcome and
    status in one pass (for a narrow filter with a period, by measure and proxy source too:
    NARROW_KEYS), read once per page: the statuses, the areas and the outcomes are all sums of
    these rows (a few thousand), instead of three passes over every commitment. The rows are
    shared: callers sum them (`_regroup`) and never change them."""
    if "groups" not in scope._read_once:
        keys = ("area__path", "objective__outcome_id", "status")
        if _by_measure_too(scope):
            keys += NARROW_KEYS
        scope._read_once["groups"] = list(
            with_progress(commitments(scope), scope.as_at)
            .order_by()
            .values(*keys)
            .annotate(
                n=Count("pk"),
                due=Count("pk", filter=Q(due_ratio__isnull=False)),
                ratio_sum=Coalesce(Sum("due_ratio"), Value(0.0), output_field=FloatField()),
                committed=_sum("quantity"),
                committed_value=_sum_money(
                    F("quantity") * F("proxy_value"), filter=Q(proxy_value__isnull=False)
                ),
                without_proxy=Count("pk", filter=Q(proxy_value__isnull=True)),
                # Every verified return, whatever the period: see `_verified_values`.
                verified_value=_sum_money(
                    F("delivery_total__verified") * F("proxy_value"),
                    filter=Q(proxy_value__isnull=False, delivery_total__isnull=False),
                ),
            )
        )
    return scope._read_once["groups"]


def _by_measure_too(scope: Scope) -> bool:
    """Whether the progress groups are keyed by NARROW_KEYS too: for a narrow filter with a
    period. Without a period the measures' committed quantities come with their delivery
    (`sums.delivered`), and the extra keys would only make the groups (a neighbourhood page's,
    say) larger: measured, they cost a county ward's page more than the query they save."""
    return bool((scope.start or scope.end) and _narrow_ids(scope))


def by_measure_and_source(scope: Scope) -> list[dict] | None:
    """A narrow filter's commitments counted by measure and proxy source (what `COMMITTED`
    counts, keyed by NARROW_KEYS), summed from its progress groups; None for a wider filter,
    whose groups are not keyed by them."""
    if not _by_measure_too(scope):
        return None
    return _regroup(
        progress_groups(scope), NARROW_KEYS, ("n", "committed", "committed_value", "without_proxy")
    )


def _verified_values(scope: Scope, groups: list[dict], key: str) -> dict:
    """Verified £ estimate by `key` (a field of the commitment). Without a period every return
    counts, and the progress groups already carry it; with one, only returns whose reporting
    period ends in it, summed from the returns."""
    if scope.start or scope.end:
        rows = delivered(scope, key)
    else:
        rows = _regroup(groups, key, ("verified_value",))
    return {row[key]: row["verified_value"] for row in rows}


def _regroup(groups: list[dict], key: str | tuple[str, ...], fields: tuple[str, ...]) -> list[dict]:
    """The progress groups summed by `key` (a field, or several); `at_risk` counts those
    behind or at risk."""
    names = (key,) if isinstance(key, str) else key
    totals: dict = {}
    for row in groups:
        found = tuple(row[name] for name in names)
        entry = totals.get(found)
        if entry is None:
            entry = totals[found] = {name: row[name] for name in names} | {"at_risk": 0}
        for name in fields:
            if name == "at_risk":
                entry["at_risk"] += row["n"] if row["status"] in AT_RISK else 0
            else:
                entry[name] = entry.get(name, 0) + row[name]
    return list(totals.values())


@definition(
    """Current commitments (see "committed") by status as at the end of the period or today,
    using the rule of the contracts register: complete when verified delivery meets the
    quantity; on track when it meets the share expected by then (pro rata from start to due
    date, or all of it at the due date for one-off commitments); behind when it is at least 75%
    of that; at risk below that. Only verified returns count."""
)
def commitment_statuses(scope: Scope, groups: list[dict] | None = None) -> StatusCounts:
    groups = progress_groups(scope) if groups is None else groups
    counts = StatusCounts()
    for row in groups:
        setattr(counts, row["status"], getattr(counts, row["status"]) + row["n"])
    return counts


@definition(
    """Current commitments that are behind or at risk (see "commitments by status"), with the
    recovery action the buyer recorded, worst first."""
)
def commitments_at_risk(scope: Scope, limit: int | None = None) -> list[AtRiskRow]:
    ordering = ("status", "contract__reference", "pk")
    ranked = (
        with_progress(commitments(scope), scope.as_at)
        .filter(status__in=AT_RISK)
        .order_by(*ordering)
    )
    if limit:
        # Rank with only what ranking needs, then read the details of the rows shown: joining
        # measure, area, objective and supplier onto every commitment before the limit cost
        # more than the ranking itself at county scale.
        shown = list(ranked.values_list("pk", flat=True)[:limit])
        ranked = with_progress(Commitment.objects.filter(pk__in=shown), scope.as_at).order_by(
            *ordering
        )
    qs = ranked.values(
        "pk",
        "contract_id",
        "contract__reference",
        "contract__title",
        "delivered_by__name",
        "measure__code",
        "measure__name",
        "measure__unit",
        "area__name",
        "objective__title",
        "quantity",
        "verified",
        "expected",
        "status",
        "recovery_action",
    )
    return [
        AtRiskRow(
            **dict(
                row,
                status_label=STATUS_LABELS[row["status"]],
                expected=expected_amount(row["expected"]),
            )
        )
        for row in qs
    ]
