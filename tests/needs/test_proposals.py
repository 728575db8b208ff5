"""Officers and leaders turn recurring needs into a draft proposal, keeping the link."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from consultations.models import Proposal
from needs import services
from needs.models import Need, NeedStep

pytestmark = pytest.mark.django_db


def test_needs_become_one_draft_proposal_that_lists_them(board):
    first = board.need(title="Canal path volunteers")
    second = board.need(title="More canal volunteers", areas=[board.ward])
    proposal = services.needs_to_proposal(
        place=board.place,
        by=board.officer,
        needs=[first, second],
        title="Keep the canal path open",
        problem="Groups keep asking for help to clear it",
    )
    assert proposal.status == Proposal.Status.DRAFT and proposal.organisation == board.council
    assert set(proposal.areas.all()) == {board.neighbourhood, board.ward}
    assert first.reference in proposal.evidence and second.reference in proposal.evidence
    for need in (first, second):
        need.refresh_from_db()
        assert need.proposal == proposal
        assert need.steps.filter(kind=NeedStep.Kind.PROPOSED, by=board.officer).exists()


def test_a_need_backs_one_proposal_and_drafts_are_never_used(board):
    need = board.need()
    services.needs_to_proposal(
        place=board.place, by=board.officer, needs=[need], title="One", problem="P"
    )
    with pytest.raises(ValidationError):
        services.needs_to_proposal(
            place=board.place, by=board.leader, needs=[need], title="Two", problem="P"
        )
    draft = board.need(status=Need.Status.DRAFT)
    with pytest.raises(ValidationError):
        services.needs_to_proposal(
            place=board.place, by=board.officer, needs=[draft], title="T", problem="P"
        )
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize("who", ["vcs_member", "supplier_contact", "outsider"])
def test_only_the_places_officers_and_leaders_may(board, who, client):
    need = board.need()
    with pytest.raises(PermissionDenied):
        services.needs_to_proposal(
            place=board.place, by=getattr(board, who), needs=[need], title="T", problem="P"
        )
    client.force_login(getattr(board, who))
    response = client.get(reverse("needs:propose"))
    if who == "outsider":  # an officer elsewhere sees their own place, not this one's needs
        assert response.status_code == 200 and need.title not in response.content.decode()
    else:
        assert response.status_code == 403


def test_the_form_makes_the_proposal(board, client):
    need = board.need()
    client.force_login(board.leader)
    url = reverse("needs:propose")
    assert need.title in client.get(url).content.decode()
    refused = client.post(url, {"title": "T", "problem": "P"})
    assert "Choose at least one need" in refused.content.decode()
    done = client.post(url, {"needs": [need.pk], "title": "Canal", "problem": "Flooding"})
    assert done.status_code == 302
    need.refresh_from_db()
    assert need.proposal.title == "Canal"
