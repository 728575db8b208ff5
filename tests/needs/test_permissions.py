"""Every rule of the needs board as a role × state matrix: who may, and who may not."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from needs import services
from needs.models import Need, Pledge
from socialvalue.rules import allowed, registered

pytestmark = pytest.mark.django_db
S = Need.Status
P = Pledge.Status
PEOPLE = (
    "vcs_member",
    "other_member",
    "supplier_contact",
    "rival_contact",
    "both",
    "officer",
    "leader",
    "outsider",
    "anonymous",
)


def person(board, name):
    return AnonymousUser() if name == "anonymous" else getattr(board, name)


def need_in(board, status):
    need = board.need(status=S.DRAFT)
    if status == S.DRAFT:
        return need
    if status == S.WITHDRAWN:
        return services.need_transition(need=need, by=board.vcs_member, to=S.WITHDRAWN)
    need = services.need_transition(need=need, by=board.vcs_member, to=S.OPEN)
    if status == "hidden":
        return services.need_hide(need=need, by=board.officer, reason="Abusive")
    path = {S.OPEN: [], S.PART_MET: [S.PART_MET], S.MET: [S.MET], S.CLOSED: [S.MET, S.CLOSED]}
    for step in path[status]:
        need = Need.objects.get(pk=need.pk)
        from needs.services.needs import move

        need = move(need, board.vcs_member, step)
    return Need.objects.get(pk=need.pk)


# Who may do each thing to a need in each state; everyone else may not.
NEED_MATRIX = {
    "needs.view_need": {
        S.DRAFT: {"vcs_member", "both"},
        S.OPEN: set(PEOPLE),
        S.MET: set(PEOPLE),
        S.WITHDRAWN: {"vcs_member", "both"},
    },
    "needs.edit_need": {S.DRAFT: {"vcs_member", "both"}, S.OPEN: set()},
    "needs.publish_need": {S.DRAFT: {"vcs_member", "both"}, S.OPEN: set(), S.WITHDRAWN: set()},
    "needs.withdraw_need": {
        S.DRAFT: {"vcs_member", "both"},
        S.OPEN: {"vcs_member", "both"},
        S.PART_MET: {"vcs_member", "both"},
        S.MET: set(),
        S.CLOSED: set(),
    },
    "needs.mark_met": {S.OPEN: {"vcs_member", "both"}, S.MET: set(), S.DRAFT: set()},
    "needs.close_need": {
        S.DRAFT: set(),
        S.OPEN: {"vcs_member", "both"},
        S.MET: {"vcs_member", "both"},
        S.CLOSED: set(),
    },
    "needs.hide_need": {S.DRAFT: set(), S.OPEN: {"officer"}, "hidden": set()},
    "needs.unhide_need": {S.OPEN: set(), "hidden": {"officer"}},
    "needs.view_hidden_need": {"hidden": {"vcs_member", "both", "officer"}},
    "needs.pledge": {
        S.DRAFT: set(),
        S.OPEN: {"supplier_contact", "rival_contact"},
        S.PART_MET: {"supplier_contact", "rival_contact"},
        S.MET: set(),
        S.WITHDRAWN: set(),
        "hidden": set(),
    },
}
CASES = [
    (rule, state, who) for rule, states in NEED_MATRIX.items() for state in states for who in PEOPLE
]


@pytest.mark.parametrize("rule, state, who", CASES)
def test_need_rules(board, rule, state, who):
    need = need_in(board, state)
    expected = who in NEED_MATRIX[rule][state]
    assert allowed(person(board, who), rule, need) is expected


def pledge_in(board, status):
    need = board.need()
    pledge = board.pledge(need)
    if status == P.OFFERED:
        return pledge
    if status == P.DECLINED:
        return services.pledge_decline(pledge=pledge, by=board.vcs_member, reason="No")
    if status == P.WITHDRAWN:
        return services.pledge_withdraw(pledge=pledge, by=board.supplier_contact)
    pledge = services.pledge_accept(pledge=pledge, by=board.vcs_member)
    if status == P.RECEIVED:
        pledge = services.pledge_confirm_receipt(
            pledge=pledge,
            by=board.vcs_member,
            received_on=timezone.localdate(),
            quantity=Decimal("4"),
            note="Came",
        )
    return pledge


PLEDGE_MATRIX = {
    "needs.view_pledge": {
        P.OFFERED: {"vcs_member", "both", "supplier_contact", "officer", "leader"},
        P.RECEIVED: {"vcs_member", "both", "supplier_contact", "officer", "leader"},
    },
    "needs.decide_pledge": {
        P.OFFERED: {"vcs_member", "both"},
        P.ACCEPTED: set(),
        P.DECLINED: set(),
    },
    "needs.withdraw_pledge": {
        P.OFFERED: {"supplier_contact", "both"},
        P.ACCEPTED: {"supplier_contact", "both"},
        P.RECEIVED: set(),
    },
    # The supplier never confirms its own delivery: "both" belongs to the group too.
    "needs.confirm_receipt": {
        P.OFFERED: set(),
        P.ACCEPTED: {"vcs_member"},
        P.RECEIVED: set(),
        P.DECLINED: set(),
    },
    "needs.message_pledge": {
        P.OFFERED: {"vcs_member", "both", "supplier_contact"},
        P.DECLINED: set(),
        P.WITHDRAWN: set(),
    },
}
PLEDGE_CASES = [
    (rule, state, who)
    for rule, states in PLEDGE_MATRIX.items()
    for state in states
    for who in PEOPLE
]


@pytest.mark.parametrize("rule, state, who", PLEDGE_CASES)
def test_pledge_rules(board, rule, state, who):
    pledge = pledge_in(board, state)
    expected = who in PLEDGE_MATRIX[rule][state]
    assert allowed(person(board, who), rule, pledge) is expected


@pytest.mark.parametrize("rule", ["needs.view_unmet", "needs.propose_from_needs"])
@pytest.mark.parametrize("who", PEOPLE)
def test_unmet_needs_are_for_the_places_officers_and_leaders(board, who, rule):
    expected = who in ("officer", "leader")
    assert allowed(person(board, who), rule, board.place) is expected


def test_every_needs_rule_is_in_a_matrix():
    covered = (
        set(NEED_MATRIX)
        | set(PLEDGE_MATRIX)
        | {"needs.view_unmet", "needs.add_need", "needs.propose_from_needs"}
    )
    assert {r for r in registered() if r.startswith("needs.")} == covered


@pytest.mark.parametrize("who", PEOPLE)
def test_only_members_of_a_group_post_needs(board, who):
    expected = who in ("vcs_member", "other_member", "both")
    assert allowed(person(board, who), "needs.add_need") is expected
    assert allowed(person(board, who), "needs.add_need", board.group) is (
        who in ("vcs_member", "both")
    )


@pytest.mark.parametrize("who", PEOPLE)
def test_council_places_and_proposing_body_are_the_officers_and_leaders(board, who):
    """`council_places` (the unmet-needs page's place) and `proposing_body` (whom a proposal
    from needs comes from) ask the same roles as `needs.view_unmet`."""
    from needs.permissions import council_place_ids, council_places, proposing_body

    user = person(board, who)
    council_side = who in ("officer", "leader")
    assert (board.place.pk in council_place_ids(user)) is council_side
    assert council_places(user).filter(pk=board.place.pk).exists() is council_side
    assert proposing_body(user, board.place) == (board.council if council_side else None)


def test_a_superuser_sees_every_places_needs_but_proposes_for_no_body(board):
    from needs.permissions import council_places, proposing_body
    from tests.people.factories import UserFactory

    admin = UserFactory(is_superuser=True)
    assert board.place in council_places(admin)
    assert proposing_body(admin, board.place) is None
