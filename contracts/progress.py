"""Verified delivery against objectives' targets, for objectives.progress.

A target counts the verified delivery of commitments that serve its objective with the same
measure. Each return belongs to exactly one commitment, so nothing is counted twice however
many targets or contracts there are. Computed with one aggregate query.
"""

from decimal import Decimal

from django.db.models import Q, Sum

from objectives.models import Target
from objectives.progress import Delivery

from .models import DeliveryReturn


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
        condition |= Q(commitment__objective_id=objective_id, commitment__measure_id=measure_id)
    rows = (
        DeliveryReturn.objects.filter(condition, commitment__withdrawn_at__isnull=True)
        .values("commitment__objective_id", "commitment__measure_id")
        .annotate(
            verified=Sum("quantity", filter=Q(status="verified")),
            claimed=Sum("quantity", filter=Q(status__in=["submitted", "queried"])),
        )
    )
    totals = {
        (r["commitment__objective_id"], r["commitment__measure_id"]): Delivery(
            verified=r["verified"] or Decimal("0"), claimed_unverified=r["claimed"] or Decimal("0")
        )
        for r in rows
    }
    return {pk: totals.get(pair, Delivery()) for pk, pair in targets.items()}
