"""The one way to ask where a person holds roles: `served_by` (places) and `organisations_of`
(organisations), every one for a superuser, none signed out; and `unrestricted`, the
superuser exception the querysets ask."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from people.models import Membership, Organisation, User
from people.permissions import administered_ids, organisations_of, served_by
from socialvalue.rules import unrestricted
from tests.people.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def bodies():
    place, elsewhere = PlaceFactory(), PlaceFactory()
    council = OrganisationFactory(place=place)
    other = OrganisationFactory(place=elsewhere)
    group = OrganisationFactory(kind=Organisation.Kind.VCS, place=None)
    return council, other, group


def test_officer_is_served_by_their_bodies_place_only(bodies):
    council, _, group = bodies
    officer = MembershipFactory(organisation=council, role=Role.OFFICER).user
    MembershipFactory(user=officer, organisation=group, role=Role.MEMBER)
    assert list(served_by(officer, Role.OFFICER)) == [council.place]
    assert not served_by(officer, Role.LEADER).exists()
    assert set(organisations_of(officer)) == {council, group}
    assert set(organisations_of(officer, Role.OFFICER)) == {council}
    assert not organisations_of(officer, Role.ORG_ADMIN).exists()
    assert administered_ids(officer) == set()


def test_ended_memberships_count_for_nothing(bodies):
    council, _, _ = bodies
    membership = MembershipFactory(organisation=council, role=Role.OFFICER)
    Membership.objects.filter(pk=membership.pk).update(ended_at=timezone.now())
    user = User.objects.get(pk=membership.user_id)
    assert not served_by(user, Role.OFFICER).exists()
    assert not organisations_of(user).exists()


def test_superuser_everything_signed_out_nothing(bodies):
    council, other, group = bodies
    admin = UserFactory(is_superuser=True)
    assert set(served_by(admin, Role.OFFICER)) == {council.place, other.place}
    assert set(organisations_of(admin, Role.OFFICER)) == {council, other, group}
    assert administered_ids(admin) == set()  # only where they are an admin themselves
    assert unrestricted(admin)
    anonymous = AnonymousUser()
    assert not served_by(anonymous).exists()
    assert not organisations_of(anonymous).exists()
    assert not unrestricted(anonymous)
    assert not unrestricted(None)
    assert not unrestricted(UserFactory())


def test_admins_administer_their_organisation(bodies):
    _, _, group = bodies
    admin = MembershipFactory(organisation=group, role=Role.ORG_ADMIN).user
    assert administered_ids(admin) == {group.pk}
