"""Section 1 recorded properly: the assessment, its sign-off, versions, and the gate."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contracts import services
from contracts.models import Assessment, Contract
from people.models import Membership
from tests.contracts.pipeline_helpers import (
    approved_contract,
    complete_assessment,
    exempt,
    make_contract,
    yesterday,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def approver(council, make_member):
    return make_member(council, Membership.Role.LEADER, full_name="Cllr Approver")


def test_a_new_contract_is_planned_and_not_started(council, officer):
    contract = make_contract(buyer=council, by=officer)
    assert contract.stage == Contract.Stage.PLANNING
    assert contract.s1_compliance == Contract.Compliance.NOT_STARTED
    assert contract.history.get().history_user == officer


def test_the_buyer_must_be_a_public_body_of_the_place(council, officer):
    from tests.people.factories import OrganisationFactory

    supplier = OrganisationFactory(kind="supplier", place=None)
    with pytest.raises(ValidationError, match="The buyer must be a public body"):
        make_contract(buyer=supplier, by=officer, place=council.place)
    assert not Contract.objects.exists()


def test_sections_are_saved_separately_in_any_order(council, officer):
    contract = make_contract(buyer=council, by=officer)
    assessment = services.assessment_start(contract=contract, by=officer)
    contract.refresh_from_db()
    assert contract.stage == Contract.Stage.ASSESSING
    services.assessment_save_section(
        assessment=assessment, section="urgency", by=officer, urgency_claimed=False
    )
    assessment.refresh_from_db()
    assert assessment.completed_sections == ["urgency"]


@pytest.mark.parametrize(
    ("section", "answers", "message"),
    [
        ("wellbeing", {"economic_relevant": True}, "Say whether the contract could improve social"),
        (
            "wellbeing",
            {"economic_relevant": False, "social_relevant": True, "environmental_relevant": True},
            "Explain why economic well-being",
        ),
        ("securing", {}, "Describe at least one way"),
        ("consultation", {"will_consult": True}, "Explain why you will or will not consult"),
        ("evaluation", {"evaluation_questions": "Q"}, "Enter the social value weighting"),
        ("urgency", {"urgency_claimed": True}, "Explain the urgency"),
    ],
)
def test_an_incomplete_section_is_refused_with_a_specific_message(
    council, officer, section, answers, message
):
    contract = make_contract(buyer=council, by=officer)
    assessment = services.assessment_start(contract=contract, by=officer)
    with pytest.raises(ValidationError, match=message):
        services.assessment_save_section(
            assessment=assessment, section=section, by=officer, **answers
        )
    assessment.refresh_from_db()
    assert assessment.completed_sections == []


def test_submission_needs_every_section(council, officer):
    contract = make_contract(buyer=council, by=officer)
    assessment = services.assessment_start(contract=contract, by=officer)
    with pytest.raises(ValidationError, match="Complete ‘Well-being of the relevant area’"):
        services.assessment_submit(assessment=assessment, by=officer)


def test_the_author_cannot_sign_off_their_own_assessment(council, officer):
    contract = make_contract(buyer=council, by=officer)
    assessment = complete_assessment(contract, author=officer)
    services.assessment_submit(assessment=assessment, by=officer)
    with pytest.raises(
        ValidationError, match="You wrote this assessment, so you cannot sign it off"
    ):
        services.assessment_approve(assessment=assessment, by=officer)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert assessment.approved_at is None


def test_sign_off_by_a_second_person_approves_and_timestamps(council, officer, approver):
    contract = approved_contract(buyer=council, author=officer, approver=approver)
    assessment = contract.assessments.get()
    assert assessment.status == Assessment.Status.APPROVED
    assert assessment.approved_by == approver
    assert assessment.approved_at <= timezone.now()
    assert contract.stage == Contract.Stage.APPROVED


def test_an_approved_assessment_is_immutable(council, officer, approver):
    contract = approved_contract(buyer=council, author=officer, approver=approver)
    assessment = Assessment.objects.get(contract=contract)
    assessment.relevance = "Rewritten after the fact"
    with pytest.raises(ValidationError, match="cannot be changed"):
        assessment.save()
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.assessment_save_section(
            assessment=assessment, section="urgency", by=officer, urgency_claimed=False
        )
    assert Assessment.objects.get(pk=assessment.pk).relevance == "Jobs are on the contract itself"


def test_reopening_makes_a_new_version_and_keeps_the_old_one(council, officer, approver):
    contract = approved_contract(buyer=council, author=officer, approver=approver)
    first = contract.assessments.get()
    second = services.assessment_reopen(assessment=first, by=officer)
    first.refresh_from_db()
    assert first.status == Assessment.Status.SUPERSEDED
    assert first.approved_at is not None  # the dated record survives
    assert second.version == 2 and second.status == Assessment.Status.DRAFT
    assert second.relevance == first.relevance
    assert second.completed_sections == first.completed_sections
    # The earliest approval still stands as the record of consideration.
    assert services.approved_assessment(contract) == first


def test_the_gate_refuses_procurement_start_without_approval(council, officer):
    contract = make_contract(buyer=council, by=officer)
    with pytest.raises(ValidationError, match="must be approved to procure first"):
        services.contract_start_procurement(contract=contract, started_on=yesterday(), by=officer)
    contract.refresh_from_db()
    assert contract.stage == Contract.Stage.PLANNING
    assert contract.procurement_started_on is None


def test_a_start_after_approval_is_compliant(council, officer, approver):
    contract = approved_contract(buyer=council, author=officer, approver=approver)
    contract = services.contract_start_procurement(
        contract=contract, started_on=timezone.localdate(), by=officer
    )
    assert contract.stage == Contract.Stage.PROCUREMENT_STARTED
    assert contract.s1_compliance == Contract.Compliance.COMPLIANT


def test_a_start_recorded_before_the_approval_is_non_compliant(council, officer, approver):
    contract = approved_contract(buyer=council, author=officer, approver=approver)
    earlier = timezone.localdate() - datetime.timedelta(days=30)
    contract = services.contract_start_procurement(
        contract=contract, started_on=earlier, by=officer
    )
    assert contract.s1_compliance == Contract.Compliance.NON_COMPLIANT


def test_a_start_in_the_future_is_refused(council, officer, approver):
    contract = approved_contract(buyer=council, author=officer, approver=approver)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.contract_start_procurement(
            contract=contract,
            started_on=timezone.localdate() + datetime.timedelta(days=1),
            by=officer,
        )


def test_a_confirmed_exemption_opens_the_gate_and_is_recorded(council, officer, approver):
    contract = make_contract(buyer=council, by=officer, category="goods")
    with pytest.raises(ValidationError, match="Explain why"):
        services.exemption_propose(
            contract=contract, ground="not_services", reason="  ", by=officer
        )
    exempt(contract, proposer=officer, confirmer=approver)
    contract = services.contract_start_procurement(
        contract=contract, started_on=yesterday(), by=officer
    )
    assert contract.s1_compliance == Contract.Compliance.EXEMPT


def test_contracts_never_move_backwards_or_past_a_gate(council, officer, approver):
    contract = approved_contract(buyer=council, author=officer, approver=approver)
    with pytest.raises(ValidationError, match="cannot move to"):
        services.contract_advance(contract=contract, to="in_delivery", by=officer)
    with pytest.raises(ValidationError, match="cannot move to"):
        services.contract_advance(contract=contract, to="planning", by=officer)
    with pytest.raises(ValidationError, match="Only a contract whose procurement has started"):
        from tests.people.factories import OrganisationFactory

        services.contract_award(
            contract=contract,
            by=officer,
            supplier=OrganisationFactory(kind="supplier", place=None),
            award_value=1,
            awarded_on=yesterday(),
            contract_start=yesterday(),
            contract_end=yesterday() + datetime.timedelta(days=365),
        )
    contract.refresh_from_db()
    assert contract.stage == Contract.Stage.APPROVED


def test_award_creates_quarterly_reporting_periods(council, officer, approver):
    from tests.people.factories import OrganisationFactory

    contract = approved_contract(buyer=council, author=officer, approver=approver)
    services.contract_start_procurement(contract=contract, started_on=yesterday(), by=officer)
    supplier = OrganisationFactory(kind="supplier", place=None)
    start = datetime.date(2026, 4, 1)
    contract = services.contract_award(
        contract=contract,
        by=officer,
        supplier=supplier,
        award_value=380000,
        awarded_on=timezone.localdate(),
        contract_start=start,
        contract_end=datetime.date(2027, 3, 31),
    )
    periods = list(contract.periods.values_list("start", "end"))
    assert periods == [
        (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
        (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
        (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
        (datetime.date(2027, 1, 1), datetime.date(2027, 3, 31)),
    ]
    assert contract.stage == Contract.Stage.AWARDED


def test_cancel_keeps_the_record_with_a_reason(council, officer):
    contract = make_contract(buyer=council, by=officer)
    with pytest.raises(ValidationError, match="Explain why the contract is cancelled"):
        services.contract_cancel(contract=contract, reason="", by=officer)
    services.contract_cancel(contract=contract, reason="Need went away", by=officer)
    contract.refresh_from_db()
    assert contract.stage == Contract.Stage.CANCELLED
    assert Contract.objects.filter(pk=contract.pk).exists()
