"""Generated contracts at every stage, their assessments, commitments, reporting periods and
delivery returns, and the ledger built from them."""

import datetime
from decimal import Decimal

from django.db import transaction

from contracts.models import Assessment, Commitment, Contract, DeliveryReturn, ReportingPeriod
from contracts.services import quarters

from .base import FULL, Base, Counter


class ContractsPart(Base):
    def contracts(self):
        stages = (
            ["planning"] * 10
            + ["assessing"] * 5
            + ["approved"] * 5
            + ["procurement_started"] * 10
            + ["awarded"] * 10
            + ["in_delivery"] * 50
            + ["closed"] * 8
            + ["cancelled"] * 2
        )
        order = Contract.ORDER
        total = self.n("contracts")
        contract_ids, assessment_ids = Counter.after(Contract), Counter.after(Assessment)
        commitment_ids, period_ids = Counter.after(Commitment), Counter.after(ReportingPeriod)
        chunk = 10_000
        for first in range(0, total, chunk):
            with transaction.atomic():
                self._contract_chunk(
                    range(first, min(total, first + chunk)),
                    stages,
                    order,
                    contract_ids,
                    assessment_ids,
                    commitment_ids,
                    period_ids,
                )
            self.say(
                f"{min(total, first + chunk):,} of {total:,} contracts, "
                f"{self.counts.get('contracts.DeliveryReturn', 0):,} returns"
            )

    def _contract_chunk(
        self, numbers, stages, order, contract_ids, assessment_ids, commitment_ids, period_ids
    ):
        """One batch of contracts, each with what its stage has (an assessment, periods,
        commitments and returns), written in one go. Long because it writes out each generated
        row in full, in the order the seeded random numbers are drawn; splitting it would only
        scatter that order."""
        contracts, assessments, periods, commitments, returns = [], [], [], [], []
        officer = self.officers[0]
        approver_pool = self.officers[1:] or self.officers
        per_contract = FULL["commitments_per_contract"]
        per_commitment = FULL["returns_per_commitment"]
        for i in numbers:
            stage = self.random.choice(stages)
            buyer = self.random.choice(self.bodies)
            value = Decimal(self.random.randint(20, 8000) * 1000)
            # Old enough that five quarters of delivery have started for most contracts.
            started = self.today - datetime.timedelta(days=self.random.randint(540, 900))
            reached = order.index(stage) if stage in order else order.index("procurement_started")
            contract = Contract(
                pk=contract_ids.take(),
                reference=f"G-{i + 1:06d}",
                title=f"Generated contract {i + 1}",
                buyer=buyer,
                place=self.place,
                category=self.random.choice(["services", "services", "mixed", "works"]),
                estimated_value=value,
                owner=officer,
                stage=stage,
                procurement_started_on=started if reached >= 3 else None,
                s1_compliance="not_started",
            )
            if stage == "cancelled":
                contract.cancelled_reason = "Generated."
            if reached >= 2:
                approved_at = self.now - datetime.timedelta(
                    days=(self.today - started).days + self.random.choice([30, 30, 30, -10])
                )
                assessments.append(
                    Assessment(
                        pk=assessment_ids.take(),
                        contract_id=contract.pk,
                        version=1,
                        status="approved",
                        author=officer,
                        approved_by=self.random.choice(approver_pool),
                        approved_at=approved_at,
                        submitted_at=approved_at,
                        completed_sections=Assessment.SECTION_KEYS,
                        weighting_percent=Decimal(self.random.choice([5, 10, 10, 15, 20])),
                        economic_relevant=True,
                        economic_how="Generated.",
                        social_relevant=True,
                        social_how="Generated.",
                        environmental_relevant=False,
                        environmental_how="Generated.",
                    )
                )
                if reached >= 3:
                    contract.s1_compliance = (
                        "compliant" if approved_at.date() <= started else "non_compliant"
                    )
            elif stage == "assessing":
                assessments.append(
                    Assessment(
                        pk=assessment_ids.take(),
                        contract_id=contract.pk,
                        version=1,
                        status="draft",
                        author=officer,
                    )
                )
            if reached >= 4:
                start = started + datetime.timedelta(days=60)
                contract.supplier = self.random.choice(self.suppliers)
                contract.award_value = value
                contract.awarded_on = started + datetime.timedelta(days=45)
                contract.contract_start = start
                contract.contract_end = start + datetime.timedelta(days=3 * 365)
                contract_periods = [
                    ReportingPeriod(pk=period_ids.take(), contract_id=contract.pk, start=s, end=e)
                    for s, e in quarters(start, contract.contract_end)
                ]
                periods.extend(contract_periods)
                started_periods = [p for p in contract_periods if p.end < self.today]
                for _ in range(per_contract):
                    objective = self.random.choice(self.active_objectives)
                    measure = self.random.choice(self.measures_by_outcome[objective.outcome_id])
                    quantity = Decimal(self.random.randint(5, 200))
                    commitment = Commitment(
                        pk=commitment_ids.take(),
                        contract_id=contract.pk,
                        delivered_by=contract.supplier,
                        measure=measure,
                        quantity=quantity,
                        area=self.random.choice(self.neighbourhoods),
                        objective=objective,
                        start_date=start,
                        due_date=contract.contract_end,
                        proxy_value=measure.proxy_value,
                        proxy_source=measure.proxy_source,
                        proxy_year=measure.proxy_year,
                    )
                    commitments.append(commitment)
                    if stage in ("in_delivery", "closed"):
                        for period in started_periods[:per_commitment]:
                            status = self.random.choice(
                                ["verified"] * 6 + ["submitted", "queried", "rejected"]
                            )
                            returns.append(
                                DeliveryReturn(
                                    commitment_id=commitment.pk,
                                    period_id=period.pk,
                                    quantity=Decimal(
                                        self.random.randint(0, int(quantity) // 4 + 1)
                                    ),
                                    evidence_text="Generated.",
                                    attested=True,
                                    status=status,
                                    submitted_by=self.supplier_contacts[contract.supplier.pk],
                                    submitted_at=self.now,
                                    decided_by=self.officer_of[buyer.pk]
                                    if status in ("verified", "rejected")
                                    else None,
                                    decided_at=self.now
                                    if status in ("verified", "rejected")
                                    else None,
                                )
                            )
            contracts.append(contract)
        self.save(Contract, contracts)
        self.save(Assessment, assessments)
        self.save(ReportingPeriod, periods)
        self.save(Commitment, commitments)
        self.save(DeliveryReturn, returns)

    def delivery_totals(self):
        """Returns were bulk created, bypassing the services: build the ledger in one go."""
        from contracts.ledger import rebuild

        rows = rebuild()
        self.say(f"ledger of delivery: {rows:,} lines")
