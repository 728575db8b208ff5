"""The public page's lists: contracts carrying commitments, and adopted community proposals."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, Window

from consultations.models import Proposal
from contracts.models import Contract
from objectives.models import Objective
from socialvalue.sql import AnyOf

from .definitions import definition
from .rows import AdoptedProposalRow, ContractRow
from .scope import ZERO, Scope, Stage, _narrow_ids, _sum_money, commitments, contracts


@definition(
    """Contracts of the place awarded, in delivery or closed that carry at least one current
    social value commitment: reference, title, buyer, supplier, award value and date, the number
    of commitments and the verified £ estimate. Nothing commercially confidential (no evaluation
    scores, no contacts) and no personal data."""
)
def contracts_with_commitments(
    scope: Scope, limit: int | None = None
) -> tuple[list[ContractRow], int]:
    """The contracts (newest award first; the first `limit` if given) and how many there are.

    Commitment counts and verified £ are read for the listed contracts only, from the
    per-commitment delivery totals (every verified return, whatever the period)."""
    current = commitments(scope, use_period=False)
    narrow = _narrow_ids(scope)
    if narrow:
        # A narrow filter's contracts carrying one of its current commitments are those
        # commitments' contracts, read with them: no semi-join over them again.
        carrying = Contract.objects.filter(AnyOf("pk", narrow[1]))
    else:
        carrying = contracts(scope).filter(Exists(current.filter(contract_id=OuterRef("pk"))))
    listed = carrying.filter(
        scope.in_period("awarded_on"),
        stage__in=[Stage.AWARDED, Stage.IN_DELIVERY, Stage.CLOSED],
    )
    fields = (
        "pk",
        "reference",
        "title",
        "buyer__name",
        "supplier__name",
        "award_value",
        "awarded_on",
        "stage",
    )
    ordered = listed.order_by("-awarded_on", "reference")
    if limit and narrow:
        # A narrow filter's count is taken in the same pass as the rows shown (a window over
        # the whole list): a second query counting them read the same contracts again (9 ms
        # for a ward of a county). Over a wide filter the window costs more than the count:
        # every contract's names are joined before the limit (340 ms against 140 for a
        # county's whole list).
        rows = list(ordered.annotate(listed=Window(Count("pk"))).values(*fields, "listed")[:limit])
        total = rows[0]["listed"] if rows else 0
        for row in rows:
            del row["listed"]
    else:
        rows = list(ordered.values(*fields)[:limit] if limit else ordered.values(*fields))
        total = listed.count() if limit else len(rows)
    per_contract = _delivery_per_contract(current, [r["pk"] for r in rows])
    typed = []
    for row in rows:
        found = per_contract.get(row["pk"], {})
        typed.append(
            ContractRow(
                **row,
                commitment_count=found.get("n", 0),
                verified_value=found.get("value") or ZERO,
            )
        )
    return typed, total


def _delivery_per_contract(current, contract_ids: list[int]) -> dict[int, dict]:
    """Per listed contract: its current commitments (`n`) and their verified £ (`value`),
    from the per-commitment delivery totals."""
    return {
        row["contract_id"]: row
        for row in current.filter(contract_id__in=contract_ids)
        .order_by()
        .values("contract_id")
        .annotate(
            n=Count("pk"),
            value=_sum_money(
                F("delivery_total__verified") * F("proxy_value"),
                filter=Q(proxy_value__isnull=False, delivery_total__isnull=False),
            ),
        )
    }


@definition(
    """Community proposals accepted as (or attached to) a published objective of the place,
    with the group that proposed them."""
)
def proposals_adopted(
    scope: Scope, limit: int | None = None
) -> tuple[list[AdoptedProposalRow], int]:
    """The adopted proposals (the first `limit`, by objective, if given) and how many in all."""
    adopted = Proposal.objects.filter(hidden_at__isnull=True).filter(
        place=scope.place,
        status=Proposal.Status.ACCEPTED,
        objective__status__in=Objective.PUBLIC_STATUSES,
    )
    rows = adopted.order_by("objective__title", "title").values(
        "pk", "title", "organisation__name", "objective_id", "objective__title"
    )
    typed = [AdoptedProposalRow(**row) for row in (rows[:limit] if limit else rows)]
    return typed, adopted.count() if limit else len(typed)
