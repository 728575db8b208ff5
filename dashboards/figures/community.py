"""Community voice: proposals made and consultations run for the place, as counts."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q

from consultations.models import Consultation, Proposal, RespondentType, Response
from socialvalue.sql import AnyOf

from .definitions import definition
from .rows import CountRow
from .scope import Scope, _areas_within, _objective_condition
from .totals import ConsultationCounts, ProposalCounts


@definition(
    """Community proposals made for the place (submitted at any time, or within the period by
    submission date), in the area or naming an area inside it, suggesting an outcome of the
    theme or outcome. Drafts are not counted. The funnel: submitted → reviewed (under review or
    decided) → accepted (adopted as or attached to an objective). The organisation filter does
    not apply: proposals come from community groups."""
)
def proposals_summary(scope: Scope) -> ProposalCounts:
    qs = Proposal.objects.filter(
        scope.in_period("submitted_at__date"), place=scope.place, submitted_at__isnull=False
    ).exclude(status=Proposal.Status.DRAFT)
    if scope.area:
        through = Proposal.areas.through.objects.filter(AnyOf("area_id", _areas_within(scope)))
        qs = qs.filter(pk__in=through.values("proposal_id"))
    if scope.outcome:
        qs = qs.filter(Q(suggested_outcome=scope.outcome) | Q(objective__outcome=scope.outcome))
    if scope.theme:
        qs = qs.filter(
            Q(suggested_outcome__theme=scope.theme) | Q(objective__outcome__theme=scope.theme)
        )
    statuses = [s for s in Proposal.Status if s != Proposal.Status.DRAFT]
    counts = qs.aggregate(
        total=Count("pk"), **{s.value: Count("pk", filter=Q(status=s.value)) for s in statuses}
    )
    S = Proposal.Status
    reviewed = sum(counts[s] for s in (S.UNDER_REVIEW, S.ACCEPTED, S.MERGED, S.DECLINED))
    return ProposalCounts(
        by_status=[CountRow(s.label, counts[s.value], key=s.value) for s in statuses],
        funnel=[
            CountRow("Submitted", counts["total"]),
            CountRow("Reviewed (under review or decided)", reviewed),
            CountRow("Accepted as an objective", counts[S.ACCEPTED]),
        ],
        total=counts["total"],
    )


@definition(
    """Published consultations of the place run by the organisation, covering the area or an
    area inside it, linked to an objective of the theme or outcome (opening within the period,
    if one is chosen), by stage; and their responses by the type of respondent each chose.
    Only counts are shown: responses themselves are never published."""
)
def consultations_summary(scope: Scope) -> ConsultationCounts:
    today = scope.today
    qs = Consultation.objects.filter(
        scope.in_period("opens_on"), place=scope.place, published_at__isnull=False
    )
    if scope.organisation:
        qs = qs.filter(owner=scope.organisation)
    if scope.area:
        through = Consultation.areas.through.objects.filter(AnyOf("area_id", _areas_within(scope)))
        qs = qs.filter(pk__in=through.values("consultation_id"))
    if scope.theme or scope.outcome or scope.dimension:
        through = Consultation.objectives.through.objects.filter(
            _objective_condition(scope, "objective__"), consultation_id=OuterRef("pk")
        )
        qs = qs.filter(Exists(through))
    S = Consultation.Stage
    counts = qs.aggregate(
        total=Count("pk"),
        upcoming=Count(
            "pk",
            filter=Q(summary_published_at__isnull=True, closed_at__isnull=True, opens_on__gt=today),
        ),
        open=Count(
            "pk",
            filter=Q(
                summary_published_at__isnull=True,
                closed_at__isnull=True,
                opens_on__lte=today,
                closes_on__gte=today,
            ),
        ),
        closed=Count(
            "pk",
            filter=Q(summary_published_at__isnull=True)
            & (Q(closed_at__isnull=False) | Q(closes_on__lt=today)),
        ),
        summary=Count("pk", filter=Q(summary_published_at__isnull=False)),
    )
    by_type = dict(
        Response.objects.filter(consultation__in=qs)
        .order_by()
        .values_list("respondent_type")
        .annotate(n=Count("pk"))
    )
    responses = [CountRow(t.label, by_type.get(t.value, 0), key=t.value) for t in RespondentType]
    return ConsultationCounts(
        total=counts["total"],
        by_stage=[
            CountRow(s.label, counts[s.value], key=s.value)
            for s in (S.UPCOMING, S.OPEN, S.CLOSED, S.SUMMARY)
        ],
        responses=responses,
        response_total=sum(r.count for r in responses),
    )
