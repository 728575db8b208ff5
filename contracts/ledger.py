"""The ledger of delivery: the one place that sums delivery returns.

Every figure of delivery in the product — contract and commitment pages, objective pages and
the register, home pages, the dashboard, the transparency page, every CSV and the OCDS
export — is read from the ledger, and nothing else sums returns (a test scans the code).

The ledger has three tables, all derived from the returns and written only here:

- `LedgerEntry`: one line per commitment and reporting period, with the verified and the
  claimed-but-unverified quantity, their £ estimates (quantity × the proxy copied onto the
  commitment) and the number of returns behind each. Its objective, measure, area, buyer and
  delivering organisation are the commitment's (joined, so a ward carried to its successor
  is never stale here), and its quarter is the financial quarter the period ends in.
- `DeliveryTotal`: the same lines summed per commitment, so lists of hundreds of thousands of
  commitments read one row each.
- `ObjectiveDelivery`: the lines of current commitments summed per objective, measure and
  period start, which targets are judged by (`by_objective_and_measure`): a few rows per
  objective instead of every line of every commitment serving it.

The services that change returns or commitments call `record()` explicitly, inside their own
transaction, after their write; bulk loads call `rebuild()`. Lines are recomputed from the
returns (never incremented), so a missed call cannot drift: `manage.py rebuild_ledger` puts
it right and reports what it found, and `--check` only reports (exit status 1 on a
difference).

"As at" a past day: the lines of the periods that had started by that day, as verified now.
A correction made later (a return rejected after it was verified) is reflected in the past
figures too: the ledger restates, it does not keep snapshots.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import (
    Count,
    DecimalField,
    FilteredRelation,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from objectives.models import Objective

from .models import Commitment, DeliveryReturn, DeliveryTotal, LedgerEntry, ObjectiveDelivery

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=18, decimal_places=2)
VERIFIED = Q(status=DeliveryReturn.Status.VERIFIED)
CLAIMED_STATUSES = (DeliveryReturn.Status.SUBMITTED, DeliveryReturn.Status.QUERIED)
CLAIMED = Q(status__in=CLAIMED_STATUSES)
LINE_FIELDS = ("verified", "claimed", "verified_returns", "claimed_returns")
NOTHING = {"verified": ZERO, "claimed": ZERO, "verified_returns": 0, "claimed_returns": 0}
BATCH = 5000


# Financial quarters ---------------------------------------------------------------------------


def quarter_start(day: datetime.date) -> datetime.date:
    """The first day of the financial quarter (Q1 April–June, …, Q4 January–March) of `day`."""
    month = day.month - (day.month - 1) % 3  # 1, 4, 7 or 10: quarters start there
    return datetime.date(day.year, month, 1)


def quarter_end(day: datetime.date) -> datetime.date:
    start = quarter_start(day)
    month = start.month + 3
    following = datetime.date(start.year + (month > 12), (month - 1) % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


# Writing --------------------------------------------------------------------------------------


def _summed(commitment_ids=None):
    """Per commitment and period, the returns' sums: the only aggregation over returns."""
    returns = DeliveryReturn.objects.all()
    if commitment_ids is not None:
        returns = returns.filter(commitment_id__in=commitment_ids)
    return (
        returns.order_by()
        .values("commitment_id", "period_id", "period__start", "period__end")
        .annotate(
            verified=Sum("quantity", filter=VERIFIED, default=ZERO),
            claimed=Sum("quantity", filter=CLAIMED, default=ZERO),
            verified_returns=Count("pk", filter=VERIFIED),
            claimed_returns=Count("pk", filter=CLAIMED),
        )
        .order_by("commitment_id", "period__start")
    )


def _lines(rows, proxies: dict[int, Decimal | None]) -> list[LedgerEntry]:
    lines = []
    for row in rows:
        proxy = proxies.get(row["commitment_id"]) or ZERO
        lines.append(
            LedgerEntry(
                commitment_id=row["commitment_id"],
                period_id=row["period_id"],
                period_start=row["period__start"],
                period_end=row["period__end"],
                quarter=quarter_start(row["period__end"]),
                verified=row["verified"],
                claimed=row["claimed"],
                verified_value=(row["verified"] * proxy).quantize(Decimal("0.01")),
                claimed_value=(row["claimed"] * proxy).quantize(Decimal("0.01")),
                verified_returns=row["verified_returns"],
                claimed_returns=row["claimed_returns"],
            )
        )
    return lines


def _totals(lines: Iterable[LedgerEntry]) -> dict[int, dict]:
    totals: dict[int, dict] = {}
    for line in lines:
        total = totals.setdefault(line.commitment_id, dict(NOTHING))
        for name in LINE_FIELDS:
            total[name] += getattr(line, name)
    return totals


