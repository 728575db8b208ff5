"""The pipeline and assessment pages: who may open what, the task list, and query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts import services
from contracts.models import Assessment, Contract
from people.models import Membership, Organisation
from tests.contracts.pipeline_helpers import (
    ANSWERS,
    approved_contract,
    complete_assessment,
    make_contract,
)
from tests.people.factories import OrganisationFactory
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def cast(council, make_member, place):
    """One person per row of the permission matrix."""
    vcs = OrganisationFactory(name="Pantry", kind=Organisation.Kind.VCS, place=None)
    supplier = OrganisationFactory(name="Acme", kind=Organisation.Kind.SUPPLIER, place=None)
    elsewhere = OrganisationFactory(
        name="Elsewhere Council", kind="local_authority", place=PlaceFactory(name="Elsewhere")
    )
    return {
        "officer": make_member(council, Role.OFFICER, full_name="Olive Officer"),
        "colleague": make_member(council, Role.OFFICER, full_name="Colin Colleague"),
        "leader": make_member(council, Role.LEADER, full_name="Lena Leader"),
        "vcs": make_member(vcs, Role.MEMBER),
        "supplier": make_member(supplier, Role.SUPPLIER_CONTACT),
        "outsider": make_member(elsewhere, Role.OFFICER),
    }


# role -> status for: list, detail, edit, assessment task list
MATRIX = {
    "officer": (200, 200, 200, 200),
    "leader": (200, 200, 403, 200),
    "vcs": (200, 404, 404, 404),
    "supplier": (200, 404, 404, 404),
    "outsider": (200, 404, 404, 404),
}


@pytest.mark.parametrize("role", MATRIX)
def test_permission_matrix(client, cast, council, role):
    contract = make_contract(buyer=council, by=cast["officer"])
    assessment = services.assessment_start(contract=contract, by=cast["officer"])
    client.force_login(cast[role])
    urls = [
        reverse("contracts:contract_list"),
        contract.get_absolute_url(),
        reverse("contracts:contract_update", kwargs={"pk": contract.pk}),
        assessment.get_absolute_url(),
    ]
    assert tuple(client.get(url).status_code for url in urls) == MATRIX[role]


def test_a_supplier_sees_no_contracts_before_award(client, cast, council):
    make_contract(buyer=council, by=cast["officer"])
    client.force_login(cast["supplier"])
    response = client.get(reverse("contracts:contract_list"))
    assert list(response.context["contracts"]) == []


def test_anonymous_is_sent_to_sign_in(client, cast, council):
    contract = make_contract(buyer=council, by=cast["officer"])
    response = client.get(contract.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login"))


def test_officer_creates_a_contract_and_sees_specific_errors(client, cast, council):
    client.force_login(cast["officer"])
    url = reverse("contracts:contract_create")
    response = client.post(url, {"reference": "", "estimated_value": "-5"})
    content = response.content.decode()
    assert "Enter the contract&#x27;s reference" in content
    assert "The estimated value cannot be negative" in content
    assert not Contract.objects.exists()
    response = client.post(
        url,
        {
            "reference": "WBC-042",
            "title": "Grounds maintenance",
            "buyer": council.pk,
            "category": "services",
            "estimated_value": "250000",
            "procedure": "open",
        },
    )
    contract = Contract.objects.get()
    assert response.status_code == 302 and response["Location"] == contract.get_absolute_url()
    assert contract.owner == cast["officer"]


def test_task_list_shows_each_sections_status(client, cast, council):
    contract = make_contract(buyer=council, by=cast["officer"])
    assessment = services.assessment_start(contract=contract, by=cast["officer"])
    services.assessment_save_section(
        assessment=assessment, section="urgency", by=cast["officer"], **ANSWERS["urgency"]
    )
    client.force_login(cast["officer"])
    response = client.get(assessment.get_absolute_url())
    statuses = {t["key"]: t["status"] for t in response.context["tasks"]}
    assert statuses["urgency"] == "Completed"
    assert statuses["wellbeing"] == "Not yet started"
    assert b"You have completed 1 of 6 sections" in response.content


def test_a_section_form_saves_and_returns_to_the_task_list(client, cast, council):
    contract = make_contract(buyer=council, by=cast["officer"])
    assessment = services.assessment_start(contract=contract, by=cast["officer"])
    client.force_login(cast["officer"])
    url = reverse(
        "contracts:assessment_section",
        kwargs={"pk": contract.pk, "version": 1, "section": "wellbeing"},
    )
    response = client.post(url, {"economic_relevant": "True", "economic_how": "", "revision": 0})
    assert "Say whether the contract could improve social well-being" in (response.content.decode())
    response = client.post(
        url,
        {
            "economic_relevant": "True",
            "social_relevant": "False",
            "environmental_relevant": "True",
            "revision": 0,
        },
    )
    content = response.content.decode()
    assert "Explain how it could improve economic well-being" in content
    assert "Explain why social well-being is not relevant" in content
    assessment.refresh_from_db()
    assert assessment.completed_sections == []
    response = client.post(
        url,
        {
            "economic_relevant": "True",
            "economic_how": "Jobs",
            "social_relevant": "False",
            "social_how": "Not relevant to waste collection",
            "environmental_relevant": "True",
            "environmental_how": "Electric vehicles",
            "revision": 0,
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.completed_sections == ["wellbeing"]
    assert assessment.social_relevant is False


def test_weighting_below_ten_percent_warns_but_does_not_block(client, cast, council):
    contract = make_contract(buyer=council, by=cast["officer"])
    assessment = complete_assessment(contract, author=cast["officer"])
    services.assessment_save_section(
        assessment=assessment,
        section="evaluation",
        by=cast["officer"],
        weighting_percent=5,
        evaluation_questions="Q",
    )
    client.force_login(cast["officer"])
    response = client.get(
        reverse("contracts:assessment_check", kwargs={"pk": contract.pk, "version": 1})
    )
    assert b"below the 10% central government must use" in response.content
    response = client.post(
        reverse("contracts:assessment_check", kwargs={"pk": contract.pk, "version": 1})
    )
    assert response.status_code == 302
    assert Assessment.objects.get().status == Assessment.Status.SUBMITTED


def test_the_author_is_refused_sign_off_and_a_colleague_may(client, cast, council):
    contract = make_contract(buyer=council, by=cast["officer"])
    assessment = complete_assessment(contract, author=cast["officer"])
    services.assessment_submit(assessment=assessment, by=cast["officer"])
    url = reverse("contracts:assessment_sign_off", kwargs={"pk": contract.pk, "version": 1})
    client.force_login(cast["officer"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "approve"}).status_code == 403
    client.force_login(cast["colleague"])
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED
    assert assessment.approved_by == cast["colleague"]


def test_a_leader_may_send_it_back_with_a_reason(client, cast, council):
    contract = make_contract(buyer=council, by=cast["officer"])
    assessment = complete_assessment(contract, author=cast["officer"])
    services.assessment_submit(assessment=assessment, by=cast["officer"])
    client.force_login(cast["leader"])
    url = reverse("contracts:assessment_sign_off", kwargs={"pk": contract.pk, "version": 1})
    response = client.post(url, {"decision": "return", "reason": ""})
    assert "Explain what needs to change" in response.content.decode()
    client.post(url, {"decision": "return", "reason": "Say more about consultation"})
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    assert assessment.returned_reason == "Say more about consultation"


def test_procurement_start_page_records_compliance(client, cast, council):
    contract = approved_contract(buyer=council, author=cast["officer"], approver=cast["colleague"])
    client.force_login(cast["officer"])
    today = timezone.localdate()
    response = client.post(
        reverse("contracts:procurement_start", kwargs={"pk": contract.pk}),
        {
            "started_on_0": today.day,
            "started_on_1": today.month,
            "started_on_2": today.year,
        },
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.s1_compliance == Contract.Compliance.COMPLIANT


def test_a_procurement_start_before_approval_is_recorded_with_a_warning(client, cast, council):
    """Recorded as not compliant with section 1, and said so as a warning, not a success."""
    from django.contrib import messages

    contract = approved_contract(buyer=council, author=cast["officer"], approver=cast["colleague"])
    client.force_login(cast["officer"])
    approved_on = timezone.localtime(contract.assessments.get().approved_at).date()
    before = approved_on - datetime.timedelta(days=30)
    response = client.post(
        reverse("contracts:procurement_start", kwargs={"pk": contract.pk}),
        {"started_on_0": before.day, "started_on_1": before.month, "started_on_2": before.year},
        follow=True,
    )
    contract.refresh_from_db()
    assert contract.s1_compliance == Contract.Compliance.NON_COMPLIANT
    [message] = list(response.context["messages"])
    assert message.level == messages.WARNING
    assert "not compliant with section 1" in message.message


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def test_list_query_count_is_the_same_for_1_and_50_contracts(client, cast, council):
    client.force_login(cast["officer"])
    make_contract(buyer=council, by=cast["officer"], reference="C-0")
    one = _queries(client, reverse("contracts:contract_list"))
    for i in range(1, 50):
        make_contract(buyer=council, by=cast["officer"], reference=f"C-{i}")
    assert _queries(client, reverse("contracts:contract_list")) == one


def test_detail_and_assessment_query_counts_do_not_grow(client, cast, council):
    client.force_login(cast["officer"])
    contract = approved_contract(buyer=council, author=cast["officer"], approver=cast["colleague"])
    first = contract.assessments.get()
    detail = _queries(client, contract.get_absolute_url())
    answers = _queries(client, first.get_absolute_url())
    for _ in range(3):
        latest = contract.assessments.order_by("-version").first()
        new = services.assessment_reopen(assessment=latest, by=cast["officer"])
        services.assessment_submit(assessment=new, by=cast["officer"])
        services.assessment_approve(assessment=new, by=cast["colleague"])
    assert _queries(client, contract.get_absolute_url()) == detail
    assert _queries(client, first.get_absolute_url()) == answers
