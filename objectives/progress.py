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