def _computed(commitment_ids) -> tuple[list[LedgerEntry], dict[int, dict]]:
    ids = list(commitment_ids)
    proxies = dict(Commitment.objects.filter(pk__in=ids).values_list("pk", "proxy_value"))
    lines = _lines(_summed(ids), proxies)
    return lines, _totals(lines)


@transaction.atomic
def record(commitment_ids: Iterable[int | None]) -> None:
    """Bring the ledger lines of these commitments up to date with their returns. Called by
    every service that writes a return or a commitment, in its transaction."""
    ids = sorted({pk for pk in commitment_ids if pk is not None})
    if not ids:
        return
    # Lock first, then read: under READ COMMITTED the read below takes a fresh snapshot, so it
    # sees a return committed by whoever held the lock before us.
    # The lock's read also gives the commitments' objectives, whose rollup is summed again.
    objective_ids = list(
        Commitment.objects.select_for_update()
        .filter(pk__in=ids)
        .values_list("objective_id", flat=True)
    )
    lines, totals = _computed(ids)
    LedgerEntry.objects.filter(commitment_id__in=ids).delete()
    LedgerEntry.objects.bulk_create(lines)
    for pk in ids:
        DeliveryTotal.objects.update_or_create(commitment_id=pk, defaults=totals.get(pk, NOTHING))
    _record_objectives(objective_ids)


def _objective_rows(objective_ids=None):
    """`ObjectiveDelivery` rows summed from the lines of current commitments (of these
    objectives, or all), leaving out sums of nothing."""
    lines = LedgerEntry.objects.filter(commitment__withdrawn_at__isnull=True)
    if objective_ids is not None:
        lines = lines.filter(commitment__objective_id__in=objective_ids)
    rows = (
        lines.order_by()
        .values_list("commitment__objective_id", "commitment__measure_id", "period_start")
        .annotate(verified=Sum("verified"), claimed=Sum("claimed"))
    )
    for objective_id, measure_id, start, verified, claimed in rows.iterator(chunk_size=BATCH):
        if verified or claimed:
            yield ObjectiveDelivery(
                objective_id=objective_id,
                measure_id=measure_id,
                period_start=start,
                verified=verified,
                claimed=claimed,
            )


