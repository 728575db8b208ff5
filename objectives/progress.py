"""Delivery against targets, counted from verified returns only.

Objectives do not know about contracts (contracts depend on objectives, not the reverse), so
the apps that record delivery register a *source*: a function taking target ids and returning,
per target id, the verified and the claimed-but-unverified quantities. With no source
registered, delivery is honestly zero.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0")


@dataclass(frozen=True)
class Delivery:
    verified: Decimal = ZERO
    claimed_unverified: Decimal = ZERO


DeliverySource = Callable[[list[int]], dict[int, Delivery]]
_sources: list[DeliverySource] = []


def register_delivery_source(source: DeliverySource) -> DeliverySource:
    if source not in _sources:
        _sources.append(source)
    return source


def delivery_for(target_ids: Iterable[int]) -> dict[int, Delivery]:
    ids = list(target_ids)
    totals = {pk: Delivery() for pk in ids}
    for source in _sources:
        for pk, delivery in source(ids).items():
            current = totals.get(pk, Delivery())
            totals[pk] = Delivery(
                verified=current.verified + delivery.verified,
                claimed_unverified=current.claimed_unverified + delivery.claimed_unverified,
            )
    return totals


def percent(part: Decimal, whole: Decimal) -> int:
    """A whole-number percentage, capped at 100 for display."""
    if not whole:
        return 0
    return min(int(part * 100 / whole), 100)


# The target rule: one definition for the objective page, the dashboard's headline, its
# targets table and its CSV (issue 14: they used to disagree on the same target).
TARGET_STATUS_LABELS = {
    "complete": "Met",
    "on_track": "On track",
    "behind": "Behind",
    "closed": "Closed as achieved",
}


def due_by_now(expected) -> Decimal:
    """The share of a target due by the day judged, to the penny (an SQL float, or None)."""
    return Decimal(str(round(expected or 0, 2)))


def target_status(
    verified: Decimal, target_quantity: Decimal, expected, objective_status=""
) -> str:
    """A named rule: a target is met ("complete") when verified delivery reaches its quantity;
    otherwise, on an objective closed as achieved, "closed" (never "behind", never "met");
    otherwise on track when verified delivery reaches the share due by now, behind if not."""
    if verified >= target_quantity:
        return "complete"
    if objective_status == "achieved":
        return "closed"
    return "on_track" if verified >= due_by_now(expected) else "behind"


def _n(value: Decimal) -> str:
    return f"{Decimal(value).normalize():,f}"


@dataclass(frozen=True)
class Achievement:
    """How an objective's verified delivery stands against every one of its targets."""

    met: bool  # verified delivery meets every target (and it has at least one)
    summary: str  # "verified delivery 3 of 10 people; 0 of 5 tonnes"


def achievement(rows: list[tuple]) -> Achievement:
    """`rows`: (verified, target quantity, unit) per current target."""
    met = bool(rows) and all(verified >= quantity for verified, quantity, _unit in rows)
    parts = [f"{_n(v)} of {_n(q)} {unit}".strip() for v, q, unit in rows]
    summary = "verified delivery " + ("; ".join(parts) if parts else "not measured (no targets)")
    return Achievement(met=met, summary=summary)
