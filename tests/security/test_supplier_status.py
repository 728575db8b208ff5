"""A supplier's SME or VCSE status counts only once an officer has confirmed it (issue 13, Low:
a supplier's own administrator ticked "VCSE" and "SME" and it went straight into the public
OCDS export).

What an organisation says of itself is shown everywhere as self-declared; the published
figures and open data (`details.scale`, `details.vcse`) use only what an officer of a public
body confirmed (who and when is kept), and a change by the organisation afterwards makes it
self-declared again, whichever way the change is made.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from people import services
from people.models import Membership, Organisation
from people.permissions import forget_roles
from socialvalue.rules import allowed
from tests.people.factories import MembershipFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _supplier_admin(world):
    return MembershipFactory(organisation=world.supplier, role=Role.ORG_ADMIN).user


def _declare(world, *, size="sme", is_vcse=True):
    """The supplier's own admin ticks SME and VCSE on its page."""
    response = _client(_supplier_admin(world)).post(
        reverse("people:organisation_update", args=[world.supplier.slug]),
        {"name": world.supplier.name, "size": size, "is_vcse": "on" if is_vcse else ""},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    world.supplier.refresh_from_db()


def _published_supplier(client, world) -> dict:
    response = client.get(reverse("dashboards:ocds", args=[world.place.slug]))
    package = json.loads(b"".join(response.streaming_content))
    parties = [
        p for r in package["releases"] for p in r.get("parties", []) if p["name"] == "Acme Ltd"
    ]
    assert parties, "the awarded contract's supplier is in the open data"
    return parties[0].get("details", {})


def _confirm(world, officer=None):
    response = _client(officer or world.users["officer"]).post(
        reverse("people:organisation_status_confirm", args=[world.supplier.slug])
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    world.supplier.refresh_from_db()


def test_a_self_declared_status_is_not_published(client, world):
    _declare(world)

    details = _published_supplier(client, world)

    assert "scale" not in details and "vcse" not in details


def test_a_confirmed_status_is_published_with_who_confirmed_it(client, world):
    _declare(world)
    _confirm(world)

    assert _published_supplier(client, world) == {"scale": "sme", "vcse": True}
    supplier = world.supplier
    assert supplier.status_confirmed_by == world.users["officer"]
    assert supplier.status_confirmed_at is not None
    assert (supplier.confirmed_size, supplier.confirmed_is_vcse) == ("sme", True)


def test_a_change_by_the_supplier_after_confirmation_is_self_declared_again(client, world):
    _declare(world, is_vcse=False)
    _confirm(world)
    assert _published_supplier(client, world) == {"scale": "sme", "vcse": False}

    _declare(world, is_vcse=True)

    assert world.supplier.status_confirmed_at is None
    assert _published_supplier(client, world) == {}


def test_a_change_made_any_other_way_is_not_counted_either(client, world):
    """The admin, an import or the shell: the confirmation is of particular values, so a value
    changed around the service no longer matches it."""
    _declare(world)
    _confirm(world)

    Organisation.objects.filter(pk=world.supplier.pk).update(size="large")

    assert _published_supplier(client, world) == {"vcse": True}


def test_self_declared_is_said_wherever_the_status_is_shown(client, world):
    _declare(world)
    officer = _client(world.users["officer"])

    page = officer.get(world.supplier.get_absolute_url()).content.decode()
    assert "self-declared" in page
    assert "Confirm this status" in page
    contract_page = officer.get(world.contract.get_absolute_url()).content.decode()
    assert "self-declared" in contract_page
    # Where a supplier is chosen (the award and subcontractor forms).
    from contracts.forms import OrganisationChoiceField

    choice = OrganisationChoiceField(queryset=Organisation.objects.all())
    assert (
        choice.label_from_instance(world.supplier)
        == "Acme Ltd (supplier, SME, VCSE, self-declared)"
    )

    _confirm(world)

    page = officer.get(world.supplier.get_absolute_url()).content.decode()
    assert "self-declared" not in page
    assert "Confirmed by" in page and escape(world.users["officer"].full_name) in page


def test_an_officer_registering_an_organisation_confirms_what_they_record(world):
    client = _client(world.users["officer"])

    client.post(
        reverse("people:organisation_register"),
        {"name": "Greenway CIC", "kind": "social_enterprise", "size": "sme", "is_vcse": "on"},
    )

    greenway = Organisation.objects.get(name="Greenway CIC")
    assert greenway.status_confirmed_by == world.users["officer"]
    assert greenway.confirmed_scale == "sme" and greenway.confirmed_vcse is True


def test_a_supplier_registered_by_an_import_is_self_declared(world):
    imported = services.organisation_register(
        by=world.users["officer"], name="Imported Ltd", kind="supplier", size="sme", is_vcse=True
    )
    assert imported.status_confirmed_at is None
    assert imported.confirmed_scale == "" and imported.confirmed_vcse is None


# Who may confirm ----------------------------------------------------------------------------

MAY_CONFIRM = {
    "anonymous": False,
    "officer": True,
    "org_admin": False,
    "leader": False,
    "resident": False,
    "vcs_member": False,
    "supplier_contact": False,
    "other_org_officer": True,  # an officer of a public body: suppliers serve many places
    "superuser": True,
}


@pytest.mark.parametrize("role", sorted(MAY_CONFIRM))
def test_who_may_confirm_a_status(world, role):
    _declare(world)
    user = world.users[role]
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    assert allowed(user, "people.confirm_status", world.supplier) is MAY_CONFIRM[role]


def test_nobody_confirms_their_own_organisations_status(world):
    _declare(world)
    officer = world.users["officer"]
    MembershipFactory(organisation=world.supplier, user=officer, role=Role.ORG_ADMIN)
    forget_roles(officer)

    assert not allowed(officer, "people.confirm_status", world.supplier)
    response = _client(officer).post(
        reverse("people:organisation_status_confirm", args=[world.supplier.slug])
    )
    assert response.status_code == 403


def test_there_is_nothing_to_confirm_for_a_public_body_or_without_a_status(world):
    from tests.contracts.factories import SupplierFactory

    officer = world.users["officer"]
    assert not allowed(officer, "people.confirm_status", world.nhs)
    silent = SupplierFactory(name="Silent Ltd", size="")
    assert not allowed(officer, "people.confirm_status", silent)  # nothing declared


STATES = [
    # kind, size, is_vcse, confirmed (size, is_vcse) or None
    ("supplier", "sme", True, None),
    ("supplier", "sme", True, ("sme", True)),
    ("supplier", "sme", True, ("large", True)),
    ("supplier", "large", False, ("large", False)),
    ("supplier", "sme", False, ("sme", True)),
    ("supplier", "", False, None),
    ("social_enterprise", "sme", False, None),
    ("vcs", "", False, None),
]


@pytest.mark.parametrize(("kind", "size", "is_vcse", "confirmed"), STATES)
def test_the_rule_in_sql_agrees_with_the_rule_in_python(world, kind, size, is_vcse, confirmed):
    """`confirmed_sme()` and `confirmed_vcse()` (for counting) say what the model's
    `confirmed_scale` and `confirmed_vcse` (for each organisation) say."""
    from django.utils import timezone

    from tests.people.factories import OrganisationFactory

    org = OrganisationFactory(kind=kind, size=size, is_vcse=is_vcse)
    if confirmed:
        org.confirmed_size, org.confirmed_is_vcse = confirmed
        org.status_confirmed_at = timezone.now()
        org.save()

    assert Organisation.objects.confirmed_sme().filter(pk=org.pk).exists() is (
        org.confirmed_scale == "sme"
    )
    assert Organisation.objects.confirmed_vcse().filter(pk=org.pk).exists() is (
        org.confirmed_vcse is True
    )
