"""Design point: a subcontractor saw the main supplier's beneficiary references on a return.

Decided: a return's evidence (its description of what was delivered and for whom, its
beneficiary references, its files, and the query and answer about them) is seen only by those
who may see that return's evidence (`contracts.view_return_evidence`, the same rule as
downloading its files): the buying organisation's officers and the contacts of the supplier
reporting the return. Everyone else who may open the return (leaders, a subcontractor, another
subcontractor, the buyer's organisation admin) sees its quantity and status, and that evidence
is held. The supported community group sees only the description of the support it confirms.
"""

import pytest
from django.urls import reverse

from contracts import services
from contracts.models import DeliveryReturn
from people.models import Membership
from socialvalue.rules import allowed
from tests.contracts.factories import (
    CommitmentFactory,
    DeliveryReturnFactory,
    EvidenceFileFactory,
    SupplierFactory,
)
from tests.people.factories import MembershipFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role
REFERENCE = "APP-JB-0001"
EVIDENCE = "Jo Bloggs started her apprenticeship on 1 May"
QUESTION = "Is Jo Bloggs the apprentice on the other contract?"


@pytest.fixture
def returns(world):
    """The main supplier's return (with references, evidence and a query), and a return by a
    subcontractor delivering its own commitment; a second subcontractor on the contract."""
    contract = world.contract
    sub, other_sub = SupplierFactory(name="Sub Ltd"), SupplierFactory(name="Other Sub Ltd")
    contract.subcontractors.add(sub, other_sub)
    people = dict(world.users)
    people["sub_contact"] = MembershipFactory(organisation=sub, role=Role.SUPPLIER_CONTACT).user
    people["other_sub_contact"] = MembershipFactory(
        organisation=other_sub, role=Role.SUPPLIER_CONTACT
    ).user
    main = world.delivery_return
    DeliveryReturn.objects.filter(pk=main.pk).update(
        beneficiary_references=REFERENCE, evidence_text=EVIDENCE
    )
    main = services.return_query(delivery_return=main, by=world.users["officer"], question=QUESTION)
    sub_commitment = CommitmentFactory(
        contract=contract,
        delivered_by=sub,
        measure=world.measure,
        objective=world.objective,
        area=world.ward,
    )
    sub_return = DeliveryReturnFactory(
        commitment=sub_commitment,
        period=world.commitment.contract.periods.order_by("start").first(),
        submitted_by=people["sub_contact"],
        beneficiary_references=REFERENCE + "-SUB",
        evidence_text=EVIDENCE + " (subcontract)",
    )
    EvidenceFileFactory(delivery_return=sub_return, uploaded_by=people["sub_contact"])
    return {"people": people, "main": main, "sub": sub_return}


def _page(client, user, r):
    client.force_login(user)
    return client.get(reverse("contracts:return_detail", kwargs={"pk": r.pk}))


def test_a_subcontractor_does_not_see_the_main_suppliers_references(client, returns):
    """The reported finding."""
    page = _page(client, returns["people"]["sub_contact"], returns["main"])
    assert page.status_code == 200  # the return itself: quantity and status
    html = page.content.decode()
    assert REFERENCE not in html
    assert "Jo Bloggs" not in html
    assert "evidence is held" not in html and "1 file held, with a description" in html


@pytest.mark.parametrize("which", ["main", "sub"])
@pytest.mark.parametrize(
    "who",
    [
        "officer",
        "org_admin",
        "leader",
        "supplier_contact",
        "sub_contact",
        "other_sub_contact",
        "superuser",
    ],
)
def test_a_returns_evidence_shows_exactly_where_the_rule_allows(client, returns, which, who):
    """The family: whoever opens a return page, its references, description, files and query
    appear exactly when the rule allows, and the rule agrees with its queryset form."""
    r, user = returns[which], returns["people"][who]
    page = _page(client, user, r)
    if page.status_code == 404:
        assert not allowed(user, "contracts.view_return_evidence", r)
        return
    html = page.content.decode()
    may = allowed(user, "contracts.view_return_evidence", r)
    assert may == DeliveryReturn.objects.evidence_downloadable_by(user).filter(pk=r.pk).exists()
    shown = {
        "references": r.beneficiary_references in html,
        "evidence": "Jo Bloggs" in html,
        "files": "/returns/files/" in html,
        "query": QUESTION.replace("'", "&#x27;") in html if which == "main" else may,
    }
    assert shown == dict.fromkeys(shown, may), f"{who} on the {which} return"


def test_the_supported_group_sees_only_the_support_it_confirms(client, returns, world):
    client.force_login(world.users["vcs_member"])
    page = client.get(reverse("contracts:return_confirm", kwargs={"pk": returns["main"].pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert REFERENCE not in html and QUESTION not in html
