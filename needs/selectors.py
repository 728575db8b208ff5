"""Reads of the needs board that more than one page shows: what is still needed, what was
received, and what the council learns (unmet needs by area and kind, who pledges and delivers).
Pledges are summed here; delivery to contracts is never summed here (that is the ledger's)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from .models import Need, Pledge

ZERO = Decimal("0")
Status = Pledge.Status


def still_needed(need: Need, *, excluding: Pledge | None = None) -> Decimal | None:
    """A named rule: what is still needed is the quantity asked for, less what the group
    confirmed it received and what it accepted and still waits for. Offers not yet accepted do
    not reduce it (the group may decline them). None when the need has no quantity."""
    if need.quantity is None:
        return None
    pledges = need.pledges.all()
    if excluding is not None:
        pledges = pledges.exclude(pk=excluding.pk)
    taken = pledges.aggregate(
        received=Sum("received_quantity", filter=Q(status=Status.RECEIVED), default=ZERO),
        accepted=Sum("quantity", filter=Q(status=Status.ACCEPTED), default=ZERO),
    )
    return max(need.quantity - taken["received"] - taken["accepted"], ZERO)


def received_so_far(need: Need) -> Decimal:
    return need.pledges.filter(status=Status.RECEIVED).aggregate(
        total=Sum("received_quantity", default=ZERO)
    )["total"]


@dataclass(frozen=True)
class NeedSummary:
    asked: Decimal | None
    received: Decimal
    still_needed: Decimal | None
    waiting_days: int | None


def need_summary(need: Need, today: datetime.date | None = None) -> NeedSummary:
    today = today or timezone.localdate()
    waiting = None
    if need.opened_at and need.status in Need.PLEDGEABLE:
        waiting = (today - timezone.localtime(need.opened_at).date()).days
    return NeedSummary(
        asked=need.quantity,
        received=received_so_far(need),
        still_needed=still_needed(need),
        waiting_days=waiting,
    )


def unmet_by_area_and_kind(place):
    """Unmet (open or partly met, shown) needs per area and kind, with the longest and the
    average wait since publishing: one grouped query."""
    now = timezone.now()
    rows = (
        Need.objects.unmet()
        .filter(place=place)
        .values("areas__pk", "areas__name", "kind")
        .annotate(count=Count("pk", distinct=True), oldest=Min("opened_at"))
        .order_by("areas__name", "kind")
    )
    kinds = dict(Need.Kind.choices)
    return [
        {
            "area_id": row["areas__pk"],
            "area": row["areas__name"],
            "kind": kinds.get(row["kind"], row["kind"]),
            "count": row["count"],
            "longest_days": (now - row["oldest"]).days if row["oldest"] else None,
        }
        for row in rows
    ]


def unmet_counts_by_area(place, areas) -> dict[int, int]:
    """Unmet needs in each of `areas`: a need counts in an area when it is for that area or
    for one inside it (a need for two neighbourhoods of a ward counts once in the ward). One
    query, whatever the number of areas."""
    if not areas:
        return {}
    counts = (
        Need.objects.unmet()
        .filter(place=place)
        .aggregate(
            **{
                f"area_{area.pk}": Count(
                    "pk", distinct=True, filter=Q(areas__path__startswith=area.path)
                )
                for area in areas
            }
        )
    )
    return {area.pk: counts[f"area_{area.pk}"] for area in areas}


def suppliers_pledging(place):
    """Each organisation that pledged to the place's needs: pledges made, accepted, received,
    and how many of those received count in a contract's return (the rest are community
    support). One grouped query."""
    return list(
        Pledge.objects.filter(need__place=place)
        .values("organisation__name")
        .annotate(
            made=Count("pk"),
            accepted=Count("pk", filter=Q(status__in=(Status.ACCEPTED, Status.RECEIVED))),
            received=Count("pk", filter=Q(status=Status.RECEIVED)),
            counted=Count("pk", filter=Q(status=Status.RECEIVED, delivery_return__isnull=False)),
            declined=Count("pk", filter=Q(status=Status.DECLINED)),
        )
        .order_by("-received", "organisation__name")
    )
