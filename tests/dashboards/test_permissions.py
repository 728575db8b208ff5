"""The dashboards' rules as a role × organisation matrix."""

import pytest

from people.models import Membership, Organisation
from socialvalue.rules import allowed
from tests.people.factories import OrganisationFactory, UserFactory
from tests.places.factories import PlaceFactory

Role = Membership.Role
K = Organisation.Kind


@pytest.mark.parametrize(
    "kind, role, expected",
    [
        (K.LOCAL_AUTHORITY, Role.LEADER, True),
        (K.LOCAL_AUTHORITY, Role.OFFICER, True),
        (K.NHS, Role.OFFICER, True),
        (K.POLICE, Role.LEADER, True),
        (K.LOCAL_AUTHORITY, Role.ORG_ADMIN, False),
        (K.VCS, Role.MEMBER, False),
        (K.VCS, Role.ORG_ADMIN, False),
        (K.SUPPLIER, Role.SUPPLIER_CONTACT, False),
        (K.SOCIAL_ENTERPRISE, Role.SUPPLIER_CONTACT, False),
    ],
)
def test_view_dashboard(place, make_member, kind, role, expected):
    public = kind in Organisation.PUBLIC_BODY_KINDS
    organisation = OrganisationFactory(kind=kind, place=place if public else None)
    user = make_member(organisation, role)
    assert allowed(user, "dashboards.view_dashboard", place) is expected


def test_view_dashboard_is_per_place(place, council, make_member):
    other = PlaceFactory()
    leader = make_member(council, Role.LEADER)
    assert allowed(leader, "dashboards.view_dashboard", place)
    assert not allowed(leader, "dashboards.view_dashboard", other)
    assert not allowed(leader, "dashboards.view_dashboard", None)


def test_ended_membership_loses_the_dashboard(place, council, make_member):
    from django.utils import timezone

    leader = make_member(council, Role.LEADER)
    Membership.objects.filter(user=leader).update(ended_at=timezone.now())
    leader.refresh_from_db()
    assert not allowed(leader, "dashboards.view_dashboard", place)


def test_transparency_is_for_everyone(place):
    from django.contrib.auth.models import AnonymousUser

    assert allowed(AnonymousUser(), "dashboards.view_transparency", place)
    assert allowed(UserFactory(), "dashboards.view_transparency", place)
    assert not allowed(AnonymousUser(), "dashboards.view_dashboard", place)
