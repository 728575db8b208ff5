"""Verified delivery against objectives' targets, for objectives.progress.

A target counts the verified delivery of commitments that serve its objective with the same
measure. Each return belongs to exactly one commitment, so nothing is counted twice however
many targets or contracts there are. Computed with one aggregate query over the commitments'
delivery totals (`contracts.totals`), which are summed from their returns.
"""

from decimal import Decimal

from django.db.models import Q, Sum

from objectives.models import Target
from objectives.progress import Delivery

from .models import Commitment


def verified_delivery_by_target(target_ids: list[int]) -> dict[int, Delivery]:
    if not target_ids:
        return {}
    targets = {
        t.pk: (t.objective_id, t.measure_id)
        for t in Target.objects.filter(pk__in=target_ids).only("pk", "objective_id", "measure_id")
    }
    pairs = set(targets.values())
    if not pairs:
        return {}
    condition = Q()
    for objective_id, measure_id in pairs:
        condition |= Q(objective_id=objective_id, measure_id=measure_id)
    rows = (
        Commitment.objects.current()
        .filter(condition)
        .order_by()
        .values("objective_id", "measure_id")
        .annotate(
            verified=Sum("delivery_total__verified"),
            claimed=Sum("delivery_total__claimed"),
        )
    )
    totals = {
        (r["objective_id"], r["measure_id"]): Delivery(
            verified=r["verified"] or Decimal("0"), claimed_unverified=r["claimed"] or Decimal("0")
        )
        for r in rows
    }
    return {pk: totals.get(pair, Delivery()) for pk, pair in targets.items()}
