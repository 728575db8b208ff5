"""Who may see and change objectives: a role × state matrix."""

import pytest
from django.contrib.auth.models import AnonymousUser

from objectives.models import Objective
from socialvalue.rules import allowed

pytestmark = pytest.mark.django_db

# role -> (sees a draft, sees an active one, may edit an active one)
MATRIX = {
    "anonymous": (False, True, False),
    "vcs_member": (False, True, False),
    "supplier": (False, True, False),
    "lead_officer": (True, True, True),
    "lead_leader": (True, True, True),
    "partner_officer": (True, True, True),
    "other_officer": (False, True, False),
}


@pytest.mark.parametrize("role", MATRIX)
def test_visibility_and_editing(role, people, make_objective, nhs_body):
    user = AnonymousUser() if role == "anonymous" else people[role]
    draft = make_objective(status="draft", partners=[nhs_body])
    active = make_objective(status="active", partners=[nhs_body])
    sees_draft, sees_active, edits = MATRIX[role]
    visible = set(Objective.objects.visible_to(user))
    assert (draft in visible) is sees_draft
    assert (active in visible) is sees_active
    assert allowed(user, "objectives.view_objective", draft) is sees_draft
    assert allowed(user, "objectives.change_objective", active) is edits
    assert set(Objective.objects.editable_by(user)) == ({draft, active} if edits else set())


def test_a_leader_of_the_place_sees_drafts_they_are_not_involved_in(
    people, make_objective, make_member, place
):
    from people.models import Membership
    from tests.people.factories import OrganisationFactory

    police = OrganisationFactory(name="Testborough Police", kind="police", place=place)
    leader = make_member(police, Membership.Role.LEADER)
    draft = make_objective(status="draft")
    assert draft in Objective.objects.visible_to(leader)
    assert not allowed(leader, "objectives.change_objective", draft)


def test_finished_objectives_cannot_be_edited_by_anyone_involved(people, make_objective):
    achieved = make_objective(status="achieved")
    assert not allowed(people["lead_officer"], "objectives.change_objective", achieved)


def test_ended_membership_loses_access(people, make_objective):
    from django.utils import timezone

    officer = people["lead_officer"]
    draft = make_objective(status="draft")
    officer.memberships.update(ended_at=timezone.now())
    officer = type(officer).objects.get(pk=officer.pk)  # a fresh request: no cached roles
    assert draft not in Objective.objects.visible_to(officer)


@pytest.mark.parametrize(
    ("role", "may_add"),
    [
        ("vcs_member", False),
        ("supplier", False),
        ("lead_officer", True),
        ("lead_leader", True),
        ("other_officer", False),
    ],
)
def test_who_may_add_objectives_in_the_place(role, may_add, people, place):
    assert allowed(people[role], "objectives.add_objective", place) is may_add
