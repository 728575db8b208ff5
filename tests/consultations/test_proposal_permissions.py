"""Who may do which step to a proposal: a role × state matrix over every rule."""

import pytest
from django.contrib.auth.models import AnonymousUser

from consultations.models import Comment, Proposal
from socialvalue.rules import allowed

pytestmark = pytest.mark.django_db
S = Proposal.Status

ROLES = [
    "anonymous",
    "proposer",
    "dual",
    "other_group",
    "resident",
    "supplier",
    "officer",
    "leader",
    "partner_officer",
    "other_officer",
]
PROPOSER = {"proposer", "dual"}
REVIEWERS = {"officer", "partner_officer"}
SIGNED_IN = set(ROLES) - {"anonymous"}

# rule -> status -> who may
MATRIX = {
    "consultations.view_proposal": {
        S.DRAFT: PROPOSER,
        **{s: set(ROLES) for s in S if s != S.DRAFT},
    },
    "consultations.change_proposal": {
        s: PROPOSER if s in (S.DRAFT, S.DECLINED) else set() for s in S
    },
    "consultations.submit_proposal": {
        s: PROPOSER if s in (S.DRAFT, S.DECLINED) else set() for s in S
    },
    "consultations.withdraw_proposal": {
        s: PROPOSER if s in (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.DECLINED) else set() for s in S
    },
    "consultations.start_review": {s: REVIEWERS if s == S.SUBMITTED else set() for s in S},
    "consultations.decide_proposal": {s: REVIEWERS if s == S.UNDER_REVIEW else set() for s in S},
    "consultations.review_proposal": dict.fromkeys(S, REVIEWERS),
    "consultations.support_proposal": {
        s: (SIGNED_IN - PROPOSER) if s in (S.SUBMITTED, S.UNDER_REVIEW) else set() for s in S
    },
    "consultations.comment_proposal": {
        s: SIGNED_IN if s not in (S.DRAFT, S.WITHDRAWN) else set() for s in S
    },
    "consultations.answer_question": dict.fromkeys(S, PROPOSER | REVIEWERS),
}


def _user(people, role):
    return AnonymousUser() if role == "anonymous" else people[role]


@pytest.mark.parametrize("rule_name", MATRIX)
@pytest.mark.parametrize("status", list(S))
def test_matrix(rule_name, status, people, make_proposal):
    proposal = make_proposal(status=status)
    expected = MATRIX[rule_name][status]
    result = {role for role in ROLES if allowed(_user(people, role), rule_name, proposal)}
    assert result == expected


@pytest.mark.parametrize("role", ROLES)
def test_visible_to_matches_the_view_rule(role, people, make_proposal):
    draft = make_proposal(status=S.DRAFT)
    submitted = make_proposal(status=S.SUBMITTED)
    user = _user(people, role)
    visible = set(Proposal.objects.visible_to(user))
    assert (draft in visible) is (role in PROPOSER)
    assert submitted in visible


@pytest.mark.parametrize("role", ROLES)
def test_hiding_comments(role, people, proposal):
    comment = Comment.objects.create(proposal=proposal, author=people["resident"], body="Hello")
    assert allowed(_user(people, role), "consultations.hide_comment", comment) is (
        role in REVIEWERS
    )


def test_ended_membership_loses_review(people, proposal):
    from django.utils import timezone

    officer = people["officer"]
    officer.memberships.update(ended_at=timezone.now())
    from people.permissions import forget_roles

    forget_roles(officer)
    assert not allowed(officer, "consultations.start_review", proposal)


def test_superuser_may_review_but_not_as_a_member_of_the_group(people, proposal, vcs_group):
    from tests.people.factories import UserFactory

    admin = UserFactory(is_superuser=True)
    assert allowed(admin, "consultations.start_review", proposal)
