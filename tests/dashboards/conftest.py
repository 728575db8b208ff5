"""A small, hand-computable world for the dashboard's figures.

Testborough has two wards. Ward W1 holds neighbourhoods N1 (with LSOA L1 inside it) and N2;
ward W2 has no neighbourhood. The framework has one theme per outcome:

- M1 (outcome OC1, theme T1, social): proxy £100 per unit, source "Source A" 2025
- M2 (outcome OC1): no proxy value
- M3 (outcome OC2, theme T2, economic): proxy £10, source "Source B" 2024, retired after use

Objectives: O1 active (OC1, social) in N1; O2 active (OC2, economic) in N2, served by nothing
(a gap); O3 a draft (OC1) in N1; O4 active (OC2) in W2, served by C2.

Contracts (all Testborough's):

- C1 bought by the council, award £1,000, compliant, weighting 20%. Commitments:
  K1 M1 ×10 in L1 for O1 by the supplier: P1 verified 4, P2 submitted 3;
  K2 M2 ×5 in N1 for O1 by a subcontractor: P1 verified 2.
- C2 bought by the NHS body, award £3,000, no assessment at all (non-compliant). Commitment
  K3 M3 ×20 in W2 for O4: P1 verified 5, P2 rejected 7.
- C3 bought by the council, award £500, not in scope of the Act (exempt).
- C4 in planning: counts nowhere.

P1 and P2 are each contract's first two reporting periods (both started).
"""

import datetime
import sys
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from contracts.models import Assessment, Contract, DeliveryReturn
from dashboards import figures
from objectives.models import Objective
from people.models import Membership, Organisation
from tests.contracts.factories import (
    AwardedContractFactory,
    CommitmentFactory,
    ContractFactory,
    DeliveryReturnFactory,
    SupplierFactory,
)
from tests.objectives.factories import (
    FrameworkFactory,
    MeasureFactory,
    ObjectiveFactory,
    OutcomeFactory,
    TargetFactory,
    ThemeFactory,
)
from tests.people.factories import OrganisationFactory
from tests.places.factories import AreaFactory

Role = Membership.Role
V = DeliveryReturn.Status


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _return(commitment, index, quantity, status):
    period = commitment.contract.periods.order_by("start")[index]
    return DeliveryReturnFactory(
        commitment=commitment,
        period=period,
        quantity=Decimal(quantity),
        status=status,
        decided_at=timezone.now() if status != V.SUBMITTED else None,
    )


