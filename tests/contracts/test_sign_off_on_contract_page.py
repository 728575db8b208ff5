"""Signing off an assessment from the contract page (issue 17: "the contract page has no
sign-off button"): the approve / send back form is on the page for exactly the people the rule
`contracts.approve_assessment` allows, and posts to the one sign-off view (same service, same
two-factor step)."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from contracts import services
from contracts.models import Assessment
from people.models import Membership
from socialvalue.rules import allowed
from tests.contracts.pipeline_helpers import complete_assessment, make_contract

pytestmark = pytest.mark.django_db
Role = Membership.Role
FORM = 'id="sign-off"'


@pytest.fixture
def submitted(council, officer):
    contract = make_contract(buyer=council, by=officer)
    assessment = complete_assessment(contract, author=officer)
    services.assessment_submit(assessment=assessment, by=officer)
    assessment.refresh_from_db()
    return assessment


def page(client, user, contract) -> str:
    client.force_login(user)
    response = client.get(contract.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_leader_signs_off_from_the_contract_page(client, council, make_member, submitted):
    leader = make_member(council, Role.LEADER)
    html = page(client, leader, submitted.contract)
    action = reverse(
        "contracts:assessment_sign_off",
        kwargs={"pk": submitted.contract.pk, "version": submitted.version},
    )
    assert FORM in html and f'action="{action}"' in html
    response = client.post(action, {"decision": "approve", "reason": ""})
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == submitted.contract.get_absolute_url()
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.APPROVED and submitted.approved_by == leader


def test_sending_back_without_a_decision_says_so(client, council, make_member, submitted):
    leader = make_member(council, Role.LEADER)
    page(client, leader, submitted.contract)
    url = reverse(
        "contracts:assessment_sign_off",
        kwargs={"pk": submitted.contract.pk, "version": submitted.version},
    )
    response = client.post(url, {})
    assert "Choose whether to approve or send it back" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED


def test_the_form_is_shown_exactly_to_those_the_rule_allows(
    client, council, officer, make_member, submitted
):
    """The family: the form's presence follows the rule, for every kind of person."""
    from tests.contracts.factories import SupplierFactory

    people = {
        "author": officer,
        "colleague officer": make_member(council, Role.OFFICER),
        "leader": make_member(council, Role.LEADER),
        "org admin only": make_member(council, Role.ORG_ADMIN),
        "supplier contact": make_member(SupplierFactory(), Role.SUPPLIER_CONTACT),
    }
    seen = {}
    for name, person in people.items():
        client.force_login(person)
        response = client.get(submitted.contract.get_absolute_url())
        shown = response.status_code == 200 and FORM in response.content.decode()
        assert shown == allowed(person, "contracts.approve_assessment", submitted), name
        seen[name] = shown
    assert seen["leader"] and seen["colleague officer"] and not seen["author"]


def test_the_form_goes_once_the_assessment_is_decided(client, council, make_member, submitted):
    leader = make_member(council, Role.LEADER)
    services.assessment_approve(assessment=submitted, by=leader)
    assert FORM not in page(client, leader, submitted.contract)


def test_where_two_factor_is_required_signing_off_from_the_page_asks_for_it(
    client, council, place, make_member, submitted
):
    place.two_factor_required = True
    place.save()
    leader = make_member(council, Role.LEADER)
    client.force_login(leader)
    url = reverse(
        "contracts:assessment_sign_off",
        kwargs={"pk": submitted.contract.pk, "version": submitted.version},
    )
    response = client.post(
        url,
        {"decision": "approve"},
        HTTP_REFERER=f"http://testserver{submitted.contract.get_absolute_url()}",
    )
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("people:two_factor_setup")
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED
