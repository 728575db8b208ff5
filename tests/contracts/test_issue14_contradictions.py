"""Issue 14's contradictions, each pinned: pages that disagreed with each other or the calendar.

Each test fails on the code before the ledger; the generic tests beside them (the property
tests in test_ledger_properties.py, the scan in test_ledger_only.py) catch their kind.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from contracts import services
from contracts.models import Contract
from dashboards import figures
from objectives import services as objective_services
from objectives.progress import target_status
from tests.contracts.factories import (
    AwardedContractFactory,
    CommitmentFactory,
    DeliveryReturnFactory,
)
from tests.objectives.factories import TargetFactory

pytestmark = pytest.mark.django_db


def _close_as_achieved(world):
    return objective_services.objective_change_status(
        objective=world.objective,
        to="achieved",
        by=world.officer,
        reason="The target was met and checked by the council's social value officer.",
    )


def test_achieved_with_nothing_verified_is_not_said_to_be_met(client, world):
    """'Achieved … the target was met and checked' beside a target at 0 (0%) verified, while
    the dashboard listed the same objective as 'Behind'."""
    objective = _close_as_achieved(world)
    page = client.get(objective.get_absolute_url()).content.decode()
    assert "Achieved: verified delivery meets every target" not in page
    assert f"Closed as achieved by {objective.lead_organisation.name} on" in page
    unit = world.target.measure.unit
    target = f"{world.target.target_quantity.normalize():,f}"
    assert f"verified delivery 0 of {target} {unit}" in page
    rows = figures.targets_progress(figures.Scope(place=world.place))
    (row,) = [r for r in rows if r.objective__title == objective.title]
    assert (row.status, row.status_label) == ("closed", "Closed as achieved")


def test_achieved_is_said_to_be_met_only_when_verified_delivery_meets_every_target(client, world):
    r = services.return_submit(
        commitment=world.commitment,
        period=world.periods[0],
        by=world.supplier_contact,
        quantity=world.target.target_quantity,
        evidence_text="All delivered",
        attested=True,
        quantity_confirmed=True,
    )
    services.return_verify(delivery_return=r, by=world.officer)
    objective = _close_as_achieved(world)
    page = client.get(objective.get_absolute_url()).content.decode()
    assert "Achieved: verified delivery meets every target" in page
    assert "Closed as achieved by" not in page


def test_no_verified_delivery_is_said_only_when_no_target_has_any(client, world):
    """A target at 75% verified and, lower down, 'No verified delivery has been recorded
    against these targets yet' (the template looked at the first target only)."""
    other = CommitmentFactory(contract=world.contract, area=world.ward, objective=world.objective)
    TargetFactory(
        objective=world.objective,
        measure=world.measure,
        target_quantity=Decimal("1000"),
        baseline_date=world.contract.contract_start,
        target_date=world.contract.contract_end,
    )
    second = TargetFactory(
        objective=world.objective,
        measure=other.measure,
        target_quantity=Decimal("4"),
        baseline_date=world.contract.contract_start,
        target_date=world.contract.contract_end,
    )
    DeliveryReturnFactory(commitment=other, quantity=Decimal("3"), status="verified")
    page = client.get(world.objective.get_absolute_url()).content.decode()
    assert second.measure.name in page
    assert "3 (75%)" in page
    assert "No verified delivery has been recorded" not in page


def test_a_tile_with_verified_delivery_shows_it_even_when_nothing_is_due(client, world):
    """A neighbourhood with £765 of verified delivery showed '–' on its dashboard tile."""
    commitment = CommitmentFactory(
        contract=world.contract,
        area=world.neighbourhood,
        schedule="one_off",
        due_date=world.contract.contract_end,
        quantity=Decimal("100"),
    )
    DeliveryReturnFactory(commitment=commitment, quantity=Decimal("3"), status="verified")
    expected = (Decimal("3") * commitment.proxy_value).quantize(Decimal("1"))
    (tile,) = [
        t for t in figures.by_area(figures.Scope(place=world.place)) if t.name == "Keep Lane"
    ]
    assert tile.percent is None  # nothing was due yet: a one-off, due at the end
    assert tile.verified_value == 3 * commitment.proxy_value
    client.force_login(world.leader)
    page = client.get(reverse("dashboards:dashboard"), {"place": world.place.slug})
    assert f"£{expected:,} verified" in page.content.decode()


