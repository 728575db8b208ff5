"""The contracts list: a fixed number of queries however many contracts and commitments there
are, commitment counts for the page's rows, and who sees which contracts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts.models import Contract
from people.models import Membership, Organisation
from tests.contracts.factories import AwardedContractFactory, CommitmentFactory, ContractFactory
from tests.people.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role
LIST = reverse("contracts:contract_list")


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response, len(ctx.captured_queries)


def _contract_with_commitments(*, council, officer, current, withdrawn=0, like=None):
    contract = AwardedContractFactory(place=council.place, buyer=council, owner=officer)
    shared = (
        {"measure": like.measure, "objective": like.objective, "area": like.area} if like else {}
    )
    commitments = [CommitmentFactory(contract=contract, **shared) for _ in range(current)]
    for _ in range(withdrawn):
        commitments.append(
            CommitmentFactory(contract=contract, withdrawn_at=timezone.now(), **shared)
        )
    return contract, commitments


def test_query_count_does_not_grow_with_contracts_or_commitments(client, council, officer):
    client.force_login(officer)
    _, (first, *_) = _contract_with_commitments(council=council, officer=officer, current=1)
    urls = [LIST, f"{LIST}?stage=awarded", f"{LIST}?q=Contract"]
    before = {url: _get(client, url)[1] for url in urls}

    # More than a page (25) of contracts, each with several commitments, some withdrawn.
    for _ in range(30):
        _contract_with_commitments(
            council=council, officer=officer, current=3, withdrawn=1, like=first
        )
    for url in urls:
        response, queries = _get(client, url)
        assert len(response.context["contracts"]) == 25
        assert queries == before[url], url
    response, queries = _get(client, f"{LIST}?page=2")
    assert len(response.context["contracts"]) == 6
    assert queries == before[LIST]


def test_commitment_counts_leave_out_withdrawn_ones_on_every_page(client, council, officer):
    client.force_login(officer)
    busy, (first, *_) = _contract_with_commitments(
        council=council, officer=officer, current=3, withdrawn=2
    )
    bare = ContractFactory(place=council.place, buyer=council, owner=officer)
    for _ in range(25):  # push `busy` and `bare` onto page 2
        _contract_with_commitments(council=council, officer=officer, current=1, like=first)

    response, _ = _get(client, LIST)
    assert response.context["paginator"].count == 27
    assert [c.commitment_count for c in response.context["contracts"]] == [1] * 25

    response, _ = _get(client, f"{LIST}?page=2")
    shown = {c.pk: c.commitment_count for c in response.context["contracts"]}
    assert shown == {busy.pk: 3, bare.pk: 0}
    assert ">3</td>" in response.content.decode()


def test_order_is_most_recently_updated_first(client, council, officer):
    client.force_login(officer)
    older, newer, newest = (
        ContractFactory(place=council.place, buyer=council, owner=officer) for _ in range(3)
    )
    Contract.objects.filter(pk=older.pk).update(updated_at=timezone.now())
    response, _ = _get(client, LIST)
    assert [c.pk for c in response.context["contracts"]] == [older.pk, newest.pk, newer.pk]


def test_joint_buyers_and_subcontractors_see_the_contract_in_the_list(
    client, council, officer, make_member
):
    partner = OrganisationFactory(
        name="Partner NHS Trust", kind=Organisation.Kind.NHS, place=council.place
    )
    sub = OrganisationFactory(name="Sub Ltd", kind=Organisation.Kind.SUPPLIER, place=None)
    stranger = OrganisationFactory(
        name="Stranger Council", kind=Organisation.Kind.LOCAL_AUTHORITY, place=council.place
    )
    awarded = AwardedContractFactory(place=council.place, buyer=council, owner=officer)
    planning = ContractFactory(place=council.place, buyer=council, owner=officer)
    for contract in (awarded, planning):
        contract.joint_buyers.add(partner)
        contract.subcontractors.add(sub)

    def listed(user):
        client.force_login(user)
        response, _ = _get(client, LIST)
        return {c.pk for c in response.context["contracts"]}

    assert listed(make_member(partner, Role.OFFICER)) == {awarded.pk, planning.pk}
    # Subcontractors see a contract from award on, never before.
    assert listed(make_member(sub, Role.SUPPLIER_CONTACT)) == {awarded.pk}
    assert listed(make_member(stranger, Role.OFFICER)) == set()
    assert Contract.objects.managed_by(make_member(partner, Role.OFFICER)).count() == 2
