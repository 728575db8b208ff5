"""The move to financial-quarter periods (migration 0014) keeps every return (issue 14)."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from contracts import ledger, ledger_check
from contracts.models import DeliveryReturn, ReportingPeriod
from tests.contracts.factories import CommitmentFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("contracts.migrations.0014_financial_quarter_periods")
# The objectives' rollup came later (0018), summed from the lines 0014 leaves.
rollup = importlib.import_module("contracts.migrations.0018_objective_delivery")
D = datetime.date


def test_old_periods_become_quarters_and_every_return_moves_with_a_note(world):
    contract = world.contract
    contract.contract_start, contract.contract_end = D(2025, 2, 9), D(2026, 2, 9)
    contract.save()
    ReportingPeriod.objects.filter(contract=contract).delete()
    old = [
        ReportingPeriod.objects.create(contract=contract, start=s, end=e)
        for s, e in [
            (D(2025, 2, 9), D(2025, 5, 9)),
            (D(2025, 5, 9), D(2025, 8, 9)),
            (D(2025, 8, 9), D(2025, 11, 9)),
            (D(2025, 11, 9), D(2026, 2, 9)),
        ]
    ]
    commitment = CommitmentFactory(contract=contract, area=world.ward)
    made = [
        DeliveryReturn.objects.create(
            commitment=commitment,
            period=period,
            quantity=Decimal(n + 1),
            evidence_text="Old",
            attested=True,
            status="verified",
            submitted_by=world.supplier_contact,
        )
        for n, period in enumerate(old)
    ]
    ledger.record([commitment.pk])  # as the services had
    migration.to_financial_quarters(apps, None)
    rollup.fill(apps, None)
    periods = list(contract.periods.order_by("start").values_list("start", "end"))
    assert periods == [
        (D(2025, 2, 9), D(2025, 3, 31)),
        (D(2025, 4, 1), D(2025, 6, 30)),
        (D(2025, 7, 1), D(2025, 9, 30)),
        (D(2025, 10, 1), D(2025, 12, 31)),
        (D(2026, 1, 1), D(2026, 2, 9)),
    ]
    kept = {r.pk: r for r in DeliveryReturn.objects.filter(commitment=commitment)}
    assert set(kept) == {r.pk for r in made}  # nothing lost
    assert sum(r.quantity for r in kept.values()) == 10
    moved = kept[made[0].pk]
    assert (moved.period.start, moved.period.end) == (D(2025, 4, 1), D(2025, 6, 30))
    assert moved.moved_note.startswith("Made for the period 9 Feb 2025 to 9 May 2025; moved to")
    assert kept[made[3].pk].period.start == D(2026, 1, 1)
    assert ledger_check.differences() == []
