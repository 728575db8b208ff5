"""The demo's delivery: what each contract in delivery commits to, where, for which objective,
and the returns of its ended quarters, in every state."""

import datetime
from decimal import Decimal

from django.utils import timezone

from .. import services
from ..models import DeliveryReturn


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


# Per contract in delivery: (measure, quantity, area, objective, returns per ended quarter as
# (quantity, state), or None for a quarter not reported yet).
DELIVERY_PLANS = {
    "WBC-2025-010": [  # Facilities management: apprenticeships behind, pantry volunteering ahead
        (
            "WR2",
            12,
            "Eastgate Centre",
            "Young people from Eastgate into apprenticeships",
            [(1, "verified"), (1, "verified"), (2, "submitted")],
        ),
        (
            "WR6",
            400,
            "Eastgate Centre",
            "Food pantry volunteering support",
            # The latest quarter's return is started by the pantry confirming a pledge it
            # received (needs.demo), so it is counted once, through this commitment.
            [(140, "verified"), (190, "verified"), None],
        ),
    ],
    "WBC-2025-012": [  # Leisure centre build: local jobs on track, long-term unemployed behind
        (
            "WR1",
            8,
            "Castle Hill",
            "Local jobs on the new leisure centre build",
            [(2, "verified"), (3, "verified"), (2, "verified")],
        ),
        (
            "WR3",
            5,
            "Harbour",
            "Jobs for long-term unemployed residents of Harbour",
            [(1, "verified"), (1, "rejected"), (2, "queried")],
        ),
    ],
    "WBC-2024-013": [  # Waste fleet hire (closed): emissions on track, canal side behind
        (
            "WR10",
            60,
            "North Wrenford Community Partnership",
            "Cut fleet emissions across the borough",
            [(10, "verified"), (12, "verified"), (9, "verified")],
        ),
        (
            "WR12",
            800,
            "Canal Side",
            "Greener canal side in Ivybridge",
            [(200, "verified"), (250, "verified"), (300, "submitted")],
        ),
    ],
    "WFR-2025-015": [  # Fire station cleaning: fire safety projects met, volunteering behind
        (
            "WR9",
            2,
            "Brookside Estate",
            "Home fire safety visits with volunteers",
            [(1, "verified"), (1, "verified"), None],
        ),
        (
            "WR6",
            100,
            "Dunmore Heath",
            "Volunteering days for Dunmore Heath",
            [(30, "verified"), (35, "queried"), (30, "submitted")],
        ),
    ],
    "WHC-2025-011": [  # Social prescribing: warm spaces on track, first aid behind
        (
            "WR8",
            250,
            "Kingsmead",
            "Warm spaces for older people in Kingsmead",
            [(60, "verified"), (80, "verified"), (70, "verified")],
        ),
        (
            "WR8",
            60,
            "Greystones",
            "Mental health first aid in Greystones",
            [(10, "verified"), (15, "queried"), (20, "submitted")],
        ),
    ],
}


def commitments_and_returns(
    contract,
    author,
    supplier_user,
    officer,
    leader,
    measures,
    objectives,
    areas,
    subcontractor,
    pantry,
):
    """The contract's commitments and its returns, each taken to its planned state (verified,
    queried, rejected or left submitted). Long because it is a script of fictional data, read
    top to bottom, not logic."""
    start, end = contract.contract_start, contract.contract_end
    # Each contract commits to its own things, where its own objectives are, and delivers at
    # its own pace: some on track, some behind, one target met, so the dashboard tells a story
    # rather than "everything behind" (and no two contracts claim the same delivery).
    commitments, plans = [], []
    for code, quantity, area_name, objective_title, returns in DELIVERY_PLANS[contract.reference]:
        commitments.append(
            services.commitment_add(
                contract=contract,
                by=author,
                measure=measures[code],
                quantity=Decimal(quantity),
                area=areas[area_name],
                objective=objectives[objective_title],
                start_date=start,
                due_date=end,
            )
        )
        plans.append(returns)
    if contract.reference == "WBC-2025-010":
        services.subcontractor_add(contract=contract, organisation=subcontractor, by=author)
        commitments.append(
            services.commitment_add(
                contract=contract,
                by=author,
                delivered_by=subcontractor,
                measure=measures["WR4"],
                quantity=Decimal(600),
                area=areas["Fernlea"],
                objective=objectives["Training for care workers in Fernlea"],
                start_date=start,
                due_date=end,
            )
        )
        plans.append([(50, "verified"), (100, "verified"), (80, "submitted")])
        services.performance_rate(
            contract=contract,
            by=author,
            period_end=ago(30),
            rating="approaching",
            explanation="Apprenticeships behind plan; recovery agreed.",
        )
    periods = list(contract.periods.filter(end__lt=ago(0)).order_by("start"))
    for commitment, returns in zip(commitments, plans, strict=True):
        for index, (period, planned) in enumerate(zip(periods, returns, strict=False)):
            if planned is None:
                continue  # not reported yet: the supplier sees it as due
            quantity, state = planned
            r = services.return_submit(
                commitment=commitment,
                period=period,
                by=supplier_user,
                quantity=Decimal(quantity),
                evidence_text="Timesheets and a list of people supported (kept by the supplier).",
                attested=True,
                beneficiary_references="\n".join(
                    f"{contract.reference}-{commitment.pk}-{index}-{n}" for n in range(2)
                ),
                supported_group=pantry if commitment.measure.code == "WR6" else None,
            )
            if state == "verified":
                services.return_verify(delivery_return=r, by=officer)
            elif state == "queried":
                services.return_query(
                    delivery_return=r,
                    by=officer,
                    question="Please send the sign-in sheets for this quarter.",
                )
            elif state == "rejected":
                services.return_reject(
                    delivery_return=r,
                    by=officer,
                    reason="Two of the people named were already counted on another contract.",
                )
    behind = [c for c in commitments if c.measure.code == "WR2"]
    for commitment in behind:
        services.commitment_set_recovery_action(
            commitment=commitment,
            by=author,
            action="Two extra apprenticeship starts agreed for next quarter.",
        )
    assert DeliveryReturn.objects.filter(commitment__contract=contract).exists()
