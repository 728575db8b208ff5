"""Whose bodies a person imports notices for and signs off for: asked of contracts.permissions,
which asks the people rules (issue 18), never worked out at each call site."""

from contracts import permissions
from contracts.forms import places_for_import
from contracts.ocds.matching import importer_bodies
from contracts.signoff import signing_bodies
from people.models import Membership, Organisation
from tests.people.factories import MembershipFactory, OrganisationFactory, UserFactory

Role = Membership.Role


def test_an_officer_imports_for_their_current_public_bodies_only(place, council, officer):
    supplier = OrganisationFactory(name="Acme Ltd", kind=Organisation.Kind.SUPPLIER)
    MembershipFactory(user=officer, organisation=supplier, role=Role.OFFICER)
    led = OrganisationFactory(name="Led Council", place=place)
    MembershipFactory(user=officer, organisation=led, role=Role.LEADER)

    assert list(permissions.organisations_importing_for(officer)) == [council]
    assert importer_bodies(officer, place) == [council]
    assert list(places_for_import(officer)) == [place]


def test_a_superuser_imports_and_signs_off_only_for_their_own_bodies(db):
    root = UserFactory(is_superuser=True, is_staff=True)
    OrganisationFactory(name="Some Council")

    assert list(permissions.organisations_importing_for(root)) == []
    assert list(places_for_import(root)) == []
    assert permissions.signoff_organisation_ids(root) == set()
    assert signing_bodies(root) == set()


def test_officers_and_leaders_sign_off_for_their_bodies(place, council, officer, make_member):
    leader = make_member(council, Role.LEADER)
    admin = make_member(council, Role.ORG_ADMIN)

    assert permissions.signoff_organisation_ids(officer) == {council.pk}
    assert permissions.signoff_organisation_ids(leader) == {council.pk}
    assert permissions.signoff_organisation_ids(admin) == set()
    assert signing_bodies(leader) == {council.pk}
