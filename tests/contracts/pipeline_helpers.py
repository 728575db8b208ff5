"""Building blocks for the pipeline and assessment tests (plain functions, not fixtures)."""

import datetime
from decimal import Decimal

from contracts import services
from contracts.models import Assessment, Contract

ANSWERS = {
    "wellbeing": dict(
        economic_relevant=True,
        economic_how="Local jobs on the contract",
        social_relevant=True,
        social_how="Volunteering with local groups",
        environmental_relevant=False,
        environmental_how="Office cleaning has little footprint",
    ),
    "securing": dict(lever_award_criteria="10% of the score for local employment"),
    "proportionality": dict(
        relevance="Jobs are on the contract itself",
        proportionality="Two apprentices on a £400k contract",
    ),
    "consultation": dict(will_consult=False, consultation_reason="Consulted last year"),
    "evaluation": dict(weighting_percent=Decimal("15"), evaluation_questions="How many jobs?"),
    "urgency": dict(urgency_claimed=False),
}


def make_contract(*, buyer, by, reference="C-001", **overrides) -> Contract:
    fields = dict(
        buyer=buyer,
        place=buyer.place,
        reference=reference,
        title="Office cleaning",
        category=Contract.Category.SERVICES,
        estimated_value=Decimal("400000"),
    )
    fields.update(overrides)
    return services.contract_create(by=by, **fields)


def complete_assessment(contract, *, author) -> Assessment:
    assessment = services.assessment_start(contract=contract, by=author)
    for section, answers in ANSWERS.items():
        assessment = services.assessment_save_section(
            assessment=assessment, section=section, by=author, **answers
        )
    return assessment


def approved_contract(*, buyer, author, approver, reference="C-001") -> Contract:
    contract = make_contract(buyer=buyer, by=author, reference=reference)
    assessment = complete_assessment(contract, author=author)
    services.assessment_submit(assessment=assessment, by=author)
    services.assessment_approve(assessment=assessment, by=approver)
    contract.refresh_from_db()
    return contract


def exempt(contract, *, proposer, confirmer, ground="not_services", **fields) -> Contract:
    """Propose an exemption and have a second person confirm it (goods only, by default)."""
    exemption = services.exemption_propose(
        contract=contract, by=proposer, ground=ground, reason="Goods only", **fields
    )
    services.exemption_confirm(exemption=exemption, by=confirmer)
    contract.refresh_from_db()
    return contract


def yesterday():
    from django.utils import timezone

    return timezone.localdate() - datetime.timedelta(days=1)
