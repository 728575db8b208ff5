"""Officers hide a whole proposal (abusive content) with a reason: the rule, the service, the
views and what the public then sees."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from consultations import services
from consultations.models import Proposal, ProposalEvent, ProposalFile
from consultations.permissions import OWN_ORGANISATION, hide_error
from socialvalue.rules import allowed
from tests.people.factories import UserFactory

from .test_proposal_permissions import PROPOSER, REVIEWERS, ROLES

pytestmark = pytest.mark.django_db
S = Proposal.Status
REASON = "Names a private individual and makes threats"


def _user(people, role):
    return AnonymousUser() if role == "anonymous" else people[role]


def _who(people, rule, proposal):
    return {role for role in ROLES if allowed(_user(people, role), rule, proposal)}


@pytest.fixture
def hidden(people, make_proposal):
    proposal = make_proposal(
        status=S.SUBMITTED, title="Offensive title", problem="Offensive problem text"
    )
    return services.proposal_hide(proposal=proposal, by=people["officer"], reason=REASON)


# The rule, as a role x state matrix ---------------------------------------------------------


@pytest.mark.parametrize("status", list(S))
def test_who_may_hide(people, make_proposal, status):
    proposal = make_proposal(status=status)
    expected = set() if status == S.DRAFT else REVIEWERS
    assert _who(people, "consultations.hide_proposal", proposal) == expected
    assert _who(people, "consultations.unhide_proposal", proposal) == set()


@pytest.mark.parametrize("status", [s for s in S if s != S.DRAFT])
def test_who_may_act_on_a_hidden_proposal(people, make_proposal, status):
    proposal = make_proposal(status=status)
    Proposal.objects.filter(pk=proposal.pk).update(
        hidden_at="2026-01-01T00:00Z", hidden_reason=REASON
    )
    proposal.refresh_from_db()
    assert _who(people, "consultations.hide_proposal", proposal) == set()
    assert _who(people, "consultations.unhide_proposal", proposal) == REVIEWERS
    assert _who(people, "consultations.view_hidden_proposal", proposal) == PROPOSER | REVIEWERS
    # Everyone still reaches the page (to read why), but nobody supports or asks about it.
    assert _who(people, "consultations.view_proposal", proposal) == set(ROLES)
    assert _who(people, "consultations.support_proposal", proposal) == set()
    assert _who(people, "consultations.comment_proposal", proposal) == set()
    assert _who(people, "consultations.view_evidence_file", proposal) == PROPOSER | REVIEWERS


def test_hide_error_says_why(people, make_proposal):
    draft = make_proposal(status=S.DRAFT)
    assert hide_error(people["officer"], draft) == "Only a submitted proposal can be hidden"
    proposal = make_proposal(status=S.SUBMITTED)
    assert hide_error(people["dual"], proposal) == OWN_ORGANISATION
    assert "Only officers" in hide_error(people["leader"], proposal)
    assert "Only officers" in hide_error(people["other_officer"], proposal)
    assert hide_error(people["officer"], proposal) is None


def test_superuser_may_hide(people, proposal):
    assert allowed(UserFactory(is_superuser=True), "consultations.hide_proposal", proposal)


# The service --------------------------------------------------------------------------------


def test_hiding_keeps_everything_records_it_and_tells_the_group(
    people, make_proposal, django_capture_on_commit_callbacks
):
    proposal = make_proposal(status=S.UNDER_REVIEW, problem="Offensive problem text")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        hidden = services.proposal_hide(
            proposal=proposal, by=people["officer"], reason=f"  {REASON}  "
        )
    hidden.refresh_from_db()
    assert hidden.is_hidden
    assert hidden.hidden_by == people["officer"] and hidden.hidden_reason == REASON
    assert hidden.problem == "Offensive problem text" and hidden.status == S.UNDER_REVIEW
    event = hidden.events.get()
    assert event.kind == ProposalEvent.Kind.HIDDEN
    assert event.public_reason == REASON and not event.is_private
    assert event.by == people["officer"] and event.by_organisation.name == "Testborough Council"
    latest = hidden.history.latest()
    assert latest.hidden_reason == REASON and latest.history_user == people["officer"]
    recipients = {m.to[0] for m in mail.outbox}
    assert recipients == {people["proposer"].email, people["dual"].email}
    assert REASON in mail.outbox[0].body and proposal.reference in mail.outbox[0].subject


def test_hiding_needs_a_reason(people, proposal):
    with pytest.raises(ValidationError) as caught:
        services.proposal_hide(proposal=proposal, by=people["officer"], reason="   ")
    assert "reason" in caught.value.message_dict
    proposal.refresh_from_db()
    assert not proposal.is_hidden and not proposal.events.exists()


@pytest.mark.parametrize("role", ["dual", "proposer", "leader", "resident", "other_officer"])
def test_only_reviewing_officers_hide(people, proposal, role):
    with pytest.raises(ValidationError):
        services.proposal_hide(proposal=proposal, by=people[role], reason=REASON)
    proposal.refresh_from_db()
    assert not proposal.is_hidden


def test_a_hidden_proposal_cannot_be_hidden_twice(people, hidden):
    with pytest.raises(ValidationError, match="already hidden"):
        services.proposal_hide(proposal=hidden, by=people["partner_officer"], reason="Again")


def test_the_database_refuses_hiding_without_a_reason(proposal):
    proposal.hidden_at = proposal.submitted_at
    with pytest.raises(ValidationError, match="Give the reason the proposal is hidden"):
        proposal.full_clean()


def test_showing_again_keeps_the_record(people, hidden, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        shown = services.proposal_unhide(
            proposal=hidden, by=people["partner_officer"], reason="Edited by the group"
        )
    shown.refresh_from_db()
    assert not shown.is_hidden and shown.hidden_reason == "" and shown.hidden_by is None
    assert [e.kind for e in shown.events.all()] == ["hidden", "shown"]
    assert REASON in {h.hidden_reason for h in shown.history.all()}
    assert {m.to[0] for m in mail.outbox} == {people["proposer"].email, people["dual"].email}
    with pytest.raises(ValidationError, match="not hidden"):
        services.proposal_unhide(proposal=shown, by=people["officer"])


def test_a_hidden_proposal_cannot_be_supported_asked_about_or_merged_into(
    people, hidden, make_proposal
):
    with pytest.raises(ValidationError, match="hidden"):
        services.support_add(proposal=hidden, by=people["resident"])
    with pytest.raises(ValidationError):
        services.comment_add(proposal=hidden, by=people["resident"], body="Why?")
    other = make_proposal(status=S.UNDER_REVIEW)
    with pytest.raises(ValidationError) as caught:
        services.proposal_transition(
            proposal=other, to=S.MERGED, by=people["officer"], merged_into=hidden
        )
    assert "hidden" in caught.value.message_dict["merged_into"][0]


# The views ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("proposer", 403),
        ("dual", 403),
        ("resident", 403),
        ("leader", 403),
        ("other_officer", 403),
        ("officer", 200),
        ("partner_officer", 200),
    ],
)
def test_hide_view_permissions(client, people, proposal, role, expected):
    client.force_login(people[role])
    url = reverse("consultations:proposal_hide", args=[proposal.pk])
    assert client.get(url).status_code == expected
    assert client.post(url, {"reason": REASON}).status_code in (expected, 302)
    proposal.refresh_from_db()
    assert proposal.is_hidden is (expected == 200)


def test_hide_view_hides_and_redirects(client, people, proposal):
    client.force_login(people["officer"])
    page = client.get(proposal.get_absolute_url())
    hide_url = reverse("consultations:proposal_hide", args=[proposal.pk])
    assertContains(page, f'href="{hide_url}"')

    response = client.post(hide_url, {"reason": REASON})

    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    proposal.refresh_from_db()
    assert proposal.hidden_reason == REASON


def test_hide_view_without_a_reason_shows_a_message(client, people, proposal):
    client.force_login(people["officer"])
    response = client.post(reverse("consultations:proposal_hide", args=[proposal.pk]), {})
    assertContains(response, "Explain why the proposal is hidden")
    proposal.refresh_from_db()
    assert not proposal.is_hidden


def test_unhide_view(client, people, hidden):
    url = reverse("consultations:proposal_unhide", args=[hidden.pk])
    client.force_login(people["proposer"])
    assert client.get(url).status_code == 403
    client.force_login(people["officer"])
    assertContains(client.get(url), REASON)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 302
    hidden.refresh_from_db()
    assert not hidden.is_hidden


# What the public sees -----------------------------------------------------------------------


def test_the_public_sees_only_the_reason(client, people, make_proposal):
    proposal = make_proposal(
        status=S.SUBMITTED, title="Offensive title", problem="Offensive problem text"
    )
    services.comment_add(proposal=proposal, by=people["resident"], body="Offensive question")
    services.proposal_hide(proposal=proposal, by=people["officer"], reason=REASON)

    for role in ("anonymous", "resident", "other_group", "leader", "other_officer"):
        if role == "anonymous":
            client.logout()
        else:
            client.force_login(people[role])
        response = client.get(proposal.get_absolute_url())
        assert response.status_code == 200
        assertContains(response, f"This proposal was hidden by an officer: {REASON}")
        for secret in ("Offensive title", "Offensive problem text", "Offensive question"):
            assertNotContains(response, secret)
        assert "support_form" not in response.context and "comment_form" not in response.context


@pytest.mark.parametrize("role", ["proposer", "dual", "officer", "partner_officer"])
def test_the_group_and_reviewers_still_see_it_with_the_reason(client, people, hidden, role):
    client.force_login(people[role])
    response = client.get(hidden.get_absolute_url())
    assertContains(response, "Offensive problem text")
    assertContains(response, "This proposal was hidden by an officer on")
    assertContains(response, REASON)
    assertContains(response, "Proposal hidden by an officer")  # in what has happened


def test_the_list_omits_hidden_proposals_except_for_the_group_and_reviewers(
    client, people, hidden, make_proposal
):
    shown = make_proposal(status=S.SUBMITTED, title="A fine idea")
    url = reverse("consultations:proposal_list")
    for role in ("anonymous", "resident", "other_officer", "leader"):
        if role == "anonymous":
            client.logout()
        else:
            client.force_login(people[role])
        response = client.get(url)
        assert list(response.context["proposals"]) == [shown], role
        assertNotContains(response, "Offensive title")
    for role in ("proposer", "officer"):
        client.force_login(people[role])
        response = client.get(url)
        assert set(response.context["proposals"]) == {shown, hidden}, role
        assertContains(response, "Hidden by an officer")


@pytest.mark.parametrize("role", ROLES)
def test_listed_for_matches_the_view_hidden_rule(people, hidden, role):
    user = _user(people, role)
    listed = hidden in Proposal.objects.listed_for(user)
    assert listed is allowed(user, "consultations.view_hidden_proposal", hidden)


def test_evidence_files_of_a_hidden_proposal_are_not_served_publicly(
    client, people, hidden, settings
):
    record = ProposalFile.objects.create(
        proposal=hidden,
        file=SimpleUploadedFile("evidence.pdf", b"%PDF-1.4\n"),
        original_name="evidence.pdf",
        kind="PDF",
        size=9,
        uploaded_by=people["proposer"],
    )
    url = reverse("consultations:proposal_file", args=[hidden.pk, record.pk])
    assert client.get(url).status_code == 403
    client.force_login(people["proposer"])
    assert client.get(url).status_code == 200


def test_the_public_hidden_page_costs_few_queries(client, hidden, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert client.get(hidden.get_absolute_url()).status_code == 200


def test_an_objective_page_does_not_name_a_hidden_proposal(people, make_proposal):
    from consultations.origins import objective_origins

    accepted = make_proposal(status=S.ACCEPTED, title="Offensive title")
    services.proposal_hide(proposal=accepted, by=people["officer"], reason=REASON)
    assert objective_origins(accepted.objective, AnonymousUser()) == []
    titles = [o.title for o in objective_origins(accepted.objective, people["officer"])]
    assert titles == ["Offensive title"]
