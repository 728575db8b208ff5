"""Objectives and their targets, judged by the delivery counted towards them; and the outcomes
of the framework they serve."""

from __future__ import annotations

from django.db.models import Count, ExpressionWrapper, F, FloatField

from contracts import ledger
from contracts.progress import is_current, share_elapsed
from objectives.models import Objective, Outcome, Target
from objectives.progress import TARGET_STATUS_LABELS, target_status

from .definitions import definition
from .progress import _regroup, _verified_values, progress_groups
from .rows import OutcomeRow, TargetRow
from .scope import ZERO, Scope, _percent, objectives
from .totals import ObjectiveCounts


def _delivery_by_objective_and_measure(scope: Scope) -> dict[tuple, tuple]:
    """(objective, measure) → (verified, claimed) over current commitments, as at the scope's
    day, for every active or achieved objective in the scope: read from the ledger's rollup
    per objective (`ledger.by_objective_and_measure`, a few rows per objective rather than
    every line of the thousands of commitments serving them), once for the objectives'
    summary and the targets' table."""
    if "delivery" not in scope._read_once:
        on = scope.as_at
        # The objectives (a few thousand at most) are read as ids, so the rollup is read
        # from its index on objective.
        objective_ids = list(
            objectives(scope)
            .filter(status__in=Objective.PUBLIC_STATUSES)
            .order_by()
            .values_list("pk", flat=True)
        )
        scope._read_once["delivery"] = ledger.by_objective_and_measure(
            objective_ids, None if is_current(on) else on
        )
    return scope._read_once["delivery"]


def _targets_with_progress(
    scope: Scope, objective_ids, *fields: str, limit: int | None = None
) -> list[dict]:
    """The current targets of these objectives (the first `limit` in order, if given) as dicts
    of `fields`, with the verified and claimed delivery counted towards each and the share
    expected by the scope's day."""
    on = scope.as_at
    targets = (
        Target.objects.current()
        .filter(objective_id__in=objective_ids)
        .annotate(
            share=share_elapsed("baseline_date", "target_date", on),
            expected=ExpressionWrapper(
                F("target_quantity") * F("share"), output_field=FloatField()
            ),
        )
        .order_by("objective__title", "measure__code", "pk")
        .values("objective_id", "measure_id", "expected", *fields)
    )
    rows = list(targets[:limit] if limit else targets)
    delivery = _delivery_by_objective_and_measure(scope)
    for row in rows:
        row["verified"], row["claimed"] = delivery.get(
            (row["objective_id"], row["measure_id"]), (ZERO, ZERO)
        )
    return rows


@definition(
    """Objectives of the place in the filters, by status. An active objective is on track when
    every current target's verified delivery (from verified returns of commitments serving the
    objective with the target's measure) is at least the pro-rata share of the target due by
    the end of the period (or today), counted from the baseline date to the target date; it is
    behind when any target falls short. Active objectives with no targets are counted apart.
    Drafts are never shown on the public page."""
)
def objectives_summary(scope: Scope) -> ObjectiveCounts:
    statuses = dict(objectives(scope).order_by().values_list("pk", "status"))
    active = [pk for pk, status in statuses.items() if status == Objective.Status.ACTIVE]
    with_targets, behind = set(), set()
    active_ids = objectives(scope).filter(status=Objective.Status.ACTIVE).values("pk")
    for row in _targets_with_progress(scope, active_ids, "target_quantity"):
        with_targets.add(row["objective_id"])
        status = target_status(row["verified"], row["target_quantity"], row["expected"])
        if status == "behind":
            behind.add(row["objective_id"])
    return ObjectiveCounts(
        active=len(active),
        on_track=len(with_targets - behind),
        behind=len(behind),
        no_targets=len(active) - len(with_targets),
        achieved=sum(1 for s in statuses.values() if s == Objective.Status.ACHIEVED),
        draft=None
        if scope.public
        else sum(1 for s in statuses.values() if s == Objective.Status.DRAFT),
    )


@definition(
    """Each current target of the active and achieved objectives in the filters: the target
    quantity, the verified delivery counted towards it (verified returns of current commitments
    serving the objective with the target's measure, for reporting periods started by the end of
    the period), claimed but unverified quantities apart, and the share due by then. A return
    counts towards a target only through its own commitment, so nothing is counted twice."""
)
def targets_progress(scope: Scope, limit: int | None = None) -> list[TargetRow]:
    ids = objectives(scope).filter(status__in=Objective.PUBLIC_STATUSES).values("pk")
    rows = _targets_with_progress(
        scope,
        ids,
        "pk",
        "objective__title",
        "objective__status",
        "measure__code",
        "measure__name",
        "measure__unit",
        "target_quantity",
        "target_date",
        limit=limit,
    )
    typed = []
    for row in rows:
        percent = _percent(row["verified"], row["target_quantity"])
        status = target_status(
            row["verified"], row["target_quantity"], row["expected"], row["objective__status"]
        )
        typed.append(
            TargetRow(
                **row,
                percent=percent,
                status=status,
                status_label=TARGET_STATUS_LABELS[status],
                on_track=status in ("complete", "on_track"),
                bar=min(percent or 0, 100),
            )
        )
    return typed


def targets_total(scope: Scope) -> int:
    """How many rows `targets_progress` has without a limit."""
    ids = objectives(scope).filter(status__in=Objective.PUBLIC_STATUSES).values("pk")
    return Target.objects.current().filter(objective_id__in=ids).count()


@definition(
    """Per outcome of the outcomes framework (with its theme): active objectives in the filters,
    current commitments serving them, how many of those are behind or at risk, and the
    verified and committed £ estimates (quantity × the proxy copied on each commitment)."""
)
def by_outcome(scope: Scope, groups: list[dict] | None = None) -> list[OutcomeRow]:
    groups = progress_groups(scope) if groups is None else groups
    committed = _regroup(groups, "objective__outcome_id", ("n", "at_risk", "committed_value"))
    names = {
        o["pk"]: o
        for o in Outcome.objects.filter(pk__in=[r["objective__outcome_id"] for r in committed])
        .order_by()
        .values("pk", "name", "theme__name")
    }
    for row in committed:
        outcome = names[row["objective__outcome_id"]]
        row["objective__outcome__name"] = outcome["name"]
        row["objective__outcome__theme__name"] = outcome["theme__name"]
    verified = _verified_values(scope, groups, "objective__outcome_id")
    active = (
        objectives(scope)
        .filter(status=Objective.Status.ACTIVE)
        .order_by()
        .values("outcome_id", "outcome__name", "outcome__theme__name")
        .annotate(n=Count("pk"))
    )
    rows: dict[int, OutcomeRow] = {}
    for row in active:
        rows[row["outcome_id"]] = OutcomeRow(
            outcome=row["outcome__name"], theme=row["outcome__theme__name"], objectives=row["n"]
        )
    for row in committed:
        entry = rows.setdefault(
            row["objective__outcome_id"],
            OutcomeRow(
                outcome=row["objective__outcome__name"],
                theme=row["objective__outcome__theme__name"],
            ),
        )
        entry.commitments = row["n"]
        entry.at_risk = row["at_risk"]
        entry.committed_value = row["committed_value"]
    for outcome_id, entry in rows.items():
        entry.verified_value = verified.get(outcome_id, ZERO)
    return sorted(rows.values(), key=lambda r: (r.theme, r.outcome))