@pytest.fixture
def world(place, council, make_member):
    nhs = OrganisationFactory(name="Testborough NHS", kind=Organisation.Kind.NHS, place=place)
    w1 = AreaFactory(place=place, kind="ward", name="W1", gss_code="E05000001", gss_year=2024)
    w2 = AreaFactory(place=place, kind="ward", name="W2", gss_code="E05000002", gss_year=2024)
    n1 = AreaFactory(place=place, kind="neighbourhood", name="N1", parent=w1)
    n2 = AreaFactory(place=place, kind="neighbourhood", name="N2", parent=w1)
    l1 = AreaFactory(
        place=place, kind="lsoa", name="L1", parent=n1, gss_code="E01000001", gss_year=2021
    )
    framework = FrameworkFactory(place=place)
    t1 = ThemeFactory(framework=framework, name="T1")
    t2 = ThemeFactory(framework=framework, name="T2")
    oc1 = OutcomeFactory(theme=t1, name="OC1", economic=False, social=True)
    oc2 = OutcomeFactory(theme=t2, name="OC2", economic=True)
    m1 = MeasureFactory(
        outcome=oc1,
        code="M1",
        unit="starts",
        proxy_value=Decimal("100"),
        proxy_source="Source A",
        proxy_year=2025,
    )
    m2 = MeasureFactory(outcome=oc1, code="M2", unit="hours")
    m3 = MeasureFactory(
        outcome=oc2,
        code="M3",
        unit="tonnes",
        proxy_value=Decimal("10"),
        proxy_source="Source B",
        proxy_year=2024,
    )
    active = Objective.Status.ACTIVE
    o1 = ObjectiveFactory(
        outcome=oc1,
        place=place,
        title="O1 active",
        status=active,
        social=True,
        lead_organisation=council,
        areas=[n1],
    )
    o2 = ObjectiveFactory(
        outcome=oc2,
        place=place,
        title="O2 unserved",
        status=active,
        economic=True,
        social=False,
        lead_organisation=council,
        areas=[n2],
    )
    o3 = ObjectiveFactory(
        outcome=oc1, place=place, title="O3 secret draft", lead_organisation=council, areas=[n1]
    )
    o4 = ObjectiveFactory(
        outcome=oc2,
        place=place,
        title="O4 active",
        status=active,
        economic=True,
        social=False,
        lead_organisation=nhs,
        areas=[w2],
    )
    supplier = SupplierFactory(name="Acme Supplies Ltd")
    sub = SupplierFactory(name="Subco Ltd")
    c1 = AwardedContractFactory(
        place=place, buyer=council, supplier=supplier, reference="C1", award_value=Decimal("1000")
    )
    Assessment.objects.filter(contract=c1).update(
        weighting_percent=Decimal("20"),
        economic_relevant=True,
        social_relevant=True,
        environmental_relevant=False,
        lever_contract_conditions="Quarterly returns",
    )
    c1.subcontractors.add(sub)
    c2 = AwardedContractFactory(
        place=place,
        buyer=nhs,
        reference="C2",
        assessment=False,
        award_value=Decimal("3000"),
        s1_compliance=Contract.Compliance.NON_COMPLIANT,
    )
    c3 = AwardedContractFactory(
        place=place,
        buyer=council,
        reference="C3",
        assessment=False,
        award_value=Decimal("500"),
        not_in_scope=True,
        not_in_scope_reason="Goods only",
        s1_compliance=Contract.Compliance.EXEMPT,
    )
    c4 = ContractFactory(place=place, buyer=council, reference="C4")
    k1 = CommitmentFactory(contract=c1, measure=m1, quantity=Decimal("10"), area=l1, objective=o1)
    k2 = CommitmentFactory(
        contract=c1, measure=m2, quantity=Decimal("5"), area=n1, objective=o1, delivered_by=sub
    )
    k3 = CommitmentFactory(contract=c2, measure=m3, quantity=Decimal("20"), area=w2, objective=o4)
    m3.retired_at = timezone.now()
    m3.save()
    _return(k1, 0, 4, V.VERIFIED)
    _return(k1, 1, 3, V.SUBMITTED)
    _return(k2, 0, 2, V.VERIFIED)
    _return(k3, 0, 5, V.VERIFIED)
    _return(k3, 1, 7, V.REJECTED)
    TargetFactory(
        objective=o1,
        measure=m1,
        target_quantity=Decimal("6"),
        baseline_date=timezone.localdate() - datetime.timedelta(days=100),
        target_date=timezone.localdate() + datetime.timedelta(days=100),
    )
    leader = make_member(council, Role.LEADER, email="leader@example.org", full_name="Lena Leader")
    officer = make_member(
        council, Role.OFFICER, email="officer@example.org", full_name="Olly Officer"
    )
    return SimpleNamespace(**locals())


@pytest.fixture
def patch_figure(monkeypatch):
    """`patch(name, replacement)`: replace a figure wherever it is looked up — through the
    `dashboards.figures` package (as the pages do) and in the package's own modules, which call
    one another's figures directly — so a test that refuses a figure sees every call of it."""

    def patch(name: str, replacement) -> None:
        original = getattr(figures, name)
        for module_name, module in list(sys.modules.items()):
            in_package = module_name == figures.__name__ or module_name.startswith(
                figures.__name__ + "."
            )
            if in_package and getattr(module, name, None) is original:
                monkeypatch.setattr(module, name, replacement)

    return patch
