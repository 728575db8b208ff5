"""Awards with several suppliers (frameworks, joint awards): every supplier is kept, can see
the contract, makes and reports its own commitments, and never another supplier's."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from contracts import services
from contracts.models import AwardSupplier, Commitment, Contract, DeliveryReturn
from contracts.querysets import reported_by
from contracts.services import AwardedSupplier
from people.models import Membership
from socialvalue.rules import allowed
from tests.contracts.factories import (
    AwardedContractFactory,
    CommitmentFactory,
    ContractFactory,
    DeliveryReturnFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db
Stage = Contract.Stage


@pytest.fixture
def started(place, council, officer):
    return ContractFactory(
        place=place,
        buyer=council,
        owner=officer,
        stage=Stage.PROCUREMENT_STARTED,
        procurement_started_on=timezone.localdate() - datetime.timedelta(days=100),
    )


def award(contract, by, suppliers, **overrides):
    today = timezone.localdate()
    options = {
        "award_value": Decimal("900000"),
        "awarded_on": today - datetime.timedelta(days=10),
        "contract_start": today - datetime.timedelta(days=5),
        "contract_end": today + datetime.timedelta(days=700),
        **overrides,
    }
    return services.contract_award(contract=contract, by=by, suppliers=suppliers, **options)


@pytest.fixture
def framework(started, officer):
    """A contract awarded to three suppliers; the third has its own recorded share."""
    first, second, third = (SupplierFactory(name=f"Framework {n} Ltd") for n in "ABC")
    contract = award(
        started,
        officer,
        [
            AwardedSupplier(first),
            AwardedSupplier(second, identifier="GB-COH-99990002"),
            AwardedSupplier(third, value=Decimal("100000")),
        ],
    )
    return contract, first, second, third


def test_every_supplier_is_kept_in_order_and_the_first_is_the_contract_supplier(framework):
    contract, first, second, third = framework
    rows = list(contract.award_suppliers.all())
    assert [r.organisation for r in rows] == [first, second, third]
    assert [r.value for r in rows] == [None, None, Decimal("100000.00")]
    assert rows[1].identifier == "GB-COH-99990002"
    assert contract.supplier == first
    assert contract.award_value == Decimal("900000.00")  # the award's, never divided


def test_an_award_names_each_supplier_once(started, officer):
    supplier = SupplierFactory()
    with pytest.raises(ValidationError, match="Name each supplier on the award once"):
        award(started, officer, [AwardedSupplier(supplier), AwardedSupplier(supplier)])
    started.refresh_from_db()
    assert started.stage == Stage.PROCUREMENT_STARTED


def test_a_supplier_is_added_to_the_award_after_the_others(framework, officer):
    contract = framework[0]
    fourth = SupplierFactory()
    row = services.award_supplier_add(contract=contract, organisation=fourth, by=officer)
    assert row.position == 3
    assert row.history.first().history_user == officer
    with pytest.raises(ValidationError, match="already on the award"):
        services.award_supplier_add(contract=contract, organisation=fourth, by=officer)


def test_a_subcontractor_is_not_a_supplier_on_the_award_nor_the_other_way(framework, officer):
    contract, _first, second, _third = framework
    with pytest.raises(ValidationError, match="That is a supplier on the award"):
        services.subcontractor_add(contract=contract, organisation=second, by=officer)
    sub = SupplierFactory()
    services.subcontractor_add(contract=contract, organisation=sub, by=officer)
    with pytest.raises(ValidationError, match="is a subcontractor here"):
        services.award_supplier_add(contract=contract, organisation=sub, by=officer)


def test_any_supplier_on_the_award_or_a_subcontractor_can_deliver_a_commitment(framework, officer):
    contract, _first, second, _third = framework
    commitment = CommitmentFactory(contract=contract, delivered_by=second)
    data = {
        field: getattr(commitment, field)
        for field in ("measure", "quantity", "area", "objective", "start_date", "due_date")
    }
    made = services.commitment_add(contract=contract, by=officer, delivered_by=second, **data)
    assert made.delivered_by == second
    with pytest.raises(ValidationError, match="Choose a supplier on the award"):
        services.commitment_add(
            contract=contract, by=officer, delivered_by=SupplierFactory(), **data
        )


def test_a_supplier_with_commitments_stays_on_the_award(framework, officer):
    contract, first, second, third = framework
    CommitmentFactory(contract=contract, delivered_by=third)
    with pytest.raises(ValidationError, match="Framework C Ltd has commitments"):
        services.contract_award_amend(
            contract=contract, by=officer, suppliers=[AwardedSupplier(first)]
        )
    services.contract_award_amend(
        contract=contract,
        by=officer,
        suppliers=[AwardedSupplier(third), AwardedSupplier(first)],
    )
    contract.refresh_from_db()
    assert contract.supplier == third
    assert [r.organisation for r in contract.award_suppliers.all()] == [third, first]
    # Taken off the award: deleted from the table, kept in its history.
    assert AwardSupplier.history.filter(organisation=second, history_type="-").exists()


# Who sees and reports what ----------------------------------------------------------------------


@pytest.fixture
def contacts(framework, make_member):
    contract, first, second, third = framework
    sub = SupplierFactory(name="Sub Ltd")
    services.subcontractor_add(contract=contract, organisation=sub, by=contract.owner)
    role = Membership.Role.SUPPLIER_CONTACT
    return {
        "first": make_member(first, role),
        "second": make_member(second, role),
        "third": make_member(third, role),
        "sub": make_member(sub, role),
        "sub_org": sub,
    }


def test_every_supplier_on_the_award_sees_the_contract(client, framework, contacts):
    contract = framework[0]
    for who in ("first", "second", "third", "sub"):
        assert Contract.objects.visible_to(contacts[who]).filter(pk=contract.pk).exists(), who
        client.force_login(contacts[who])
        assert client.get(contract.get_absolute_url()).status_code == 200, who


def test_a_supplier_reports_its_own_commitments_never_another_suppliers(framework, contacts):
    contract, first, second, _third = framework
    by_second = CommitmentFactory(contract=contract, delivered_by=second)
    by_first = CommitmentFactory(contract=contract, delivered_by=first)
    by_sub = CommitmentFactory(contract=contract, delivered_by=contacts["sub_org"])
    rule = "contracts.submit_return"
    assert allowed(contacts["second"], rule, by_second)
    assert not allowed(contacts["second"], rule, by_first)
    assert not allowed(contacts["first"], rule, by_second)
    # The first supplier answers for the subcontractors, as before.
    assert allowed(contacts["first"], rule, by_sub)
    assert allowed(contacts["sub"], rule, by_sub)
    assert not allowed(contacts["third"], rule, by_sub)


def test_the_reporting_rule_and_its_query_agree(framework, contacts):
    contract, first, second, third = framework
    commitments = [
        CommitmentFactory(contract=contract, delivered_by=org)
        for org in (first, second, third, contacts["sub_org"])
    ]
    for who in ("first", "second", "third", "sub"):
        user = contacts[who]
        orgs = {m.organisation_id for m in user.memberships.all()}
        by_query = set(Commitment.objects.filter(reported_by(orgs)).values_list("pk", flat=True))
        by_rule = {c.pk for c in commitments if allowed(user, "contracts.submit_return", c)}
        assert by_query == by_rule, who


def test_evidence_goes_to_the_delivering_supplier_not_the_others(framework, contacts):
    contract, _first, second, _third = framework
    delivery_return = DeliveryReturnFactory(
        commitment=CommitmentFactory(contract=contract, delivered_by=second)
    )
    rule = "contracts.download_evidence"
    assert allowed(contacts["second"], rule, delivery_return)
    assert not allowed(contacts["first"], rule, delivery_return)
    assert not allowed(contacts["third"], rule, delivery_return)
    downloadable = DeliveryReturn.objects.evidence_downloadable_by(contacts["first"])
    assert not downloadable.filter(pk=delivery_return.pk).exists()


# Pages -------------------------------------------------------------------------------------------


def test_the_contract_page_lists_every_supplier_and_the_recorded_share(client, framework, officer):
    contract = framework[0]
    client.force_login(officer)
    page = client.get(contract.get_absolute_url()).content.decode()
    assert "Suppliers (3)" in page
    for name in ("Framework A Ltd", "Framework B Ltd", "Framework C Ltd"):
        assert name in page
    assert "Its share of the award: £100,000" in page
    assert "The award value is the whole award" in page


def test_an_officer_adds_a_supplier_to_the_award_from_the_page(client, framework, officer):
    contract = framework[0]
    client.force_login(officer)
    url = reverse("contracts:award_supplier_create", kwargs={"pk": contract.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"new_name": "Joint Venture Ltd", "new_size": "large", "value": "250000"}
    )
    assert response.status_code == 302
    row = contract.award_suppliers.get(organisation__name="Joint Venture Ltd")
    assert (row.position, row.value) == (3, Decimal("250000.00"))


def test_a_supplier_contact_cannot_add_suppliers_to_the_award(client, framework, contacts):
    contract = framework[0]
    client.force_login(contacts["first"])
    url = reverse("contracts:award_supplier_create", kwargs={"pk": contract.pk})
    assert client.post(url, {"new_name": "Mine Ltd", "new_size": "sme"}).status_code == 403
    assert contract.award_suppliers.count() == 3


# The data migration ----------------------------------------------------------------------------


def test_the_migration_keeps_every_existing_supplier(place, council, officer):
    contracts = [AwardedContractFactory(place=place, buyer=council, owner=officer) for _ in "ab"]
    AwardSupplier.objects.all().delete()
    ContractFactory(place=place, buyer=council, owner=officer)  # not awarded: no row
    migration = importlib.import_module(
        "contracts.migrations.0007_award_suppliers_from_contract_supplier"
    )
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # and again: nothing twice
    rows = AwardSupplier.objects.order_by("contract_id")
    assert [(r.contract_id, r.organisation_id, r.position, r.value) for r in rows] == [
        (c.pk, c.supplier_id, 0, None) for c in contracts
    ]
