"""Issue 13, High 1: contract takeover through the OCDS import.

An officer of one public body imported a release whose `ocid` belonged to a contract of another
body in the same place (ocids are public). The import matched the contract by ocid and rewrote
it: buyer, title, supplier, award value and stage. The import form also let any officer choose
any public body of the place as the buyer.

An import may only create contracts for, and only update contracts of, the bodies the importing
person is an officer of. Anything else is refused for that release, with a reason, and changes
nothing.
"""

import copy

import pytest
from django.urls import reverse

from contracts.models import Contract
from contracts.ocds import import_release_package
from people.models import Membership
from tests.people.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

VICTIM_OCID = "ocds-b5fd17-0victim1"


def _release(*, buyer_name: str, buyer_id: str | None = None, **tender) -> dict:
    buyer = {"name": buyer_name, **({"id": buyer_id} if buyer_id else {})}
    party = {**buyer, "roles": ["buyer"]}
    if buyer_id is None:
        party["id"] = "buyer-1"
        buyer["id"] = "buyer-1"
    return {
        "ocid": VICTIM_OCID,
        "id": f"{VICTIM_OCID}-takeover",
        "date": "2025-08-01T09:00:00Z",
        "tag": ["tenderCancellation"],
        "initiationType": "tender",
        "buyer": buyer,
        "parties": [party],
        "tender": {
            "id": "TAKEN-1",
            "title": "Taken over",
            "value": {"amount": 1, "currency": "GBP"},
            **tender,
        },
    }


@pytest.fixture
def nhs_officer(world):
    return MembershipFactory(
        organisation=world.nhs,
        role=Membership.Role.OFFICER,
        user=UserFactory(email="nhs-officer@example.org"),
    ).user


@pytest.fixture
def victim(world):
    contract = world.contract
    Contract.objects.filter(pk=contract.pk).update(ocid=VICTIM_OCID)
    contract.refresh_from_db()
    return contract


def _state(contract: Contract) -> dict:
    contract.refresh_from_db()
    return {
        "buyer": contract.buyer_id,
        "title": contract.title,
        "stage": contract.stage,
        "supplier": contract.supplier_id,
        "award_value": contract.award_value,
        "estimated_value": contract.estimated_value,
        "cancelled_reason": contract.cancelled_reason,
    }


def test_a_release_matching_another_bodys_contract_changes_nothing(world, nhs_officer, victim):
    """The release names the attacker's own body as buyer and carries the victim's ocid."""
    before = _state(victim)
    package = {"releases": [_release(buyer_name="Testborough NHS", status="cancelled")]}

    report = import_release_package(copy.deepcopy(package), place=world.place, by=nhs_officer)

    assert _state(victim) == before
    assert not victim.history.filter(history_user=nhs_officer).exists()
    refused = [str(outcome) for outcome in report.refused]
    assert len(refused) == 1
    assert "a contract of Testborough Council: only its officers can update it" in refused[0]


def test_a_release_naming_another_body_as_buyer_changes_nothing(world, nhs_officer, victim):
    """The release names the victim's body as buyer: not one of the importer's bodies."""
    before = _state(victim)
    package = {"releases": [_release(buyer_name="Testborough Council", status="cancelled")]}

    report = import_release_package(copy.deepcopy(package), place=world.place, by=nhs_officer)

    assert _state(victim) == before
    assert not victim.history.filter(history_user=nhs_officer).exists()
    assert report.written == []
    skipped = [str(outcome) for outcome in report.skipped]
    assert len(skipped) == 1
    assert (
        "the buyer is Testborough Council, not one of the bodies you are an officer of"
        in (skipped[0])
    )


def test_the_owner_can_still_see_their_contract_after_an_attempt(
    client, world, nhs_officer, victim
):
    import_release_package(
        {"releases": [_release(buyer_name="Testborough NHS")]}, place=world.place, by=nhs_officer
    )
    client.force_login(world.users["officer"])
    assert client.get(victim.get_absolute_url()).status_code == 200
    client.force_login(nhs_officer)
    assert client.get(victim.get_absolute_url()).status_code == 404


def test_the_import_page_offers_only_the_importers_own_bodies(client, world, nhs_officer):
    client.force_login(nhs_officer)
    page = client.get(reverse("contracts:ocds_import")).content.decode()
    assert "Testborough NHS" in page or "buyer" not in page.lower()
    assert "Testborough Council" not in page
