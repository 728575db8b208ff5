"""The double-count rule, written once (issue 18: it was a service and again a view, in the same
words).

Two current commitments may claim the same outcome when they share a measure and an area, their
dates overlap, and either the same organisation made both on different contracts, or the main
supplier and a subcontractor made them on the same contract. Identified units (claim keys) make a
true double claim impossible; this flags the unidentified ones for an officer to check.

`warnings_for` checks any number of commitments in one query; the contract page, the commitment
page and the "commitment saved" message all read it, and `sentences` words a commitment's
warnings for a page, one sentence per kind of overlap rather than one per other commitment.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from .models import Commitment

OTHER_CONTRACT = "other_contract"
SAME_CONTRACT = "same_contract"


@dataclass(frozen=True)
class DoubleCountWarning:
    """Another commitment that may claim the same delivery, and how the two overlap."""

    commitment: Commitment
    kind: str  # OTHER_CONTRACT or SAME_CONTRACT

    @property
    def reason(self) -> str:
        return _sentence(self.kind, [self.commitment])


def _kind(commitment: Commitment, other: Commitment) -> str | None:
    """How `other` overlaps `commitment`, or None when the rule does not flag the pair."""
    if other.pk == commitment.pk:
        return None
    if not (other.start_date < commitment.due_date and other.due_date > commitment.start_date):
        return None
    same_contract = other.contract_id == commitment.contract_id
    same_organisation = other.delivered_by_id == commitment.delivered_by_id
    if same_contract and not same_organisation:
        return SAME_CONTRACT
    if same_organisation and not same_contract:
        return OTHER_CONTRACT
    return None


def warnings_for(commitments: list[Commitment]) -> dict[int, list[DoubleCountWarning]]:
    """Each current commitment's possible double counts, keyed by its pk, in one query."""
    commitments = [c for c in commitments if c.withdrawn_at is None]
    if not commitments:
        return {}
    pairs = Q()
    for measure_id, area_id in {(c.measure_id, c.area_id) for c in commitments}:
        pairs |= Q(measure_id=measure_id, area_id=area_id)
    by_pair = defaultdict(list)
    for other in (
        Commitment.objects.current()
        .filter(pairs)
        .select_related("contract", "delivered_by", "measure", "area")
        .order_by("pk")
    ):
        by_pair[(other.measure_id, other.area_id)].append(other)
    found: dict[int, list[DoubleCountWarning]] = {}
    for commitment in commitments:
        warnings = [
            DoubleCountWarning(other, kind)
            for other in by_pair[(commitment.measure_id, commitment.area_id)]
            if (kind := _kind(commitment, other))
        ]
        if warnings:
            found[commitment.pk] = warnings
    return found


def warnings_for_one(commitment: Commitment) -> list[DoubleCountWarning]:
    return warnings_for([commitment]).get(commitment.pk, [])


def _references(others: list[Commitment]) -> str:
    refs = sorted({o.contract.reference for o in others})
    return refs[0] if len(refs) == 1 else ", ".join(refs[:-1]) + " and " + refs[-1]


def _sentence(kind: str, others: list[Commitment]) -> str:
    first = others[0]
    what = f"{first.delivered_by} also committed to {first.measure.code} in {first.area}"
    if kind == SAME_CONTRACT:
        return (
            f"{what} on this contract: make sure the main supplier and the subcontractor do "
            "not both claim the same delivery"
        )
    many = len({o.contract_id for o in others}) > 1
    return f"{what} on {_references(others)}: the same delivery must not be claimed on " + (
        "more than one contract" if many else "both contracts"
    )


def sentences(warnings: list[DoubleCountWarning]) -> list[str]:
    """One sentence per organisation and kind of overlap: three other contracts by the same
    supplier read as one sentence naming the three, not three repeated sentences."""
    groups: dict[tuple, list[Commitment]] = defaultdict(list)
    for warning in warnings:
        groups[(warning.kind, warning.commitment.delivered_by_id)].append(warning.commitment)
    return [_sentence(kind, others) for (kind, _org), others in groups.items()]
