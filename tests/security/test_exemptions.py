"""Finding (Medium 3): an exemption by one person.

One officer recorded an exemption with any reason and started procurement at once, leaving a
draft assessment dangling.

Rule: an exemption from the Act is a decision like an approval. It names a ground from a fixed
list (not a services contract; below the threshold the buying body has recorded; a call-off
under a framework whose approved assessment covered it), with a reason, and a second person
confirms it under the same sign-off rule as an assessment (`contracts.signoff`). Only a
confirmed exemption opens the procurement-start gate and counts as exempt; confirming it
withdraws an assessment in progress, with who, when and why.
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from contracts import services, signoff
from contracts.models import Assessment, Contract
from people.models import Membership, Organisation
from tests.contracts.pipeline_helpers import (
    approved_contract,
    complete_assessment,
    make_contract,
    yesterday,
)
from tests.people.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role


def _models():
    """The exemption models, imported when a test needs them: the finding's first test runs
    (and failed) on the code from before they existed."""
    from contracts.models import Exemption, ExemptionThreshold

    return Exemption, ExemptionThreshold


@pytest.fixture
def people(council, officer, make_member):
    return SimpleNamespace(
        officer=officer,
        colleague=make_member(council, Role.OFFICER, full_name="Col League"),
        leader=make_member(council, Role.LEADER, full_name="Cllr Lee"),
        admin=make_member(council, Role.ORG_ADMIN, full_name="Ada Admin"),
    )


@pytest.fixture
def goods(council, people):
    """A goods contract being assessed: a draft assessment is in progress."""
    contract = make_contract(buyer=council, by=people.officer, category=Contract.Category.GOODS)
    services.assessment_start(contract=contract, by=people.officer)
    return contract


def test_one_officer_cannot_exempt_a_contract_and_start_procurement(client, goods, people):
    """The reported finding, through the pages: record an exemption, then start procurement."""
    client.force_login(people.officer)
    client.post(
        reverse("contracts:contract_exemption", kwargs={"pk": goods.pk}),
        {"ground": "not_services", "reason": "Anything at all"},
    )
    day = yesterday()
    client.post(
        reverse("contracts:procurement_start", kwargs={"pk": goods.pk}),
        {"started_on_0": day.day, "started_on_1": day.month, "started_on_2": day.year},
    )
    goods.refresh_from_db()
    assert goods.stage == Contract.Stage.ASSESSING
    assert not goods.not_in_scope
    assert goods.s1_compliance == Contract.Compliance.NOT_STARTED
    assert goods.assessments.get().status == Assessment.Status.DRAFT


def _propose(contract, by, ground="not_services", **fields):
    return services.exemption_propose(
        contract=contract, by=by, ground=ground, reason="Road salt only", **fields
    )


def test_confirmed_by_a_second_person_it_opens_the_gate_and_withdraws_the_draft(goods, people):
    Exemption, _ = _models()
    exemption = _propose(goods, people.officer)
    assert services.procurement_start_gate(goods) is not None  # proposed: nothing changes
    services.exemption_confirm(exemption=exemption, by=people.leader)

    goods.refresh_from_db()
    assert goods.not_in_scope and goods.stage == Contract.Stage.APPROVED
    assert services.procurement_start_gate(goods) is None
    started = services.contract_start_procurement(
        contract=goods, started_on=yesterday(), by=people.officer
    )
    assert started.s1_compliance == Contract.Compliance.EXEMPT
    draft = goods.assessments.get()  # kept, not deleted
    assert draft.status == Assessment.Status.WITHDRAWN
    assert draft.withdrawn_by == people.leader and draft.withdrawn_at is not None
    assert "Withdrawn when the exemption was confirmed" in draft.withdrawn_reason
    assert draft.history.first().history_change_reason == signoff.WITHDRAWN
    assert Exemption.objects.get().decided_by == people.leader


def test_a_submitted_assessment_is_withdrawn_too(council, people):
    contract = make_contract(buyer=council, by=people.officer, category=Contract.Category.GOODS)
    services.assessment_submit(
        assessment=complete_assessment(contract, author=people.officer), by=people.officer
    )
    services.exemption_confirm(exemption=_propose(contract, people.officer), by=people.leader)
    assessment = contract.assessments.get()
    assert assessment.status == Assessment.Status.WITHDRAWN
    with pytest.raises(ValidationError, match="A withdrawn assessment cannot be changed"):
        assessment.relevance = "Changed after the fact"
        assessment.save()


def test_a_declined_exemption_changes_nothing_and_says_why(goods, people):
    Exemption, _ = _models()
    exemption = _propose(goods, people.officer)
    with pytest.raises(ValidationError, match="Explain why the exemption is declined"):
        services.exemption_decline(exemption=exemption, by=people.leader, reason=" ")
    services.exemption_decline(exemption=exemption, by=people.leader, reason="It has services")
    goods.refresh_from_db()
    assert not goods.not_in_scope and goods.stage == Contract.Stage.ASSESSING
    assert goods.assessments.get().status == Assessment.Status.DRAFT
    declined = Exemption.objects.get()
    assert (declined.status, declined.decision_reason) == ("declined", "It has services")
    _propose(goods, people.colleague)  # a new proposal may follow


# The family: every path that can confirm refuses the people who took part ------------------


def _confirm_with_service(exemption, person, client):
    services.exemption_confirm(exemption=exemption, by=person)


def _confirm_with_page(exemption, person, client):
    client.force_login(person)
    url = reverse("contracts:exemption_decide", kwargs={"pk": exemption.contract_id})
    assert client.post(url, {"decision": "confirm"}).status_code == 403


def _confirm_with_admin_form(exemption, person, client):
    person.is_staff = person.is_superuser = True
    person.save()
    client.force_login(person)
    url = reverse("admin:contracts_exemption_change", args=[exemption.pk])
    client.post(url, {"status": "confirmed", "decided_by": person.pk})


def _confirm_with_admin_actions(exemption, person, client):
    from django.test import RequestFactory

    Exemption, _ = _models()
    model_admin = admin.site._registry[Exemption]
    request = RequestFactory().post("/")
    request.user = person
    for name, (action, _name, _label) in model_admin.get_actions(request).items():
        assert name in CONFIRMING_ACTIONS, f"the admin action {name!r} is new: test it here"
        action(model_admin, request, Exemption.objects.filter(pk=exemption.pk))


def _confirm_by_saving_the_model(exemption, person, client):
    exemption.status = "confirmed"
    exemption.decided_by, exemption.decided_at = person, timezone.now()
    exemption.save()


CONFIRMING_ACTIONS: set[str] = set()
PATHS = {
    "service": _confirm_with_service,
    "page": _confirm_with_page,
    "admin change form": _confirm_with_admin_form,
    "admin actions": _confirm_with_admin_actions,
    "model save": _confirm_by_saving_the_model,
}


@pytest.fixture
def proposed(goods, people, council, make_member):
    """Proposed by the officer; changed afterwards by the colleague (as an import or a data fix
    in the shell would, saving the record)."""
    Exemption, _ = _models()
    exemption = _propose(goods, people.officer)
    exemption = Exemption.objects.get(pk=exemption.pk)
    exemption.reason = "Road salt and grit only"
    exemption._history_user = people.colleague
    exemption.save()
    return exemption


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("who", ["officer", "colleague", "outsider"])
def test_no_path_confirms_for_someone_who_may_not(client, place, people, proposed, who, path):
    """The proposer, a person who changed it, and an officer of another body (the NHS body,
    a joint buyer) are each refused by every path."""
    Exemption, _ = _models()
    if who == "outsider":
        nhs = OrganisationFactory(kind=Organisation.Kind.NHS, place=place)
        proposed.contract.joint_buyers.add(nhs)
        from tests.people.factories import MembershipFactory

        person = MembershipFactory(organisation=nhs, role=Role.LEADER).user
    else:
        person = getattr(people, who)
    try:
        with transaction.atomic():
            PATHS[path](Exemption.objects.get(pk=proposed.pk), person, client)
    except (ValidationError, IntegrityError):
        pass
    assert Exemption.objects.get(pk=proposed.pk).status == "proposed", f"{who} by {path}"
    assert not Contract.objects.get(pk=proposed.contract_id).not_in_scope


def test_someone_who_took_no_part_confirms_on_the_page(client, people, proposed):
    client.force_login(people.leader)
    url = reverse("contracts:exemption_decide", kwargs={"pk": proposed.contract_id})
    assert client.get(url).status_code == 200
    assert client.post(url, {"decision": "confirm"}).status_code == 302
    assert Contract.objects.get(pk=proposed.contract_id).not_in_scope


def test_the_contract_cannot_be_marked_out_of_scope_without_a_confirmed_exemption(goods):
    goods.not_in_scope, goods.not_in_scope_reason = True, "Ticked in the shell"
    with pytest.raises(ValidationError, match="only once a second person has confirmed"):
        goods.full_clean()


# The grounds -----------------------------------------------------------------------------------


def test_a_services_contract_is_not_exempt_as_goods(council, people):
    contract = make_contract(buyer=council, by=people.officer)  # services
    with pytest.raises(ValidationError, match="category is services, so the Act applies"):
        _propose(contract, people.officer)


def test_below_threshold_needs_the_bodys_recorded_threshold(council, people):
    from contracts.services import governance as services_governance

    contract = make_contract(buyer=council, by=people.officer, estimated_value=Decimal("80000"))
    with pytest.raises(ValidationError, match="has not recorded a threshold"):
        _propose(contract, people.officer, ground="below_threshold")
    with pytest.raises(ValidationError, match="Only an organisation admin"):
        services_governance.threshold_set(
            organisation=council, by=people.officer, value=Decimal("100000"), reference="Policy"
        )
    old = services_governance.threshold_set(
        organisation=council, by=people.admin, value=Decimal("50000"), reference="Policy 2024"
    )
    with pytest.raises(ValidationError, match=r"not below .*threshold of £50,000"):
        _propose(contract, people.officer, ground="below_threshold")
    new = services_governance.threshold_set(
        organisation=council, by=people.admin, value=Decimal("100000"), reference="Policy 2025"
    )
    exemption = _propose(contract, people.officer, ground="below_threshold")
    assert exemption.threshold == new
    _, ExemptionThreshold = _models()
    assert set(ExemptionThreshold.objects.all()) == {old, new}  # the earlier one is kept
    # The estimate is raised to the threshold before anyone confirms: the ground no longer holds.
    services.contract_update(contract=contract, by=people.officer, estimated_value=Decimal("1e5"))
    with pytest.raises(ValidationError, match="not below"):
        services.exemption_confirm(exemption=exemption, by=people.leader)


def test_a_call_off_names_a_framework_with_an_approved_assessment(council, people):
    contract = make_contract(buyer=council, by=people.officer, reference="CALL-1")
    unassessed = make_contract(buyer=council, by=people.officer, reference="FW-0")
    with pytest.raises(ValidationError, match="Choose the framework contract"):
        _propose(contract, people.officer, ground="call_off")
    with pytest.raises(ValidationError, match="has no approved social value assessment"):
        _propose(contract, people.officer, ground="call_off", framework_contract=unassessed)
    framework = approved_contract(
        buyer=council, author=people.officer, approver=people.leader, reference="FW-1"
    )
    exemption = _propose(contract, people.officer, ground="call_off", framework_contract=framework)
    services.exemption_confirm(exemption=exemption, by=people.colleague)
    assert Contract.objects.get(pk=contract.pk).not_in_scope


def test_an_exempt_contract_cannot_quietly_become_a_services_contract(goods, people):
    services.exemption_confirm(exemption=_propose(goods, people.officer), by=people.leader)
    with pytest.raises(ValidationError, match="so the Act applies"):
        services.contract_update(
            contract=goods, by=people.officer, category=Contract.Category.SERVICES
        )


def test_the_pages_propose_and_show_the_decision(client, goods, people):
    client.force_login(people.officer)
    response = client.post(
        reverse("contracts:contract_exemption", kwargs={"pk": goods.pk}),
        {"ground": "not_services", "reason": "Road salt only"},
    )
    assert response.status_code == 302
    page = client.get(goods.get_absolute_url()).content.decode()
    assert "Exemption proposed, waiting for confirmation" in page
    assert "Confirm or decline the exemption" not in page  # not for the proposer
    client.force_login(people.leader)
    texts = [i.text for i in client.get(reverse("home")).context["attention"]]
    assert "1 exemption from the Act is waiting for your confirmation" in texts
    listed = client.get(reverse("contracts:contract_list"), {"sign_off": "mine"})
    assert [c.pk for c in listed.context["contracts"]] == [goods.pk]
    url = reverse("contracts:exemption_decide", kwargs={"pk": goods.pk})
    response = client.post(url, {"decision": "decline"})
    assert "Explain why the exemption is declined" in response.content.decode()
    client.post(url, {"decision": "confirm"})
    page = client.get(goods.get_absolute_url()).content.decode()
    assert "Not in scope of the Social Value Act" in page
    assert "By Cllr Lee on" in page


def test_exemptions_recorded_before_are_kept_and_still_count(council, people):
    """The data migration: an exemption recorded by one person is kept as a confirmed one on
    the ground 'recorded before grounds', by whoever recorded it; a dangling draft assessment
    is withdrawn with why."""
    import importlib

    from django.apps import apps

    Exemption, _ = _models()
    migration = importlib.import_module("contracts.migrations.0010_exemption_decisions")
    contract = make_contract(buyer=council, by=people.officer, category=Contract.Category.GOODS)
    services.assessment_start(contract=contract, by=people.officer)
    # As the old service did: one person's tick, straight on the contract.
    Contract.objects.filter(pk=contract.pk).update(
        not_in_scope=True, not_in_scope_reason="Goods only", s1_compliance="exempt"
    )
    recorded = contract.history.first()
    recorded.pk = None
    recorded.history_id = None
    recorded.not_in_scope, recorded.history_user = True, people.colleague
    recorded.save()

    migration.keep_recorded_exemptions(apps, None)

    exemption = Exemption.objects.get(contract=contract)
    assert (exemption.ground, exemption.status) == ("recorded_before_grounds", "confirmed")
    assert exemption.proposed_by == people.colleague and exemption.decided_by is None
    assert exemption.reason == "Goods only"
    contract.refresh_from_db()
    contract.full_clean()  # still valid, still exempt
    assert services.procurement_start_gate(contract) is not None  # stage unchanged: assessing
    draft = contract.assessments.get()
    assert draft.status == "withdrawn" and "recorded as not in scope" in draft.withdrawn_reason
