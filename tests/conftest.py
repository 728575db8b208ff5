import pytest

from people.models import Membership, Organisation
from tests.people.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.places.factories import AreaFactory, PlaceFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def place(db):
    return PlaceFactory(name="Testborough", slug="testborough")


@pytest.fixture
def council(place):
    return OrganisationFactory(
        name="Testborough Council", kind=Organisation.Kind.LOCAL_AUTHORITY, place=place
    )


@pytest.fixture
def make_member(db):
    """make_member(organisation, role) -> a user holding that role there."""

    def make(organisation, role=Membership.Role.OFFICER, **user_fields):
        return MembershipFactory(
            organisation=organisation, role=role, user=UserFactory(**user_fields)
        ).user

    return make


@pytest.fixture
def officer(council, make_member):
    return make_member(council, Membership.Role.OFFICER, email="officer@example.org")


@pytest.fixture
def area_factory(db):
    return AreaFactory
