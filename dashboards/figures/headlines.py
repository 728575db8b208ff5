"""Headline figures about buying: spend in scope of the Act, section 1 compliance and the
average social value weighting; and the scope's contracts counted once for them all and for
the buyers' and quarters' tables (`contract_groups`)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg as _Avg
from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from contracts.models import Assessment

from .definitions import definition
from .rows import NonCompliantRow
from .scope import (
    CENTRAL_MINIMUM,
    SPEND_STAGES,
    ZERO,
    Compliance,
    Scope,
    Stage,
    _percent,
    _sum,
    contracts,
)
from .totals import ComplianceTotals, SpendTotals, WeightingTotals

# The compliance figure's counts, each the contracts of that status (`Contract.Compliance`).
COMPLIANCE_COUNTS = (
    Compliance.COMPLIANT,
    Compliance.NON_COMPLIANT,
    Compliance.EXEMPT,
    Compliance.NOT_RECORDED,
)

# The sums of `_contract_counts` that are £ (summed from Decimal("0"), as `aggregate()` gives).
MONEY_COUNTS = ("total", "exempt_total", "awarded_value")


def _contract_counts(scope: Scope) -> dict:
    """What each figure about contracts counts, as conditional aggregates: spend in scope and
    exempt (awarded within the period, at a spend stage), the quarters' awards (any stage but
    cancelled, in scope), and the contracts whose procurement started within the period, by
    their section 1 compliance and in scope of the Act."""
    in_scope = Q(not_in_scope=False)
    spend = Q(stage__in=SPEND_STAGES) & scope.in_period("awarded_on")
    awarded = (Q(awarded_on__isnull=False) & scope.in_period("awarded_on") & in_scope) & ~Q(
        stage=Stage.CANCELLED
    )
    started = Q(procurement_started_on__isnull=False) & scope.in_period("procurement_started_on")
    counts = {
        "count": Count("pk", filter=spend & in_scope),
        "total": _sum("award_value", filter=spend & in_scope),
        "exempt_count": Count("pk", filter=spend & ~in_scope),
        "exempt_total": _sum("award_value", filter=spend & ~in_scope),
        "awarded": Count("pk", filter=awarded),
        "awarded_value": _sum("award_value", filter=awarded),
        "started": Count("pk", filter=started),
        "started_in_scope": Count("pk", filter=started & in_scope),
    }
    for status in COMPLIANCE_COUNTS:
        counts[status] = Count("pk", filter=started & Q(s1_compliance=status))
    return counts


def contract_groups(scope: Scope) -> list[dict]:
    """The scope's contracts counted once by lead buyer and the quarter of their award
    (`_contract_counts`, a hundred rows or so), read once per page: spend, compliance, the
    weighting's started contracts, and the buyers' and quarters' tables are sums of these
    rows, rather than five passes over the same contracts."""
    if "contract_groups" not in scope._read_once:
        scope._read_once["contract_groups"] = list(
            contracts(scope)
            .annotate(quarter=TruncQuarter("awarded_on"))
            .order_by()
            .values("buyer_id", "buyer__name", "quarter")
            .annotate(**_contract_counts(scope))
        )
    return scope._read_once["contract_groups"]


def _summed(rows: list[dict], *names: str) -> dict:
    """`names` summed over `rows`: £ from Decimal("0"), counts from 0, as `aggregate()` gives."""
    return {
        name: sum((row[name] for row in rows), ZERO if name in MONEY_COUNTS else 0)
        for name in names
    }


@definition(
    """Contracts at the "awarded" or "in delivery" stage, and the sum of their award values.
    With a period, only contracts awarded within it (by award date). Contracts recorded as not
    in scope of the Social Value Act are counted apart, not in the total. Closed and cancelled
    contracts are not included."""
)
def spend_in_scope(scope: Scope) -> SpendTotals:
    return SpendTotals(
        **_summed(contract_groups(scope), "count", "total", "exempt_count", "exempt_total")
    )


@definition(
    """Of the contracts whose procurement started (by the recorded start date, within the
    period if one is chosen), the share where an assessment of social value under section 1 of
    the Act was approved on or before the day procurement started. A contract with no approved
    assessment, or one approved after the start, is not compliant and is listed. Contracts
    recorded as not in scope of the Act are counted apart and left out of the share."""
)
def compliance(scope: Scope, limit: int | None = None) -> ComplianceTotals:
    counts = ComplianceTotals(**_summed(contract_groups(scope), *COMPLIANCE_COUNTS))
    counts.counted = counts.compliant + counts.non_compliant
    counts.share = _percent(counts.compliant, counts.counted)
    if not scope.public:
        first_approval = (
            Assessment.objects.filter(
                contract_id=OuterRef("pk"),
                status__in=[Assessment.Status.APPROVED, Assessment.Status.SUPERSEDED],
            )
            .order_by("approved_at")
            .values("approved_at")[:1]
        )
        rows = (
            contracts(scope)
            .filter(
                scope.in_period("procurement_started_on"),
                procurement_started_on__isnull=False,
                s1_compliance=Compliance.NON_COMPLIANT,
            )
            .annotate(first_approved_at=Subquery(first_approval))
            .order_by("procurement_started_on", "reference")
            .values(
                "pk",
                "reference",
                "title",
                "buyer__name",
                "procurement_started_on",
                "first_approved_at",
            )
        )
        for row in rows[:limit] if limit else rows:
            approved = row["first_approved_at"]
            reason = (
                "No approved assessment"
                if approved is None
                else f"Assessment approved {timezone.localtime(approved):%-d %B %Y}, after "
                "procurement started"
            )
            counts.not_compliant.append(NonCompliantRow(**row, reason=reason))
    return counts


@definition(
    """The mean social value weighting (% of the total evaluation score) in the approved
    assessments of contracts whose procurement started (within the period if one is chosen),
    excluding contracts not in scope of the Act. Each contract counts once, with its current
    approved assessment. Contracts with no weighting recorded are counted apart. Central
    government's minimum is 10%."""
)
def average_weighting(scope: Scope) -> WeightingTotals:
    started = contracts(scope).filter(
        scope.in_period("procurement_started_on"),
        procurement_started_on__isnull=False,
        not_in_scope=False,
    )
    result = Assessment.objects.filter(
        contract__in=started, status=Assessment.Status.APPROVED, weighting_percent__isnull=False
    ).aggregate(
        average=_Avg("weighting_percent"),
        count=Count("contract", distinct=True),
        lowest=Min("weighting_percent"),
        highest=Max("weighting_percent"),
        below_minimum=Count("pk", filter=Q(weighting_percent__lt=CENTRAL_MINIMUM)),
    )
    started = _summed(contract_groups(scope), "started_in_scope")["started_in_scope"]
    if result["average"] is not None:
        result["average"] = Decimal(result["average"]).quantize(Decimal("0.1"))
    return WeightingTotals(**result, started=started, without_weighting=started - result["count"])
