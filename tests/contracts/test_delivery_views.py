"""The award, commitment and return pages: who may open what, bad input refused with a
message and nothing changed, evidence files, notifications, and query counts."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts import services
from contracts.models import Commitment, Contract, DeliveryReturn, EvidenceFile, ReportingPeriod
from contracts.views.delivery import ReturnListView, delivery_context
from people.models import Organisation
from socialvalue.uploads import MAX_UPLOAD_BYTES
from tests.contracts.factories import (
    TINY_PDF,
    AwardedContractFactory,
    CommitmentFactory,
    ContractFactory,
    DeliveryReturnFactory,
    EvidenceFileFactory,
    KpiFactory,
    PerformanceAssessmentFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db
Status = DeliveryReturn.Status
ROLES = ["anonymous", "vcs_member", "supplier_contact", "rival_contact", "officer", "outsider",
         "leader"]  # fmt: skip


def login(client, world, role):
    if role != "anonymous":
        client.force_login(getattr(world, role))


# The permission matrix ------------------------------------------------------------------------

# (method, url name, which object) -> expected status per role, in ROLES order.
MANAGE = (302, 404, 403, 404, 200, 404, 403)
SEE = (302, 404, 200, 404, 200, 404, 200)
SUBMIT = (302, 404, 200, 404, 200, 404, 403)
DECIDE = (302, 404, 403, 404, 200, 404, 403)
# Evidence files: not for leaders, who see the return and a count of its files (404, not found).
DOWNLOAD = (302, 404, 200, 404, 200, 404, 404)
MATRIX = {
    ("get", "contract_award", "contract"): MANAGE,
    ("get", "subcontractor_create", "contract"): MANAGE,
    ("get", "kpi_create", "contract"): MANAGE,
    ("get", "rating_create", "contract"): MANAGE,
    ("get", "commitment_create", "contract"): MANAGE,
    ("get", "commitment_detail", "commitment"): SEE,
    ("post", "commitment_recovery", "commitment"): SUBMIT,
    ("get", "return_create", "commitment"): SUBMIT,
    ("get", "return_list", None): (302, 200, 200, 200, 200, 200, 200),
    ("get", "return_detail", "submitted"): SEE,
    ("post", "return_verify", "submitted"): DECIDE,
    ("post", "return_query", "submitted"): DECIDE,
    ("post", "return_reject", "submitted"): DECIDE,
    ("post", "return_answer", "queried"): SUBMIT,
    ("get", "return_confirm", "submitted"): (302, 200, 403, 404, 403, 404, 403),
    ("get", "evidence_download", "file"): DOWNLOAD,
}


@pytest.fixture
def objects(world):
    submitted = DeliveryReturnFactory(
        commitment=world.commitment,
        period=world.periods[0],
        submitted_by=world.supplier_contact,
        supported_group=world.group,
    )
    queried = DeliveryReturnFactory(
        commitment=world.commitment,
        period=world.periods[1],
        submitted_by=world.supplier_contact,
        status=Status.QUERIED,
        query="Which site?",
    )
    return {
        "contract": world.contract,
        "commitment": world.commitment,
        "submitted": submitted,
        "queried": queried,
        "file": EvidenceFileFactory(delivery_return=submitted),
    }


@pytest.mark.parametrize(("method", "name", "target"), list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, objects, method, name, target, role):
    expected = MATRIX[(method, name, target)][ROLES.index(role)]
    login(client, world, role)
    kwargs = {"pk": objects[target].pk} if target else {}
    response = getattr(client, method)(reverse(f"contracts:{name}", kwargs=kwargs))
    assert response.status_code == expected, (role, name)
    if expected == 302:
        assert response["Location"].startswith(reverse("people:login"))
    # Nothing was changed by any of these requests.
    objects["submitted"].refresh_from_db()
    assert objects["submitted"].status == Status.SUBMITTED


def test_suppliers_see_only_their_own_contracts_and_vcs_members_none(client, world, objects):
    client.force_login(world.rival_contact)
    page = client.get(reverse("contracts:return_list")).content.decode()
    assert "C-RIVAL" in page and "C-ACME" not in page
    client.force_login(world.vcs_member)
    response = client.get(reverse("contracts:return_list"))
    assert response.context["rows"] == [] and response.context["to_verify"] == []
    assert "You have no commitments to report on" in response.content.decode()


# Award ----------------------------------------------------------------------------------------


def _date(prefix, value: datetime.date) -> dict:
    return {f"{prefix}_0": value.day, f"{prefix}_1": value.month, f"{prefix}_2": value.year}


@pytest.fixture
def tendering(world):
    return ContractFactory(
        place=world.place,
        buyer=world.council,
        owner=world.officer,
        stage=Contract.Stage.PROCUREMENT_STARTED,
        procurement_started_on=timezone.localdate() - datetime.timedelta(days=60),
        reference="C-TENDER",
    )


def award_data(**overrides):
    today = timezone.localdate()
    data = {
        "existing": "",
        "new_name": "Brand New Cleaning CIC",
        "new_size": "sme",
        "new_is_vcse": "on",
        "award_value": "1,250,000.00".replace(",", ""),
        **_date("awarded_on", today - datetime.timedelta(days=5)),
        **_date("contract_start", today),
        **_date("contract_end", today + datetime.timedelta(days=365)),
    }
    data.update(overrides)
    return data


def test_an_officer_awards_to_a_supplier_registered_inline(client, world, tendering):
    client.force_login(world.officer)
    url = reverse("contracts:contract_award", kwargs={"pk": tendering.pk})
    page = client.get(url)
    assert "contracts/award_form.html" in [t.name for t in page.templates]
    response = client.post(url, award_data())
    assert response.status_code == 302 and response["Location"] == tendering.get_absolute_url()
    tendering.refresh_from_db()
    supplier = tendering.supplier
    assert (supplier.name, supplier.kind, supplier.size, supplier.is_vcse) == (
        "Brand New Cleaning CIC",
        Organisation.Kind.SUPPLIER,
        "sme",
        True,
    )
    assert tendering.stage == Contract.Stage.AWARDED
    assert tendering.award_value == Decimal("1250000.00")
    quarters = services.quarters(tendering.contract_start, tendering.contract_end)
    assert ReportingPeriod.objects.filter(contract=tendering).count() == len(quarters)


def test_an_officer_awards_to_an_existing_supplier(client, world, tendering):
    client.force_login(world.officer)
    url = reverse("contracts:contract_award", kwargs={"pk": tendering.pk})
    response = client.post(url, award_data(existing=world.rival.pk, new_name=""))
    assert response.status_code == 302
    tendering.refresh_from_db()
    assert tendering.supplier == world.rival


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"new_name": ""}, "existing", "Choose the supplier, or register a new one below"),
        ("both", "new_name", "Choose a registered supplier or register a new one, not both"),
        ({"new_name": "acme ltd"}, "new_name", "already registered. Choose it from the list"),
        ({"new_size": ""}, "new_size", "Say whether the new supplier is an SME or large"),
        ({"award_value": "lots"}, "award_value", "Enter the award value as an amount of money"),
        ({"award_value": "-5"}, "award_value", "The award value cannot be negative"),
        ("end_before_start", "contract_end", "The contract end date must be after its start"),
        ("future_award", "awarded_on", "The award date cannot be in the future"),
    ],
)
def test_bad_awards_are_refused_and_nothing_is_created(
    client, world, tendering, overrides, field, message
):
    today = timezone.localdate()
    if overrides == "both":
        overrides = {"existing": world.rival.pk}
    elif overrides == "end_before_start":
        overrides = _date("contract_end", today - datetime.timedelta(days=1))
    elif overrides == "future_award":
        overrides = _date("awarded_on", today + datetime.timedelta(days=3))
    client.force_login(world.officer)
    organisations = Organisation.objects.count()
    response = client.post(
        reverse("contracts:contract_award", kwargs={"pk": tendering.pk}), award_data(**overrides)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Organisation.objects.count() == organisations
    tendering.refresh_from_db()
    assert tendering.stage == Contract.Stage.PROCUREMENT_STARTED


def test_an_awarded_contract_cannot_be_awarded_again_and_the_new_supplier_is_not_kept(
    client, world
):
    client.force_login(world.officer)
    organisations = Organisation.objects.count()
    response = client.post(
        reverse("contracts:contract_award", kwargs={"pk": world.contract.pk}), award_data()
    )
    assert response.status_code == 200
    assert "Only a contract whose procurement has started can be awarded" in (
        response.content.decode()
    )
    assert Organisation.objects.count() == organisations  # rolled back with the award
    world.contract.refresh_from_db()
    assert world.contract.supplier == world.supplier


# Supply chain, KPIs, ratings ------------------------------------------------------------------


def test_subcontractor_kpi_and_rating_are_added_and_shown(client, world):
    client.force_login(world.officer)
    pk = world.contract.pk
    response = client.post(
        reverse("contracts:subcontractor_create", kwargs={"pk": pk}),
        {"new_name": "Little Helpers", "new_size": "sme"},
    )
    assert response.status_code == 302
    assert world.contract.subcontractors.get().name == "Little Helpers"
    assert (
        client.post(
            reverse("contracts:kpi_create", kwargs={"pk": pk}),
            {"name": "Jobs filled", "target": "9"},
        ).status_code
        == 302
    )
    year_end = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("contracts:rating_create", kwargs={"pk": pk}),
        {**_date("period_end", year_end), "rating": "approaching"},
    )
    assert response.status_code == 302
    html = render_to_string(
        "contracts/_delivery.html", delivery_context(Contract.objects.get(pk=pk), world.officer)
    )
    assert "Little Helpers" in html and "Jobs filled: 9" in html
    assert "Approaching target" in html


def test_a_rating_for_a_year_not_yet_over_is_refused(client, world):
    client.force_login(world.officer)
    response = client.post(
        reverse("contracts:rating_create", kwargs={"pk": world.contract.pk}),
        {
            **_date("period_end", timezone.localdate() + datetime.timedelta(days=30)),
            "rating": "good",
        },
    )
    assert "cannot be in the future" in " ".join(response.context["form"].errors["period_end"])
    assert not world.contract.performance_assessments.exists()


def test_the_supplier_itself_cannot_be_its_own_subcontractor(client, world):
    client.force_login(world.officer)
    page = client.get(reverse("contracts:subcontractor_create", kwargs={"pk": world.contract.pk}))
    assert world.supplier not in page.context["form"].fields["existing"].queryset


def test_contracts_over_five_million_must_show_three_kpis(world):
    Contract.objects.filter(pk=world.contract.pk).update(award_value=Decimal("6000000"))
    contract = Contract.objects.get(pk=world.contract.pk)
    KpiFactory(contract=contract)
    html = render_to_string("contracts/_delivery.html", delivery_context(contract, world.officer))
    assert "needs at least 3 KPIs" in html and "add 2 more" in html
    KpiFactory.create_batch(2, contract=contract)
    html = render_to_string("contracts/_delivery.html", delivery_context(contract, world.officer))
    assert "needs at least 3 KPIs" not in html and "Meets section 52" in html


# Commitments ----------------------------------------------------------------------------------


def commitment_data(world, **overrides):
    contract = world.contract
    data = {
        "measure": world.measure.pk,
        "quantity": "12",
        "area": world.neighbourhood.pk,
        "objective": world.objective.pk,
        "delivered_by": world.supplier.pk,
        **_date("start_date", contract.contract_start),
        **_date("due_date", contract.contract_end),
        "schedule": "quarterly",
    }
    data.update(overrides)
    return data


def test_an_officer_adds_a_commitment_and_sees_its_derived_value(client, world):
    client.force_login(world.officer)
    response = client.post(
        reverse("contracts:commitment_create", kwargs={"pk": world.contract.pk}),
        commitment_data(world),
    )
    commitment = Commitment.objects.latest("pk")
    assert response["Location"] == reverse(
        "contracts:commitment_detail", kwargs={"pk": commitment.pk}
    )
    assert commitment.proxy_value == Decimal("1250.50")
    page = client.get(response["Location"]).content.decode()
    assert "£15,006.00 estimate, for 12 apprenticeship starts" in page
    assert "Testborough proxy values, 2025" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"quantity": "twelve"}, "quantity", "Enter the quantity as a number, like 1,000"),
        ({"quantity": "-1"}, "quantity", "The quantity cannot be negative"),
        ({"quantity": "0"}, "quantity", "The quantity must be more than 0"),
        ({"measure": ""}, "measure", "Choose the measure"),
        ({"area": ""}, "area", "Choose where it will be delivered"),
        ({"delivered_by": "rival"}, "delivered_by", "Select a valid choice"),
    ],
)
def test_bad_commitments_are_refused_in_the_form(client, world, overrides, field, message):
    if overrides.get("delivered_by") == "rival":
        overrides["delivered_by"] = world.rival.pk
    client.force_login(world.officer)
    before = Commitment.objects.count()
    response = client.post(
        reverse("contracts:commitment_create", kwargs={"pk": world.contract.pk}),
        commitment_data(world, **overrides),
    )
    assert message in " ".join(response.context["form"].errors[field])
    assert Commitment.objects.count() == before


def test_double_count_warnings_show_on_the_commitment_and_contract_pages(client, world):
    second = AwardedContractFactory(
        place=world.place, buyer=world.council, supplier=world.supplier, reference="C-TWO"
    )
    CommitmentFactory(
        contract=second, measure=world.measure, area=world.ward, objective=world.objective
    )
    client.force_login(world.officer)
    response = client.post(
        reverse("contracts:commitment_create", kwargs={"pk": world.contract.pk}),
        commitment_data(world, area=world.ward.pk),
        follow=True,
    )
    page = response.content.decode()
    assert "may overlap with another commitment" in page
    assert "govuk-warning-text" in page and "on C-TWO: the same delivery must not" in page
    html = render_to_string(
        "contracts/_delivery.html", delivery_context(world.contract, world.officer)
    )
    assert "Possible double counting" in html and "C-TWO" in html
    # The supplier is not shown other contracts' references.
    html = render_to_string(
        "contracts/_delivery.html", delivery_context(world.contract, world.supplier_contact)
    )
    assert "Possible double counting" not in html


def test_the_delivery_partial_puts_counts_beside_every_pound(world):
    DeliveryReturnFactory(
        commitment=world.commitment, period=world.periods[0], quantity=4, status=Status.VERIFIED
    )
    DeliveryReturnFactory(commitment=world.commitment, period=world.periods[1], quantity=1)
    PerformanceAssessmentFactory(contract=world.contract, rating="requires_improvement")
    context = delivery_context(world.contract, world.supplier_contact)
    row = context["delivery"]["rows"][0]
    assert (row["verified"], row["claimed"]) == (4, 1)
    html = render_to_string(context["delivery_template"], context)
    assert '12 apprenticeship starts<br><span class="govuk-body-s">£15,006.00 estimate' in html
    assert "Requires improvement" in html
    assert "Acme Ltd" in html and "£380,000.00" in html
    assert "Make a return" in html


def test_a_recovery_action_is_asked_for_when_behind(client, world):
    client.force_login(world.supplier_contact)
    url = reverse("contracts:commitment_detail", kwargs={"pk": world.commitment.pk})
    page = client.get(url)
    assert page.context["row"]["status"] == "at_risk"  # 150 days in, nothing verified
    assert page.context["recovery_form"] is not None
    response = client.post(
        reverse("contracts:commitment_recovery", kwargs={"pk": world.commitment.pk}),
        {"action": "Two more starts in September with the college"},
    )
    assert response.status_code == 302
    world.commitment.refresh_from_db()
    assert world.commitment.recovery_action == "Two more starts in September with the college"
    empty = client.post(
        reverse("contracts:commitment_recovery", kwargs={"pk": world.commitment.pk}), {"action": ""}
    )
    assert "Describe the recovery action" in empty.content.decode()


# Returns --------------------------------------------------------------------------------------


def return_data(world, **overrides):
    data = {
        "period": world.periods[0].pk,
        "quantity": "3",
        "evidence_text": "Three starts in June",
        "beneficiary_references": "APP-1\nAPP-2",
        "supported_group": "",
        "attested": "on",
    }
    data.update(overrides)
    return data


def post_return(client, world, follow=False, **overrides):
    return client.post(
        reverse("contracts:return_create", kwargs={"pk": world.commitment.pk}),
        return_data(world, **overrides),
        follow=follow,
    )


def pdf(name="evidence.pdf", content=TINY_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_supplier_submits_a_return_with_a_pdf(client, world):
    client.force_login(world.supplier_contact)
    response = post_return(client, world, file_1=pdf())
    r = DeliveryReturn.objects.get()
    assert response["Location"] == reverse("contracts:return_detail", kwargs={"pk": r.pk})
    assert (r.quantity, r.status, r.submitted_by) == (3, Status.SUBMITTED, world.supplier_contact)
    evidence = r.files.get()
    assert (evidence.original_name, evidence.content_type) == ("evidence.pdf", "application/pdf")
    download = client.get(reverse("contracts:evidence_download", kwargs={"pk": evidence.pk}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == TINY_PDF
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"quantity": "lots"}, "quantity", "Enter the quantity delivered as a number"),
        ({"quantity": "-2"}, "quantity", "The quantity delivered cannot be negative"),
        ({"quantity": ""}, "quantity", "Enter the quantity delivered"),
        ({"evidence_text": ""}, "evidence_text", "Describe the evidence"),
        ({"attested": ""}, "attested", "Confirm the delivery relates only to this contract"),
        ("future_period", "period", "Choose a reporting period that has started"),
        ("disguised", "file_1", "must be a PDF"),
        ("oversize", "file_2", "The file must be smaller than 5 MB"),
        ("executable", "file_3", "must be a PDF"),
        ("duplicate", "period", "A return for this commitment and period already exists"),
    ],
)
def test_bad_returns_are_refused_with_a_message_and_nothing_changes(
    client, world, overrides, field, message
):
    if overrides == "future_period":
        overrides = {"period": world.periods[-1].pk}
    elif overrides == "disguised":
        overrides = {"file_1": pdf(content=b"just some text, not a PDF at all")}
    elif overrides == "oversize":
        overrides = {"file_2": pdf(content=b"%PDF-1.4\n" + b"0" * MAX_UPLOAD_BYTES)}
    elif overrides == "executable":
        overrides = {"file_3": SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 64)}
    elif overrides == "duplicate":
        DeliveryReturnFactory(commitment=world.commitment, period=world.periods[0])
        overrides = {}
    client.force_login(world.supplier_contact)
    returns, files = DeliveryReturn.objects.count(), EvidenceFile.objects.count()
    response = post_return(client, world, **overrides)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "govuk-error-summary" in response.content.decode()
    assert (DeliveryReturn.objects.count(), EvidenceFile.objects.count()) == (returns, files)


def test_returns_on_a_closed_contract_are_refused_with_a_message(client, world):
    Contract.objects.filter(pk=world.contract.pk).update(stage=Contract.Stage.CLOSED)
    client.force_login(world.supplier_contact)
    response = post_return(client, world, follow=True)
    assert "The contract is closed: returns are no longer taken" in response.content.decode()
    assert not DeliveryReturn.objects.exists()


def test_a_supplier_cannot_report_on_another_suppliers_contract(client, world):
    client.force_login(world.rival_contact)
    assert post_return(client, world).status_code == 404
    assert not DeliveryReturn.objects.exists()


def test_naming_a_supported_group_asks_its_members_to_confirm(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.supplier_contact)
    with django_capture_on_commit_callbacks(execute=True):
        post_return(client, world, supported_group=world.group.pk)
    r = DeliveryReturn.objects.get()
    assert [m.to for m in mailoutbox] == [[world.vcs_member.email]]
    confirm_url = reverse("contracts:return_confirm", kwargs={"pk": r.pk})
    assert confirm_url in mailoutbox[0].body
    client.force_login(world.vcs_member)
    page = client.get(confirm_url)
    assert page.status_code == 200 and "Three starts in June" in page.content.decode()
    assert "APP-1" not in page.content.decode()  # references stay with the council
    assert client.post(confirm_url).status_code == 302
    r.refresh_from_db()
    assert r.group_confirmed_by == world.vcs_member


def submitted_return(world, **fields):
    fields.setdefault("submitted_by", world.supplier_contact)
    return DeliveryReturnFactory(commitment=world.commitment, period=world.periods[0], **fields)


def test_an_officer_verifies_and_the_submitter_is_told(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    r = submitted_return(world)
    client.force_login(world.officer)
    page = client.get(reverse("contracts:return_detail", kwargs={"pk": r.pk}))
    assert set(page.context["action_forms"]) == {"verify", "query", "reject"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("contracts:return_verify", kwargs={"pk": r.pk}), {"verify-version": r.version}
        )
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == Status.VERIFIED and r.decided_by == world.officer
    assert [m.to for m in mailoutbox] == [[world.supplier_contact.email]]
    assert "has been verified" in mailoutbox[0].body


def test_a_second_officer_working_from_an_old_page_is_told(client, world):
    r = submitted_return(world)
    services.return_query(delivery_return=r, by=world.colleague, question="Which site?")
    client.force_login(world.officer)
    response = client.post(
        reverse("contracts:return_reject", kwargs={"pk": r.pk}),
        {"reject-version": 1, "reject-reason": "No evidence"},
    )
    assert response.status_code == 200
    assert "Someone else changed this return" in response.content.decode()
    r.refresh_from_db()
    assert (r.status, r.rejection_reason) == (Status.QUERIED, "")


def test_query_and_answer_through_the_pages(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    r = submitted_return(world)
    client.force_login(world.officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("contracts:return_query", kwargs={"pk": r.pk}),
            {"query-version": 1, "query-question": "Which site were they at?"},
        )
    r.refresh_from_db()
    assert r.status == Status.QUERIED
    assert "Which site were they at?" in mailoutbox[0].body
    assert mailoutbox[0].to == [world.supplier_contact.email]

    client.force_login(world.supplier_contact)
    page = client.get(reverse("contracts:return_detail", kwargs={"pk": r.pk}))
    assert set(page.context["action_forms"]) == {"answer"}
    empty = client.post(
        reverse("contracts:return_answer", kwargs={"pk": r.pk}),
        {"answer-version": r.version, "answer-answer": ""},
    )
    assert "Enter your answer to the query" in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("contracts:return_answer", kwargs={"pk": r.pk}),
            {"answer-version": r.version, "answer-answer": "Keep Lane", "answer-quantity": "2"},
        )
    r.refresh_from_db()
    assert (r.status, r.answer, r.quantity) == (Status.SUBMITTED, "Keep Lane", 2)
    assert mailoutbox[-1].to == [world.officer.email]


def test_a_rejection_emails_the_submitter_with_the_reason(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    r = submitted_return(world)
    client.force_login(world.officer)
    empty = client.post(
        reverse("contracts:return_reject", kwargs={"pk": r.pk}),
        {"reject-version": 1, "reject-reason": ""},
    )
    assert "Explain why the return is rejected" in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("contracts:return_reject", kwargs={"pk": r.pk}),
            {"reject-version": 1, "reject-reason": "The certificates are for another contract"},
        )
    r.refresh_from_db()
    assert r.status == Status.REJECTED
    assert "The certificates are for another contract" in mailoutbox[0].body


def test_an_officer_cannot_verify_a_return_they_submitted(client, world):
    r = submitted_return(world, submitted_by=world.officer)
    client.force_login(world.officer)
    page = client.get(reverse("contracts:return_detail", kwargs={"pk": r.pk}))
    assert page.context["action_forms"] == {}
    assert "another officer must check it" in page.content.decode()
    response = client.post(
        reverse("contracts:return_verify", kwargs={"pk": r.pk}), {"verify-version": 1}
    )
    assert response.status_code == 403
    r.refresh_from_db()
    assert r.status == Status.SUBMITTED


def test_evidence_is_not_served_to_another_supplier_or_the_public(client, world):
    evidence = EvidenceFileFactory(delivery_return=submitted_return(world))
    url = reverse("contracts:evidence_download", kwargs={"pk": evidence.pk})
    client.force_login(world.rival_contact)
    assert client.get(url).status_code == 404
    client.force_login(world.vcs_member)
    assert client.get(url).status_code == 404


def test_the_returns_list_shows_periods_due_and_questions(client, world):
    DeliveryReturnFactory(
        commitment=world.commitment,
        period=world.periods[0],
        status=Status.QUERIED,
        query="Which site?",
    )
    client.force_login(world.supplier_contact)
    response = client.get(reverse("contracts:return_list"))
    (row,) = response.context["rows"]
    today = timezone.localdate()
    ended = [p for p in world.periods if p.end < today]
    assert row["due"] == ended[1:]  # ended, not reported; the current and later ones not yet
    assert [r.pk for r in response.context["queried"]] == [world.commitment.returns.get().pk]
    assert f"?period={world.periods[1].pk}" in response.content.decode()


def test_the_returns_list_pages_its_commitments_and_counts_what_is_due_on_every_page(client, world):
    _more_commitments(world, 29)  # 30 in all, each with its second period due
    client.force_login(world.supplier_contact)
    url = reverse("contracts:return_list")
    first = client.get(url)
    assert len(first.context["rows"]) == 25
    ended = sum(p.end < timezone.localdate() for p in world.periods)
    due = 30 * ended - 29  # the 29 others reported their first period
    assert first.context["due_count"] == due
    assert f"You report on 30 commitments. {due} returns are due." in first.content.decode()
    second = client.get(url, {"page": 2})
    assert len(second.context["rows"]) == 5
    assert "<title>Returns (page 2 of 2)" in second.content.decode()
    shown = {row["commitment"].pk for row in first.context["rows"] + second.context["rows"]}
    assert len(shown) == 30


def test_the_returns_list_says_when_more_are_due_than_it_counts(client, world, monkeypatch):
    import socialvalue.attention

    monkeypatch.setattr(socialvalue.attention, "CAP", 3)
    _more_commitments(world, 4)
    client.force_login(world.supplier_contact)
    response = client.get(reverse("contracts:return_list"))
    assert response.context["due_count"] == 3
    assert "You report on 5 commitments. 3 or more returns are due." in response.content.decode()


def _waiting_in_reverse_order_of_creation(status):
    """The returns of `status`, each submitted before the one created before it (so an order by
    id would put them the wrong way round), longest waiting first."""
    returns = list(DeliveryReturn.objects.filter(status=status).order_by("pk"))
    now = timezone.now()
    for age, r in enumerate(returns):
        DeliveryReturn.objects.filter(pk=r.pk).update(
            submitted_at=now - datetime.timedelta(days=age + 1)
        )
    return list(reversed(returns))


@pytest.mark.parametrize(
    ("status", "role", "queue", "sentence"),
    [
        (Status.SUBMITTED, "officer", "to_verify", "3 returns waiting"),
        (Status.QUERIED, "supplier_contact", "queried", "3 questions are open"),
    ],
)
def test_each_queue_shows_the_longest_waiting_first_with_the_whole_count(
    client, world, monkeypatch, status, role, queue, sentence
):
    monkeypatch.setattr(ReturnListView, "queue_shown", 2)
    _more_commitments(world, 3)  # each with a submitted return
    DeliveryReturn.objects.update(status=status, query="Which site?")
    waiting = _waiting_in_reverse_order_of_creation(status)
    assert len(waiting) == 3
    client.force_login(getattr(world, role))
    response = client.get(reverse("contracts:return_list"))
    assert response.context[queue] == waiting[:2]
    assert response.context[f"{queue}_count"] == 3
    page = response.content.decode()
    assert f"{sentence}. Showing the 2 that have waited longest" in page


def test_the_queues_head_the_first_page_only(client, world):
    _more_commitments(world, 29)
    client.force_login(world.officer)
    url = reverse("contracts:return_list")
    assert "Waiting for you to verify" in client.get(url).content.decode()
    later = client.get(url, {"page": 2})
    assert "Waiting for you to verify" not in later.content.decode()
    assert f'are on <a class="govuk-link" href="{url}">the first page</a>' in (
        later.content.decode()
    )
    assert later.context["rows"]


def test_the_home_page_counts_the_queries_the_returns_list_offers_to_answer(client, world):
    """A query on a closed contract can no longer be answered: neither page counts it."""
    DeliveryReturnFactory(
        commitment=world.commitment, period=world.periods[0], status=Status.QUERIED
    )
    client.force_login(world.supplier_contact)
    returns_list = reverse("contracts:return_list")
    assert "1 query about a return needs your answer" in client.get("/").content.decode()
    assert client.get(returns_list).context["queried_count"] == 1
    Contract.objects.filter(pk=world.contract.pk).update(stage=Contract.Stage.CLOSED)
    assert "your answer" not in client.get("/").content.decode()
    assert client.get(returns_list).context["queried_count"] == 0


# Query counts: the same for 1 row as for 20 ----------------------------------------------------


def count_queries(func) -> int:
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured)


def _more_commitments(world, n):
    for _ in range(n):
        commitment = CommitmentFactory(
            contract=world.contract,
            measure=world.measure,
            area=world.ward,
            objective=world.objective,
        )
        DeliveryReturnFactory(commitment=commitment, period=world.periods[0])


def test_delivery_partial_queries_do_not_grow_with_commitments(world):
    sub = SupplierFactory(name="Sub Ltd")
    world.contract.subcontractors.add(sub)
    CommitmentFactory(
        contract=world.contract, delivered_by=sub, measure=world.measure, area=world.ward,
        objective=world.objective,
    )  # fmt: skip

    def render(user):
        contract = Contract.objects.get(pk=world.contract.pk)
        return lambda: render_to_string(
            "contracts/_delivery.html", delivery_context(contract, user)
        )

    for user in (world.officer, world.supplier_contact):
        render(user)()  # the user's roles are read once per request, then kept
        one = count_queries(render(user))
        _more_commitments(world, 19)
        assert count_queries(render(user)) == one


@pytest.mark.parametrize("role", ["officer", "supplier_contact"])
def test_commitment_page_queries_do_not_grow_with_returns(client, world, role):
    client.force_login(getattr(world, role))
    url = reverse("contracts:commitment_detail", kwargs={"pk": world.commitment.pk})
    DeliveryReturnFactory(commitment=world.commitment, period=world.periods[0])
    client.get(url)
    one = count_queries(lambda: client.get(url))
    extra = [ReportingPeriod.objects.create(contract=world.contract, start=datetime.date(2000 + i, 1, 1), end=datetime.date(2000 + i, 2, 1)) for i in range(19)]  # fmt: skip
    for period in extra:
        DeliveryReturnFactory(commitment=world.commitment, period=period)
    assert count_queries(lambda: client.get(url)) == one


@pytest.mark.parametrize("role", ["officer", "supplier_contact"])
def test_return_page_queries_do_not_grow_with_files(client, world, role):
    r = submitted_return(world)
    EvidenceFileFactory(delivery_return=r)
    client.force_login(getattr(world, role))
    url = reverse("contracts:return_detail", kwargs={"pk": r.pk})
    client.get(url)
    one = count_queries(lambda: client.get(url))
    EvidenceFileFactory.create_batch(19, delivery_return=r)
    assert count_queries(lambda: client.get(url)) == one


@pytest.mark.parametrize("role", ["officer", "supplier_contact"])
def test_returns_list_queries_do_not_grow_with_commitments(client, world, role):
    client.force_login(getattr(world, role))
    url = reverse("contracts:return_list")
    DeliveryReturnFactory(
        commitment=world.commitment, period=world.periods[0], status=Status.QUERIED
    )
    client.get(url)
    one = count_queries(lambda: client.get(url))
    _more_commitments(world, 19)
    for commitment in world.contract.commitments.all()[:5]:
        DeliveryReturnFactory(commitment=commitment, period=world.periods[1], status="queried")
    response = client.get(url)
    assert len(response.context["rows"]) >= 20
    assert count_queries(lambda: client.get(url)) == one