def _record_objectives(objective_ids) -> None:
    """Sum these objectives' rollup again from their commitments' lines. The objectives are
    locked first: two transactions recording commitments of one objective would otherwise
    each sum it without the other's lines."""
    ids = sorted(set(objective_ids))
    list(Objective.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    ObjectiveDelivery.objects.filter(objective_id__in=ids).delete()
    ObjectiveDelivery.objects.bulk_create(list(_objective_rows(ids)))


@transaction.atomic
def rebuild() -> int:
    """Recompute the whole ledger from the returns (after a bulk load); returns its lines."""
    LedgerEntry.objects.all().delete()
    DeliveryTotal.objects.all().delete()
    ObjectiveDelivery.objects.all().delete()
    proxies = dict(Commitment.objects.values_list("pk", "proxy_value"))
    count = 0
    batch: list[LedgerEntry] = []
    totals: dict[int, dict] = {}

    def flush():
        nonlocal batch, count
        LedgerEntry.objects.bulk_create(batch, batch_size=BATCH)
        for pk, total in _totals(batch).items():
            current = totals.setdefault(pk, dict(NOTHING))
            for name in LINE_FIELDS:
                current[name] += total[name]
        count += len(batch)
        batch = []

    for line in _lines(_summed().iterator(chunk_size=BATCH), proxies):
        batch.append(line)
        if len(batch) >= BATCH:
            flush()
    flush()
    DeliveryTotal.objects.bulk_create(
        [DeliveryTotal(commitment_id=pk, **total) for pk, total in totals.items()],
        batch_size=BATCH,
    )
    ObjectiveDelivery.objects.bulk_create(_objective_rows(), batch_size=BATCH)
    return count


# Reading --------------------------------------------------------------------------------------


def entries(**match):
    """Ledger lines matching `match` (lookups on LedgerEntry, `commitment__…` for the
    commitment's objective, measure, area, buyer and delivering organisation)."""
    return LedgerEntry.objects.filter(**match)


def verified_as_at(on: datetime.date, **match):
    """An expression: the verified quantity of the lines matching `match` (typically
    `commitment_id=OuterRef("pk")`) of the periods started by `on`."""
    rows = (
        LedgerEntry.objects.filter(period_start__lte=on, **match)
        .order_by()
        .values("commitment_id")
        .annotate(total=Sum("verified"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=MONEY), Value(ZERO), output_field=MONEY)


def commitment_totals(commitment_ids: Iterable[int]) -> dict[int, dict]:
    """Per commitment: verified, claimed and the numbers of returns behind each."""
    rows = DeliveryTotal.objects.filter(commitment_id__in=list(commitment_ids)).values(
        "commitment_id", *LINE_FIELDS
    )
    return {row.pop("commitment_id"): row for row in rows}


def counted_elsewhere(commitment: Commitment, *, excluding: DeliveryReturn | None = None):
    """What a commitment's returns already count (verified, or claimed and not rejected),
    leaving out one return being changed."""
    total = commitment_totals([commitment.pk]).get(commitment.pk, NOTHING)
    counted = total["verified"] + total["claimed"]
    if excluding is not None and excluding.pk:
        before = DeliveryReturn.objects.filter(pk=excluding.pk).values("status", "quantity")
        for row in before:
            if row["status"] != DeliveryReturn.Status.REJECTED:
                counted -= row["quantity"]
    return counted


def by_objective_and_measure(objective_ids, on: datetime.date | None = None) -> dict:
    """(objective, measure) → (verified, claimed) over the current commitments serving these
    objectives (a list or a queryset of ids), from the objectives' rollup (`ObjectiveDelivery`):
    verified as at `on` (the periods started by then; every period when None), claimed now.
    Pairs with nothing verified or claimed are left out."""
    ids = objective_ids if isinstance(objective_ids, QuerySet) else list(objective_ids)
    started = Q(period_start__lte=on) if on is not None else Q()
    rows = (
        ObjectiveDelivery.objects.filter(objective_id__in=ids)
        .order_by()
        .values_list("objective_id", "measure_id")
        .annotate(
            verified=Coalesce(Sum("verified", filter=started), Value(ZERO), output_field=MONEY),
            claimed=Coalesce(Sum("claimed"), Value(ZERO), output_field=MONEY),
        )
    )
    return {(o, m): (verified, claimed) for o, m, verified, claimed in rows}


def by_target(target_ids: list[int]):
    """Verified and claimed delivery per target: the commitments that serve its objective with
    the same measure (`by_objective_and_measure`). Each return belongs to one commitment, so
    nothing is counted twice however many targets or contracts there are."""
    from objectives.models import Target
    from objectives.progress import Delivery

    if not target_ids:
        return {}
    targets = {
        t.pk: (t.objective_id, t.measure_id)
        for t in Target.objects.filter(pk__in=target_ids).only("pk", "objective_id", "measure_id")
    }
    totals = by_objective_and_measure({objective_id for objective_id, _ in targets.values()})
    result = {}
    for pk, pair in targets.items():
        verified, claimed = totals.get(pair, (ZERO, ZERO))
        result[pk] = Delivery(verified=verified, claimed_unverified=claimed)
    return result


def verified_by_area(place, *, start=None, end=None, organisation=None) -> dict[int, dict]:
    """Verified delivery per commitment area of a place: {area id: {"verified": quantity,
    "verified_value": £, "returns": n}}, over the periods ending between `start` and `end`
    (either may be None) on contracts `organisation` buys. For maps: an area's figure includes
    what is inside it when the caller sums by area path."""
    lines = LedgerEntry.objects.filter(
        commitment__contract__place=place, commitment__withdrawn_at__isnull=True
    )
    if start:
        lines = lines.filter(period_end__gte=start)
    if end:
        lines = lines.filter(period_end__lte=end)
    if organisation is not None:
        lines = lines.filter(commitment__contract__buyer=organisation)
    rows = (
        lines.order_by()
        .values("commitment__area_id")
        .annotate(
            verified=Sum("verified"),
            verified_value=Sum("verified_value"),
            returns=Sum("verified_returns"),
        )
    )
    return {
        row["commitment__area_id"]: {
            "verified": row["verified"],
            "verified_value": row["verified_value"],
            "returns": row["returns"],
        }
        for row in rows
    }


def verified_by_area_and_measure(commitments, *, start=None, end=None) -> list[dict]:
    """Verified quantity per commitment area and measure of `commitments` (a queryset of
    commitments), over the reporting periods ending between `start` and `end` (either may be
    None; without either, every period): rows of `area_id`, `measure_id` and `verified`, those
    with some. One row per measure, so unlike units are never added together."""
    if start or end:
        # From the commitments to their lines of the period: the database reads a narrow
        # set of commitments first and their lines from the index on commitment, rather than
        # the period's lines of every commitment.
        condition = Q(ledger_entries__verified__gt=0)
        if start:
            condition &= Q(ledger_entries__period_end__gte=start)
        if end:
            condition &= Q(ledger_entries__period_end__lte=end)
        lines = commitments.annotate(
            line=FilteredRelation("ledger_entries", condition=condition)
        ).filter(line__isnull=False)
        quantity = "line__verified"
    else:
        lines = commitments.filter(delivery_total__verified__gt=0)
        quantity = "delivery_total__verified"
    return list(lines.order_by().values("area_id", "measure_id").annotate(verified=Sum(quantity)))
