from types import SimpleNamespace

import pytest

from people.models import Membership, Organisation
from tests.contracts.factories import (
    AwardedContractFactory,
    CommitmentFactory,
    CommunityGroupFactory,
    ContractFactory,
    DeliveryReturnFactory,
    SupplierFactory,
)
from tests.objectives.factories import TargetFactory
from tests.people.factories import OrganisationFactory
from tests.places.factories import AreaFactory, PlaceFactory

Role = Membership.Role


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded evidence goes to a throwaway folder, never the project's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def contract_factory(db):
    return ContractFactory


@pytest.fixture
def awarded_contract_factory(db):
    return AwardedContractFactory


@pytest.fixture
def commitment_factory(db):
    return CommitmentFactory


@pytest.fixture
def return_factory(db):
    return DeliveryReturnFactory


@pytest.fixture
def world(place, council, officer, make_member):
    """An awarded contract in delivery terms, with one person per row of the permission
    matrix, a rival supplier with its own contract, and an objective whose target counts the
    commitment's measure."""
    ward = AreaFactory(place=place, kind="ward", name="Castle Hill")
    neighbourhood = AreaFactory(place=place, kind="neighbourhood", name="Keep Lane", parent=ward)
    supplier = SupplierFactory(name="Acme Ltd")
    rival = SupplierFactory(name="Rival Ltd", size=Organisation.Size.LARGE)
    group = CommunityGroupFactory(name="Castle Hill Pantry", areas=[ward])
    elsewhere = OrganisationFactory(
        name="Elsewhere Council",
        kind=Organisation.Kind.LOCAL_AUTHORITY,
        place=PlaceFactory(name="Elsewhere", slug="elsewhere"),
    )
    contract = AwardedContractFactory(
        place=place, buyer=council, owner=officer, supplier=supplier, reference="C-ACME"
    )
    commitment = CommitmentFactory(contract=contract, area=ward)
    rival_contract = AwardedContractFactory(
        place=place, buyer=council, owner=officer, supplier=rival, reference="C-RIVAL"
    )
    rival_commitment = CommitmentFactory(
        contract=rival_contract,
        area=ward,
        measure=commitment.measure,
        objective=commitment.objective,
    )
    target = TargetFactory(
        objective=commitment.objective,
        measure=commitment.measure,
        baseline_date=contract.contract_start,
        target_date=contract.contract_end,
        target_quantity=commitment.quantity,
    )
    return SimpleNamespace(
        place=place,
        council=council,
        ward=ward,
        neighbourhood=neighbourhood,
        supplier=supplier,
        rival=rival,
        group=group,
        contract=contract,
        commitment=commitment,
        measure=commitment.measure,
        objective=commitment.objective,
        target=target,
        period=contract.periods.order_by("start").first(),
        periods=list(contract.periods.order_by("start")),
        rival_contract=rival_contract,
        rival_commitment=rival_commitment,
        officer=officer,
        colleague=make_member(council, Role.OFFICER, full_name="Colin Colleague"),
        leader=make_member(council, Role.LEADER, full_name="Lena Leader"),
        supplier_contact=make_member(supplier, Role.SUPPLIER_CONTACT, full_name="Sam Supplier"),
        rival_contact=make_member(rival, Role.SUPPLIER_CONTACT, full_name="Rita Rival"),
        vcs_member=make_member(group, Role.MEMBER, full_name="Val Volunteer"),
        outsider=make_member(elsewhere, Role.OFFICER, full_name="Otto Outsider"),
    )
