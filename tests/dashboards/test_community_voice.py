"""Community voice figures: proposals by state and the funnel; consultations and responses."""

import datetime

from django.utils import timezone

from consultations.models import Response
from dashboards import figures
from dashboards.figures import Scope
from tests.consultations.factories import ConsultationFactory, ProposalFactory


def _world(world):
    for status in ("draft", "submitted", "under_review", "declined", "withdrawn"):
        ProposalFactory(place=world.place, status=status, areas=[world.n1])
    ProposalFactory(
        place=world.place,
        status="accepted",
        objective=world.o1,
        areas=[world.n2],
        title="Warm spaces please",
    )
    ProposalFactory(
        place=world.place,
        status="accepted",
        objective=world.o3,
        areas=[world.n1],
        title="Adopted as a draft",
    )
    open_now = ConsultationFactory(owner=world.council, areas=[world.n1])
    ConsultationFactory(
        owner=world.nhs,
        areas=[world.w2],
        opens_on=timezone.localdate() + datetime.timedelta(days=5),
        closes_on=timezone.localdate() + datetime.timedelta(days=25),
    )
    ConsultationFactory(owner=world.council, published_at=None, areas=[world.n1])  # a draft
    for kind in ("vcs", "vcs", "resident"):
        Response.objects.create(consultation=open_now, respondent_type=kind, area=world.n1)


def test_proposals_by_state_and_funnel(world):
    _world(world)
    result = figures.proposals_summary(Scope(place=world.place))
    counts = {r.key: r.count for r in result.by_status}
    assert counts == {
        "submitted": 1,
        "under_review": 1,
        "accepted": 2,
        "merged": 0,
        "declined": 1,
        "withdrawn": 1,
    }
    assert [s.count for s in result.funnel] == [6, 4, 2]  # drafts are not counted


def test_proposals_area_filter(world):
    _world(world)
    result = figures.proposals_summary(Scope(place=world.place, area=world.n2))
    assert result.total == 1


def test_consultations_by_stage_and_responses_by_type(world):
    _world(world)
    result = figures.consultations_summary(Scope(place=world.place))
    assert result.total == 2  # the draft is not counted
    stages = {s.key: s.count for s in result.by_stage}
    assert stages == {"upcoming": 1, "open": 1, "closed": 0, "summary": 0}
    responses = {r.key: r.count for r in result.responses}
    assert (responses["vcs"], responses["resident"], responses["staff"]) == (2, 1, 0)
    nhs_only = figures.consultations_summary(Scope(place=world.place, organisation=world.nhs))
    assert (nhs_only.total, nhs_only.response_total) == (1, 0)


def test_only_proposals_adopted_as_published_objectives_are_listed(world, client):
    _world(world)
    adopted, total = figures.proposals_adopted(Scope(place=world.place, public=True))
    assert [p.title for p in adopted] == ["Warm spaces please"] and total == 1
    assert figures.proposals_adopted(Scope(place=world.place, public=True), limit=50) == (
        adopted,
        1,
    )