def test_no_return_is_taken_or_charted_for_a_period_that_has_not_ended(world):
    """Returns were accepted, and verified, for periods that had not ended; the dashboard then
    charted verified delivery in a quarter that had not started."""
    today = timezone.localdate()
    current = next(p for p in world.periods if p.start <= today <= p.end)
    with pytest.raises(Exception, match="once it has ended"):
        services.return_submit(
            commitment=world.commitment,
            period=current,
            by=world.supplier_contact,
            quantity=Decimal("1"),
            evidence_text="Coming weeks",
            attested=True,
        )
    # An officer may open it early, with a reason, which is kept.
    current = services.period_allow_early_returns(
        period=current, by=world.officer, reason="The contract ends early, on 1 March"
    )
    r = services.return_submit(
        commitment=world.commitment,
        period=current,
        by=world.supplier_contact,
        quantity=Decimal("1"),
        evidence_text="Delivered before the early end",
        attested=True,
    )
    assert r.period.early_returns_reason == "The contract ends early, on 1 March"
    quarters = [row.quarter for row in figures.by_quarter(figures.Scope(place=world.place))]
    assert all(q <= today for q in quarters)


def test_consecutive_periods_never_share_a_day(world):
    """Periods ran 9 Feb–9 May, 9 May–9 Aug: the boundary day was in two periods."""
    for before, after in zip(world.periods, world.periods[1:], strict=False):
        assert after.start == before.end + datetime.timedelta(days=1)
        assert before.start.month in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
    for period in world.periods[1:-1]:
        assert period.start.day == 1 and period.start.month in (1, 4, 7, 10)


def test_a_contract_with_no_assessment_is_not_recorded_not_non_compliant(world, officer):
    """An OCDS-imported contract with no assessment on record counted as 'not compliant'."""
    contract = AwardedContractFactory(
        place=world.place, buyer=world.council, owner=officer, assessment=False
    )
    assert services.compliance_for(contract, datetime.date(2025, 1, 1)) == (
        Contract.Compliance.NOT_RECORDED
    )
    Contract.objects.filter(pk=contract.pk).update(
        s1_compliance=Contract.Compliance.NOT_RECORDED,
        procurement_started_on=datetime.date(2025, 1, 1),
    )
    counts = figures.compliance(figures.Scope(place=world.place))
    assert counts.not_recorded == 1
    assert contract.reference not in [row.reference for row in counts.not_compliant]


def test_the_headline_counts_targets_by_the_same_rule_as_each_row(world):
    """'0 on track, 14 behind' above target rows saying 'On track': the headline compared the
    verified quantity with the unrounded float share due, the rows with it to the penny."""
    scope = figures.Scope(place=world.place)
    rows = figures.targets_progress(scope)
    summary = figures.objectives_summary(scope)
    behind = {r.objective__title for r in rows if r.status == "behind"}
    assert summary.behind == len(behind)
    for row in rows:
        assert row.status == target_status(
            row.verified, row.target_quantity, row.expected, row.objective__status
        )


@pytest.mark.parametrize(
    ("verified", "expected", "status"),
    [
        ("3.33", 3.3333333333, "on_track"),  # due 3.33 to the penny: met, in both places
        ("3.32", 3.3333333333, "behind"),
        ("10", 99.0, "complete"),
    ],
)
def test_the_target_rule_rounds_the_share_due_to_the_penny(verified, expected, status):
    assert target_status(Decimal(verified), Decimal("10"), expected) == status


def test_an_early_return_and_a_moved_return_say_so_on_their_page(client, world):
    today = timezone.localdate()
    current = next(p for p in world.periods if p.start <= today <= p.end)
    current = services.period_allow_early_returns(
        period=current, by=world.officer, reason="The contract ends early"
    )
    r = services.return_submit(
        commitment=world.commitment,
        period=current,
        by=world.supplier_contact,
        quantity=Decimal("1"),
        evidence_text="Delivered",
        attested=True,
    )
    moved = DeliveryReturnFactory(
        commitment=world.commitment,
        period=world.periods[0],
        moved_note="Made for the period 9 Feb 2026 to 9 May 2026; moved to 1 Apr 2026 to 30 Jun "
        "2026 when reporting periods became financial quarters.",
    )
    client.force_login(world.officer)
    page = client.get(reverse("contracts:return_detail", args=[r.pk])).content.decode()
    assert "Early return" in page and "The contract ends early" in page
    page = client.get(reverse("contracts:return_detail", args=[moved.pk])).content.decode()
    assert "Made for the period 9 Feb 2026 to 9 May 2026" in page


def test_an_officer_must_give_a_reason_to_open_a_period_early(world):
    current = next(p for p in world.periods if p.start <= timezone.localdate() <= p.end)
    with pytest.raises(ValidationError, match="Explain why"):
        services.period_allow_early_returns(period=current, by=world.officer, reason=" ")
    current.refresh_from_db()
    assert current.early_returns_reason == ""
    with pytest.raises(ValidationError, match="has ended"):
        services.period_allow_early_returns(period=world.periods[0], by=world.officer, reason="x")
