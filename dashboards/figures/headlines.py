"""Headline figures about buying: spend in scope of the Act, section 1 compliance and the
average social value weighting."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg as _Avg
from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from contracts.models import Assessment

from .definitions import definition
from .rows import NonCompliantRow
from .scope import CENTRAL_MINIMUM, SPEND_STAGES, Compliance, Scope, _percent, _sum, contracts


@definition(
    """Contracts at the "awarded" or "in delivery" stage, and the sum of their award values.
    With a period, only contracts awarded within it (by award date). Contracts recorded as not
    in scope of the Social Value Act are counted apart, not in the total. Closed and cancelled
    contracts are not included."""
)
def spend_in_scope(scope: Scope) -> dict:
    qs = contracts(scope).filter(scope.in_period("awarded_on"), stage__in=SPEND_STAGES)
    in_scope = Q(not_in_scope=False)
    return qs.aggregate(
        count=Count("pk", filter=in_scope),
        total=_sum("award_value", filter=in_scope),
        exempt_count=Count("pk", filter=~in_scope),
        exempt_total=_sum("award_value", filter=~in_scope),
    )


@definition(
    """Of the contracts whose procurement started (by the recorded start date, within the
    period if one is chosen), the share where an assessment of social value under section 1 of
    the Act was approved on or before the day procurement started. A contract with no approved
    assessment, or one approved after the start, is not compliant and is listed. Contracts
    recorded as not in scope of the Act are counted apart and left out of the share."""
)
def compliance(scope: Scope, limit: int | None = None) -> dict:
    qs = contracts(scope).filter(
        scope.in_period("procurement_started_on"), procurement_started_on__isnull=False
    )
    counts = qs.aggregate(
        compliant=Count("pk", filter=Q(s1_compliance=Compliance.COMPLIANT)),
        non_compliant=Count("pk", filter=Q(s1_compliance=Compliance.NON_COMPLIANT)),
        exempt=Count("pk", filter=Q(s1_compliance=Compliance.EXEMPT)),
        not_recorded=Count("pk", filter=Q(s1_compliance=Compliance.NOT_RECORDED)),
    )
    counted = counts["compliant"] + counts["non_compliant"]
    counts["counted"] = counted
    counts["share"] = _percent(counts["compliant"], counted)
    counts["not_compliant"] = []
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
            qs.filter(s1_compliance=Compliance.NON_COMPLIANT)
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
            counts["not_compliant"].append(NonCompliantRow(**row, reason=reason))
    return counts


@definition(
    """The mean social value weighting (% of the total evaluation score) in the approved
    assessments of contracts whose procurement started (within the period if one is chosen),
    excluding contracts not in scope of the Act. Each contract counts once, with its current
    approved assessment. Contracts with no weighting recorded are counted apart. Central
    government's minimum is 10%."""
)
def average_weighting(scope: Scope) -> dict:
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
    result["started"] = started.count()
    result["without_weighting"] = result["started"] - result["count"]
    if result["average"] is not None:
        result["average"] = Decimal(result["average"]).quantize(Decimal("0.1"))
    return result
