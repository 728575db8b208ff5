"""Demo contracts for Wrenford: about 15, across every stage, with returns in every state.

Dates are set relative to today so the demo always makes sense. Where the story needs an
approval in the past (an assessment signed off before procurement started), the demo back-dates
the approval timestamp directly: that is seeding history, which the services never allow.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from objectives.models import Measure, Objective
from people.models import Organisation, User
from places.models import Area, Place

from .. import services
from ..models import Assessment, Contract
from .delivery import ago, commitments_and_returns

ANSWERS = {
    "wellbeing": dict(
        economic_relevant=True,
        economic_how="Local jobs and apprenticeships on the contract.",
        social_relevant=True,
        social_how="Volunteering time for community groups in the area.",
        environmental_relevant=True,
        environmental_how="Electric vehicles and less waste.",
    ),
    "securing": dict(
        lever_award_criteria="Social value is scored at 15%, on local jobs and volunteering.",
        lever_contract_conditions="Quarterly social value returns with evidence.",
        lever_supply_chain="Subcontracting opportunities advertised locally.",
    ),
    "proportionality": dict(
        relevance="The jobs and volunteering are delivered through the contract itself.",
        proportionality="Targets are sized to the contract's value and length.",
    ),
    "consultation": dict(
        will_consult=True,
        consultation_reason="We asked community groups in the affected wards what matters.",
    ),
    "evaluation": dict(
        weighting_percent=Decimal("15"),
        evaluation_questions="How will you create local jobs and support "
        "community groups? Give quantities.",
    ),
    "urgency": dict(urgency_claimed=False),
}

# reference, title, stage, value, buyer slug, extra
CONTRACTS = [
    ("WBC-2026-001", "Library book supply", "planning", 90000, "wrenford-council", {}),
    ("WBC-2026-002", "Youth service provision", "planning", 1200000, "wrenford-council", {}),
    ("WBC-2026-003", "Community transport", "assessing_draft", 650000, "wrenford-council", {}),
    (
        "WHC-2026-004",
        "Community mental health support",
        "assessing_submitted",
        2400000,
        "wrenford-health",
        {},
    ),
    ("WBC-2026-005", "Parks grounds maintenance", "approved", 800000, "wrenford-council", {}),
    (
        "WBC-2026-006",
        "Road salt supply",
        "exempt",
        300000,
        "wrenford-council",
        {"category": "goods"},
    ),
    ("WBC-2026-007", "Street cleansing", "started_compliant", 3100000, "wrenford-council", {}),
    (
        "WBC-2026-008",
        "Temporary agency staff",
        "started_non_compliant",
        450000,
        "wrenford-council",
        {},
    ),
    ("WBC-2025-009", "School catering", "awarded", 5200000, "wrenford-council", {}),
    ("WBC-2025-010", "Facilities management", "in_delivery", 6800000, "wrenford-council", {}),
    ("WHC-2025-011", "Social prescribing service", "in_delivery", 950000, "wrenford-health", {}),
    (
        "WBC-2025-012",
        "Leisure centre building works",
        "in_delivery",
        4200000,
        "wrenford-council",
        {"category": "mixed"},
    ),
    ("WBC-2024-013", "Waste collection fleet hire", "closed", 1500000, "wrenford-council", {}),
    ("WBC-2026-014", "Events management", "cancelled", 120000, "wrenford-council", {}),
    ("WFR-2025-015", "Fire station cleaning", "in_delivery", 220000, "wrenford-fire", {}),
]


def _approve(contract, author, approver, approved_days_ago):
    assessment = services.assessment_start(contract=contract, by=author)
    for section, answers in ANSWERS.items():
        assessment = services.assessment_save_section(
            assessment=assessment, section=section, by=author, **answers
        )
    services.assessment_submit(assessment=assessment, by=author)
    services.assessment_approve(assessment=assessment, by=approver)
    when = timezone.now() - datetime.timedelta(days=approved_days_ago)
    Assessment.objects.filter(pk=assessment.pk).update(approved_at=when)  # seeding history
    return assessment


@transaction.atomic
def load(place: Place) -> None:
    """Load the demo contracts (`manage.py load_demo`), once per place: each taken through the
    services to its stage, from planning to closed. Long because it is the demo's story
    written out in order, one stage after another; splitting it would scatter one narrative."""
    if Contract.objects.filter(place=place, reference="WBC-2026-001").exists():
        return
    officer = User.objects.get(email="officer@demo.test")
    leader = User.objects.get(email="leader@demo.test")
    nhs = User.objects.get(email="nhs@demo.test")
    supplier_user = User.objects.get(email="supplier@demo.test")
    orgs = {o.slug: o for o in Organisation.objects.all()}
    brightway = orgs["brightway-facilities"]
    greenway = services.supplier_create(
        by=officer, name="Greenway Grounds CIC (demo)", size="sme", is_vcse=True
    )
    harbour_skills = services.supplier_create(
        by=officer, name="Harbour Skills Training (demo)", size="sme", is_vcse=False
    )
    pantry = orgs["eastgate-community-pantry"]
    areas = {a.name: a for a in Area.objects.filter(place=place)}
    measures = {
        m.code: m for m in Measure.objects.filter(framework__place=place, code__startswith="WR")
    }
    objectives = {o.title: o for o in Objective.objects.filter(place=place, status="active")}

    _governance(place, orgs, officer, nhs)
    for reference, title, stage, value, buyer_slug, extra in CONTRACTS:
        buyer = orgs[buyer_slug]
        author = nhs if buyer_slug == "wrenford-health" else officer
        # The council's leader signs off the council's, and (under the joint arrangement) the
        # NHS body's and the fire service's, which have no leader in the demo.
        approver = leader
        contract = services.contract_create(
            by=author,
            buyer=buyer,
            place=place,
            reference=reference,
            title=title,
            category=extra.get("category", "services"),
            estimated_value=Decimal(value),
            description=f"{title} for the fictional borough of Wrenford.",
        )
        if buyer_slug != "wrenford-council":
            # The council buys jointly with its partners in the demo.
            contract.joint_buyers.add(orgs["wrenford-council"])
        if stage == "planning":
            continue
        if stage == "assessing_draft":
            assessment = services.assessment_start(contract=contract, by=author)
            for section in ("wellbeing", "securing"):
                services.assessment_save_section(
                    assessment=assessment, section=section, by=author, **ANSWERS[section]
                )
            continue
        if stage == "assessing_submitted":
            assessment = services.assessment_start(contract=contract, by=author)
            for section, answers in ANSWERS.items():
                services.assessment_save_section(
                    assessment=assessment, section=section, by=author, **answers
                )
            services.assessment_submit(assessment=assessment, by=author)
            continue
        if stage == "exempt":
            exemption = services.exemption_propose(
                contract=contract,
                by=author,
                ground="not_services",
                reason="Road salt bought on its own, delivered to our depots: no services.",
            )
            services.exemption_confirm(exemption=exemption, by=approver)
            continue
        if stage == "cancelled":
            services.contract_cancel(
                contract=contract, by=author, reason="The events programme was stopped."
            )
            continue
        _approve(contract, author, approver, approved_days_ago=400)
        if stage == "approved":
            continue
        if stage == "started_non_compliant":
            # The agency advertised before the assessment was approved: recorded honestly.
            Assessment.objects.filter(contract=contract).update(
                approved_at=timezone.now() - datetime.timedelta(days=10)
            )
            services.contract_start_procurement(contract=contract, started_on=ago(40), by=author)
            continue
        services.contract_start_procurement(contract=contract, started_on=ago(380), by=author)
        if stage == "started_compliant":
            continue
        supplier = greenway if title.startswith(("Parks", "Social prescribing")) else brightway
        start = ago(300)
        contract = services.contract_award(
            contract=contract,
            by=author,
            supplier=supplier,
            award_value=Decimal(value) * Decimal("0.95"),
            awarded_on=ago(320),
            contract_start=start,
            contract_end=start + datetime.timedelta(days=3 * 365),
        )
        if contract.needs_kpis:
            for name in (
                "Missed collections per 1,000",
                "Customer satisfaction",
                "Local spend share",
            ):
                services.kpi_add(contract=contract, by=author, name=name)
        if stage == "awarded":
            continue
        commitments_and_returns(
            contract,
            author,
            supplier_user,
            officer,
            leader,
            measures,
            objectives,
            areas,
            harbour_skills,
            pantry,
        )
        if stage == "closed":
            services.contract_advance(contract=contract, to="closed", by=author)


def _governance(place, orgs, officer, nhs) -> None:
    """The council, the NHS body and the fire service sign off each other's decisions under a
    partnership agreement. The council's admin records it and the NHS body's admin confirms;
    the demo's fire service has no people, so the demo's superuser confirms for it. The council
    also records the threshold below which it does not apply the Act."""
    from ..services import governance as services_governance

    arrangement = services_governance.arrangement_record(
        by=officer,
        place=place,
        name="Wrenford Partnership joint commissioning (demo)",
        reference="Partnership agreement of 3 March 2025, clause 9 (demo)",
        bodies=[orgs["wrenford-council"], orgs["wrenford-health"], orgs["wrenford-fire"]],
    )
    superuser = User.objects.get(email="admin@demo.test")
    for member in arrangement.members.filter(confirmed_at__isnull=True):
        by = nhs if member.organisation.slug == "wrenford-health" else superuser
        services_governance.arrangement_confirm(member=member, by=by)
    services_governance.threshold_set(
        organisation=orgs["wrenford-council"],
        by=officer,
        value=Decimal("100000"),
        reference="Social value policy, approved by Cabinet on 4 March 2025 (demo)",
    )
