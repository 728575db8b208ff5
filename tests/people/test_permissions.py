"""The people and places rules, as role × object tables.

Each table row is one kind of person; each column one object. A row reads as "what this person
may do to A (a council), B (a VCS group), C (a supplier) and D (a council in another place)".
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from people.models import Membership, Organisation
from socialvalue.rules import UnknownRule, allowed, registered
from tests.people.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.places.factories import PlaceFactory

Role = Membership.Role
Kind = Organisation.Kind

ROLES = [
    "anonymous",
    "superuser",
    "officer_a",
    "leader_a",
    "admin_a",
    "member_b",
    "supplier_c",
    "officer_d",
    "ended_a",
    "inactive_a",
]


@pytest.fixture
def world(place, council):
    """Council A in `place`, VCS group B, supplier C, council D in another place, and a person
    for each role in ROLES."""
    other_place = PlaceFactory(name="Elsewhere", slug="elsewhere")
    orgs = {
        "A": council,
        "B": OrganisationFactory(name="Group B", kind=Kind.VCS),
        "C": OrganisationFactory(name="Supplier C", kind=Kind.SUPPLIER),
        "D": OrganisationFactory(name="Council D", kind=Kind.LOCAL_AUTHORITY, place=other_place),
    }

    def member(org, role, **user_fields):
        return MembershipFactory(organisation=orgs[org], role=role, user=UserFactory(**user_fields))

    memberships = {
        "officer_a": member("A", Role.OFFICER),
        "leader_a": member("A", Role.LEADER),
        "admin_a": member("A", Role.ORG_ADMIN),
        "member_b": member("B", Role.MEMBER),
        "supplier_c": member("C", Role.SUPPLIER_CONTACT),
        "officer_d": member("D", Role.OFFICER),
        "ended_a": member("A", Role.OFFICER),
        "inactive_a": member("A", Role.OFFICER, is_active=False),
    }
    memberships["ended_a"].ended_at = timezone.now()
    memberships["ended_a"].save()
    users = {name: m.user for name, m in memberships.items()}
    users["anonymous"] = AnonymousUser()
    users["superuser"] = UserFactory(is_superuser=True, is_staff=True)
    return SimpleNamespace(
        orgs=orgs, users=users, memberships=memberships, place=place, other_place=other_place
    )


def _ask(world, role, rule, objects):
    user = world.users[role]
    return tuple(allowed(user, rule, obj) for obj in objects)


def _table(rows: dict):
    assert set(rows) == set(ROLES), "every table must cover every role"
    return pytest.mark.parametrize(("role", "expected"), list(rows.items()), ids=list(rows))


# Organisations ------------------------------------------------------------------------------


@_table(
    {
        #              A      B      C      D
        "anonymous": (False, False, False, False),
        "superuser": (True, True, True, True),
        "officer_a": (True, True, True, True),
        "leader_a": (True, True, True, True),
        "admin_a": (True, True, True, True),
        "member_b": (True, True, True, True),
        "supplier_c": (True, True, True, True),
        "officer_d": (True, True, True, True),
        "ended_a": (True, True, True, True),
        "inactive_a": (False, False, False, False),
    }
)
def test_view_organisation(world, role, expected):
    orgs = [world.orgs[k] for k in "ABCD"]
    assert _ask(world, role, "people.view_organisation", orgs) == expected


@_table(
    {
        #              A      B      C      D
        "anonymous": (False, False, False, False),
        "superuser": (True, True, True, True),
        "officer_a": (True, False, False, False),
        "leader_a": (True, False, False, False),
        "admin_a": (True, False, False, False),
        "member_b": (False, True, False, False),
        "supplier_c": (False, False, True, False),
        "officer_d": (False, False, False, True),
        "ended_a": (False, False, False, False),
        "inactive_a": (False, False, False, False),
    }
)
def test_view_members(world, role, expected):
    orgs = [world.orgs[k] for k in "ABCD"]
    assert _ask(world, role, "people.view_members", orgs) == expected


@_table(
    {
        #              A      B      C      D
        "anonymous": (False, False, False, False),
        "superuser": (True, True, True, True),
        "officer_a": (False, False, False, False),
        "leader_a": (False, False, False, False),
        "admin_a": (True, False, False, False),
        "member_b": (False, False, False, False),
        "supplier_c": (False, False, False, False),
        "officer_d": (False, False, False, False),
        "ended_a": (False, False, False, False),
        "inactive_a": (False, False, False, False),
    }
)
def test_change_organisation(world, role, expected):
    orgs = [world.orgs[k] for k in "ABCD"]
    assert _ask(world, role, "people.change_organisation", orgs) == expected


@_table(
    {
        #              A      B      C      D
        "anonymous": (False, False, False, False),
        "superuser": (True, True, True, True),
        "officer_a": (False, False, False, False),
        "leader_a": (False, False, False, False),
        "admin_a": (True, False, False, False),
        "member_b": (False, False, False, False),
        "supplier_c": (False, False, False, False),
        "officer_d": (False, False, False, False),
        "ended_a": (False, False, False, False),
        "inactive_a": (False, False, False, False),
    }
)
def test_invite_member(world, role, expected):
    orgs = [world.orgs[k] for k in "ABCD"]
    assert _ask(world, role, "people.invite_member", orgs) == expected


def test_admins_of_group_and_supplier_may_invite_to_their_own_only(world, make_member):
    vcs_admin = make_member(world.orgs["B"], Role.ORG_ADMIN)
    supplier_admin = make_member(world.orgs["C"], Role.ORG_ADMIN)
    orgs = [world.orgs[k] for k in "ABCD"]

    assert tuple(allowed(vcs_admin, "people.invite_member", o) for o in orgs) == (
        False,
        True,
        False,
        False,
    )
    assert tuple(allowed(supplier_admin, "people.invite_member", o) for o in orgs) == (
        False,
        False,
        True,
        False,
    )


def test_nobody_but_a_superuser_may_invite_to_an_archived_organisation(world):
    council = world.orgs["A"]
    council.archived_at = timezone.now()
    council.save()

    answers = {role: allowed(world.users[role], "people.invite_member", council) for role in ROLES}

    assert answers == {role: role == "superuser" for role in ROLES}


@_table(
    {
        #              officer_a's membership, admin_a's own, member_b's
        "anonymous": (False, False, False),
        "superuser": (True, True, True),
        "officer_a": (False, False, False),
        "leader_a": (False, False, False),
        "admin_a": (True, True, False),
        "member_b": (False, False, False),
        "supplier_c": (False, False, False),
        "officer_d": (False, False, False),
        "ended_a": (False, False, False),
        "inactive_a": (False, False, False),
    }
)
def test_end_membership(world, role, expected):
    targets = [world.memberships[k] for k in ("officer_a", "admin_a", "member_b")]
    assert _ask(world, role, "people.end_membership", targets) == expected


def test_an_ended_membership_cannot_be_ended_again_even_by_an_admin(world):
    ended = world.memberships["ended_a"]

    assert allowed(world.users["admin_a"], "people.end_membership", ended) is False


@_table(
    {
        "anonymous": (False,),
        "superuser": (True,),
        "officer_a": (True,),
        "leader_a": (False,),
        "admin_a": (True,),
        "member_b": (False,),
        "supplier_c": (False,),
        "officer_d": (True,),
        "ended_a": (False,),
        "inactive_a": (False,),
    }
)
def test_register_organisation(world, role, expected):
    assert _ask(world, role, "people.register_organisation", [None]) == expected


def test_admin_of_a_vcs_group_may_not_register_organisations(world, make_member):
    vcs_admin = make_member(world.orgs["B"], Role.ORG_ADMIN)

    assert allowed(vcs_admin, "people.register_organisation") is False


# Places and areas ---------------------------------------------------------------------------


@_table(
    {
        #              place A serves, other place
        "anonymous": (False, False),
        "superuser": (True, True),
        "officer_a": (True, True),
        "leader_a": (True, True),
        "admin_a": (True, True),
        "member_b": (True, True),
        "supplier_c": (True, True),
        "officer_d": (True, True),
        "ended_a": (True, True),
        "inactive_a": (False, False),
    }
)
def test_view_place(world, role, expected):
    assert _ask(world, role, "places.view_place", [world.place, world.other_place]) == expected


@_table(
    {
        "anonymous": (False,),
        "superuser": (True,),
        "officer_a": (True,),
        "leader_a": (True,),
        "admin_a": (True,),
        "member_b": (True,),
        "supplier_c": (True,),
        "officer_d": (True,),
        "ended_a": (True,),
        "inactive_a": (False,),
    }
)
def test_view_area(world, role, expected, area_factory):
    area = area_factory(place=world.place)
    assert _ask(world, role, "places.view_area", [area]) == expected


@_table(
    {
        #              place A serves, place D serves
        "anonymous": (False, False),
        "superuser": (True, True),
        "officer_a": (True, False),
        "leader_a": (False, False),
        "admin_a": (True, False),
        "member_b": (False, False),
        "supplier_c": (False, False),
        "officer_d": (False, True),
        "ended_a": (False, False),
        "inactive_a": (False, False),
    }
)
def test_manage_areas(world, role, expected):
    assert _ask(world, role, "places.manage_areas", [world.place, world.other_place]) == expected


def test_officer_of_an_archived_council_may_not_manage_its_areas(world):
    council = world.orgs["A"]
    council.archived_at = timezone.now()
    council.save()

    assert allowed(world.users["officer_a"], "places.manage_areas", world.place) is False


# The rules machinery ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "superuser", "officer_a"])
def test_an_unregistered_rule_raises_rather_than_answering(world, role):
    with pytest.raises(UnknownRule, match=r"people\.invite_membre"):
        allowed(world.users[role], "people.invite_membre", world.orgs["A"])


def test_every_rule_in_these_tables_is_registered():
    assert {
        "people.view_organisation",
        "people.view_members",
        "people.change_organisation",
        "people.invite_member",
        "people.end_membership",
        "people.register_organisation",
        "places.view_place",
        "places.view_area",
        "places.manage_areas",
    } <= set(registered())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("org", ["A", "B"])
def test_has_perm_agrees_with_allowed(world, role, org):
    user, organisation = world.users[role], world.orgs[org]

    assert user.has_perm("people.invite_member", organisation) == allowed(
        user, "people.invite_member", organisation
    )


def test_has_perm_answers_yes_through_the_rules_backend(world):
    assert world.users["admin_a"].has_perm("people.invite_member", world.orgs["A"]) is True
    assert world.users["officer_a"].has_perm("people.invite_member", world.orgs["A"]) is False


# visible_to ---------------------------------------------------------------------------------


def _ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_members_see_every_membership_of_their_own_organisation_only(world):
    council_memberships = _ids(Membership.objects.filter(organisation=world.orgs["A"]))

    assert _ids(Membership.objects.visible_to(world.users["officer_a"])) == council_memberships
    assert _ids(Membership.objects.visible_to(world.users["member_b"])) == {
        world.memberships["member_b"].pk
    }


def test_someone_whose_membership_ended_sees_no_memberships(world):
    assert _ids(Membership.objects.visible_to(world.users["ended_a"])) == set()


def test_superuser_sees_every_membership(world):
    assert _ids(Membership.objects.visible_to(world.users["superuser"])) == _ids(
        Membership.objects.all()
    )
    assert Membership.objects.count() == 8


def test_anonymous_sees_no_memberships_and_no_organisations(world):
    anonymous = world.users["anonymous"]

    assert list(Membership.objects.visible_to(anonymous)) == []
    assert list(Organisation.objects.visible_to(anonymous)) == []


def test_organisations_are_a_directory_for_anyone_signed_in(world):
    assert _ids(Organisation.objects.visible_to(world.users["member_b"])) == {
        o.pk for o in world.orgs.values()
    }
