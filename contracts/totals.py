"""Per-commitment delivery totals (`DeliveryTotal`), derived from delivery returns.

The figures pages need, for hundreds of thousands of commitments, how much of each has been
verified and how much is claimed but not yet verified. Summing millions of returns on every
request does not scale, so each commitment's totals are kept in one row, recomputed from its
returns (never incremented, so a missed update cannot drift) whenever a return is saved.

`refresh` serves the services: it locks the commitments first, so two officers deciding two
returns of one commitment at once queue up, and the second recomputation sees the first's
committed return. `refresh_all` rebuilds every row in one statement, for bulk loads and the
migration that introduced the table; `differences` compares the rows with the returns.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from .models import Commitment, DeliveryReturn, DeliveryTotal

ZERO = Decimal("0")
VERIFIED = Q(status=DeliveryReturn.Status.VERIFIED)
CLAIMED = Q(status__in=[DeliveryReturn.Status.SUBMITTED, DeliveryReturn.Status.QUERIED])
NOTHING = {"verified": ZERO, "claimed": ZERO, "verified_returns": 0, "claimed_returns": 0}


def _computed(commitment_ids=None) -> dict[int, dict]:
    returns = DeliveryReturn.objects.all()
    if commitment_ids is not None:
        returns = returns.filter(commitment_id__in=commitment_ids)
    rows = (
        returns.order_by()
        .values("commitment_id")
        .annotate(
            verified=Sum("quantity", filter=VERIFIED, default=ZERO),
            claimed=Sum("quantity", filter=CLAIMED, default=ZERO),
            verified_returns=Count("pk", filter=VERIFIED),
            claimed_returns=Count("pk", filter=CLAIMED),
        )
    )
    return {row.pop("commitment_id"): row for row in rows}


@transaction.atomic
def refresh(commitment_ids: Iterable[int]) -> None:
    """Recompute the totals of these commitments from their returns."""
    ids = sorted({pk for pk in commitment_ids if pk is not None})
    if not ids:
        return
    # Lock first, then read: under READ COMMITTED the read below takes a fresh snapshot, so it
    # sees a return committed by whoever held the lock before us.
    list(Commitment.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    computed = _computed(ids)
    for pk in ids:
        DeliveryTotal.objects.update_or_create(commitment_id=pk, defaults=computed.get(pk, NOTHING))


@transaction.atomic
def refresh_all() -> int:
    """Rebuild every commitment's totals in one statement; returns the number of rows."""
    table = connection.ops.quote_name(DeliveryTotal._meta.db_table)
    returns = connection.ops.quote_name(DeliveryReturn._meta.db_table)
    verified = DeliveryReturn.Status.VERIFIED.value
    claimed = (DeliveryReturn.Status.SUBMITTED.value, DeliveryReturn.Status.QUERIED.value)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - table names from the models
        cursor.execute(
            f"""
            INSERT INTO {table}
                (commitment_id, verified, claimed, verified_returns, claimed_returns)
            SELECT commitment_id,
                   COALESCE(SUM(CASE WHEN status = %s THEN quantity END), 0),
                   COALESCE(SUM(CASE WHEN status IN (%s, %s) THEN quantity END), 0),
                   COUNT(CASE WHEN status = %s THEN 1 END),
                   COUNT(CASE WHEN status IN (%s, %s) THEN 1 END)
            FROM {returns}
            GROUP BY commitment_id
            """,  # noqa: S608 - table names from the models, values as parameters
            [verified, *claimed, verified, *claimed],
        )
        rows = cursor.rowcount
    return rows


def differences(limit: int = 20) -> list[tuple[int, dict, dict]]:
    """Commitments whose stored totals differ from their returns: (pk, stored, computed)."""
    computed = _computed()
    stored = {
        row.pop("commitment_id"): row
        for row in DeliveryTotal.objects.values(
            "commitment_id", "verified", "claimed", "verified_returns", "claimed_returns"
        )
    }
    found = []
    for pk in sorted(set(computed) | set(stored)):
        have, want = stored.get(pk, NOTHING), computed.get(pk, NOTHING)
        if have != want:
            found.append((pk, have, want))
            if len(found) >= limit:
                break
    return found
