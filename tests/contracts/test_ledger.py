"""The ledger of delivery: kept equal to the returns by every way a return changes."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from contracts import ledger, ledger_check, services
from contracts.models import DeliveryReturn, DeliveryTotal, LedgerEntry, ObjectiveDelivery
from dashboards import figures

pytestmark = pytest.mark.django_db
Status = DeliveryReturn.Status


def stored(commitment) -> tuple:
    row = DeliveryTotal.objects.filter(commitment=commitment).first()
    if row is None:
        return (Decimal("0"), Decimal("0"), 0, 0)
    return (row.verified, row.claimed, row.verified_returns, row.claimed_returns)


def submit(world, period, quantity="3"):
    return services.return_submit(
        commitment=world.commitment,
        period=period,
        by=world.supplier_contact,
        quantity=Decimal(quantity),
        evidence_text="Delivered, with timesheets",
        attested=True,
    )


def test_every_service_keeps_the_totals_equal_to_the_returns(world):
    first, second = world.periods[:2]  # the two periods that have started
    assert stored(world.commitment) == (0, 0, 0, 0)

    a = submit(world, first, "3")
    assert stored(world.commitment) == (0, 3, 0, 1)
    b = submit(world, second, "5")
    assert stored(world.commitment) == (0, 8, 0, 2)

    a = services.return_verify(delivery_return=a, by=world.officer)
    assert stored(world.commitment) == (3, 5, 1, 1)

    b = services.return_query(delivery_return=b, by=world.officer, question="Which sites?")
    assert stored(world.commitment) == (3, 5, 1, 1)  # queried is still claimed
    b = services.return_answer(
        delivery_return=b, by=world.supplier_contact, answer="Two sites", quantity=Decimal("4")
    )
    assert stored(world.commitment) == (3, 4, 1, 1)

    services.return_reject(delivery_return=b, by=world.officer, reason="No evidence of site two")
    assert stored(world.commitment) == (3, 0, 1, 0)

    c = submit(world, second, "2")  # a corrected return for the rejected one's period
    services.return_verify(delivery_return=c, by=world.colleague)
    assert stored(world.commitment) == (5, 0, 2, 0)
    assert ledger_check.differences() == []


def test_a_refused_change_leaves_the_totals_alone(world):
    r = submit(world, world.periods[0], "3")
    with pytest.raises(Exception, match="verify a return you submitted"):
        services.return_verify(delivery_return=r, by=world.supplier_contact)
    assert stored(world.commitment) == (0, 3, 0, 1)


def test_rebuild_ledger_reports_and_rebuilds_what_bulk_loads_bypass(world, return_factory):
    periods = list(world.rival_contract.periods.order_by("start")[:2])
    DeliveryReturn.objects.bulk_create(
        [
            DeliveryReturn(
                commitment=world.rival_commitment,
                period=period,
                quantity=Decimal("2"),
                evidence_text="Bulk loaded",
                attested=True,
                status=Status.VERIFIED,
                submitted_by=world.officer,
            )
            for period in periods
        ]
    )
    found = ledger_check.differences()
    assert [which for which, _stored, _computed in found] == [
        *(f"commitment {world.rival_commitment.pk}, period {p.pk}" for p in periods),
        f"commitment {world.rival_commitment.pk} (total)",
    ]
    assert found[-1][2] == {
        "verified": 4,
        "claimed": 0,
        "verified_returns": 2,
        "claimed_returns": 0,
    }
    with pytest.raises(CommandError, match="3 ledger line"):
        call_command("rebuild_ledger", "--check")
    call_command("rebuild_ledger")
    assert stored(world.rival_commitment) == (4, 0, 2, 0)
    assert ledger_check.differences() == []


def test_figures_as_at_today_and_as_at_a_past_day_agree_with_the_returns(world):
    """Today the figures read the ledger's totals; for a past day its lines. Both must give
    what the returns say."""
    first, second = world.periods[:2]
    r1 = services.return_verify(delivery_return=submit(world, first, "3"), by=world.officer)
    services.return_verify(delivery_return=submit(world, second, "4"), by=world.officer)
    today = timezone.localdate()
    qs = figures.commitments(figures.Scope(place=world.place))
    now = figures.with_progress(qs, today).get(pk=world.commitment.pk)
    assert (now.verified, now.claimed) == (7, 0)
    # As at the day before the second period started, only the first return counts.
    before = second.start - datetime.timedelta(days=1)
    then = figures.with_progress(qs, before).get(pk=world.commitment.pk)
    assert then.verified == r1.quantity == 3


def test_the_objectives_rollup_follows_each_return_and_answers_as_at_a_day(world):
    """Targets are judged from the rollup per objective and measure: every service that
    changes a return keeps it equal to the lines, and as at a day it counts the periods
    started by then (verified) and every claim (claimed), as the commitments' lines do."""
    first, second = world.periods[:2]
    pair = (world.commitment.objective_id, world.commitment.measure_id)
    r1 = services.return_verify(delivery_return=submit(world, first, "3"), by=world.officer)
    r2 = submit(world, second, "4")
    assert ledger.by_objective_and_measure([pair[0]]) == {pair: (3, 4)}
    before = second.start - datetime.timedelta(days=1)
    assert ledger.by_objective_and_measure([pair[0]], before) == {pair: (3, 4)}
    assert ledger.by_objective_and_measure([pair[0]], first.start - datetime.timedelta(1)) == {
        pair: (0, 4)
    }
    services.return_reject(delivery_return=r2, by=world.officer, reason="Timesheets unsigned")
    assert ledger.by_objective_and_measure([pair[0]]) == {pair: (r1.quantity, 0)}
    assert ledger_check.differences() == []


def test_a_stale_row_of_the_objectives_rollup_is_reported_and_rebuilt(world):
    services.return_verify(delivery_return=submit(world, world.periods[0], "3"), by=world.officer)
    ObjectiveDelivery.objects.update(verified=Decimal("30"))  # a write bypassing the ledger
    found = ledger_check.differences()
    assert [
        (which.split(",")[0], stored["verified"], computed["verified"])
        for which, stored, computed in found
    ] == [(f"objective {world.commitment.objective_id}", 30, 3)]
    with pytest.raises(CommandError, match="differ from the returns"):
        call_command("rebuild_ledger", "--check")
    call_command("rebuild_ledger")
    assert ledger_check.differences() == []


def test_verified_by_area_gives_each_area_its_verified_quantity_and_pounds(world):
    first, second = world.periods[:2]
    services.return_verify(delivery_return=submit(world, first, "3"), by=world.officer)
    submit(world, second, "4")  # claimed, not verified: not counted
    found = ledger.verified_by_area(world.place)
    proxy = world.commitment.proxy_value
    assert found == {
        world.ward.pk: {"verified": 3, "verified_value": 3 * proxy, "returns": 1},
    }
    assert ledger.verified_by_area(world.place, end=first.start) == {}


def test_rebuild_ledger_check_exits_with_an_error_only_on_a_difference(world):
    call_command("rebuild_ledger", "--check")  # nothing to report
    LedgerEntry.objects.all().delete()
    submit(world, world.periods[0], "3")
    LedgerEntry.objects.all().delete()  # as if a write had bypassed the services
    with pytest.raises(CommandError, match="differ from the returns"):
        call_command("rebuild_ledger", "--check")
    call_command("rebuild_ledger")
    call_command("rebuild_ledger", "--check")
