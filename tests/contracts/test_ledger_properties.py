"""Reconciliation: for random histories of delivery, every figure equals the returns' own sum.

Hypothesis generates histories — commitments by the supplier, a subcontractor and a rival
supplier on another contract; returns submitted for any ended quarter, then verified,
queried, answered (with a changed quantity), rejected and resubmitted in any order — through
the services. After each history the contract page's figures, the objective page's, the
dashboard's (with and without a period), its quarters and tiles, the commitments CSV and the
OCDS export are each compared with sums computed here, independently, from the returns.
"""

import csv
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts import ledger, ledger_check, services
from contracts.models import Commitment, DeliveryReturn, ReportingPeriod
from dashboards import figures, ocds
from dashboards.periods import year_period
from objectives.progress import delivery_for
from tests.contracts.factories import CommitmentFactory, SupplierFactory

pytestmark = pytest.mark.django_db
Status = DeliveryReturn.Status

STEP = st.tuples(
    st.integers(0, 2),  # which commitment
    st.integers(0, 3),  # which ended period
    st.sampled_from(["submit", "verify", "query", "answer", "reject"]),
    st.integers(0, 40),  # a quantity
)


def _apply(world, commitments, periods, step):
    which, period_index, action, quantity = step
    commitment = commitments[which]
    contract_periods = periods[commitment.contract_id]
    period = contract_periods[period_index % len(contract_periods)]
    live = (
        DeliveryReturn.objects.filter(commitment=commitment, period=period)
        .exclude(status=Status.REJECTED)
        .first()
    )
    submitter = world.supplier_contact if which != 2 else world.rival_contact
    try:
        with transaction.atomic():
            if action == "submit" or live is None:
                services.return_submit(
                    commitment=commitment,
                    period=period,
                    by=submitter,
                    quantity=Decimal(quantity),
                    evidence_text="Timesheets",
                    attested=True,
                    quantity_confirmed=True,
                )
            elif action == "verify":
                services.return_verify(delivery_return=live, by=world.officer)
            elif action == "query":
                services.return_query(delivery_return=live, by=world.officer, question="Proof?")
            elif action == "answer":
                services.return_answer(
                    delivery_return=live,
                    by=submitter,
                    answer="Attached",
                    quantity=Decimal(quantity),
                    quantity_confirmed=True,
                )
            else:
                services.return_reject(delivery_return=live, by=world.officer, reason="No proof")
    except ValidationError:
        pass  # a refused step changes nothing, which the sums below also check


def _independent(commitments):
    """Sums straight from the returns, in Python: per commitment, per (commitment, period)."""
    verified, claimed = defaultdict(Decimal), defaultdict(Decimal)
    by_period = defaultdict(Decimal)
    by_quarter = defaultdict(Decimal)
    for r in DeliveryReturn.objects.filter(commitment__in=commitments).select_related(
        "period", "commitment"
    ):
        if r.status == Status.VERIFIED:
            verified[r.commitment_id] += r.quantity
            by_period[(r.commitment_id, r.period_id)] += r.quantity
            by_quarter[ledger.quarter_start(r.period.end)] += r.quantity * (
                r.commitment.proxy_value or 0
            )
        elif r.status in (Status.SUBMITTED, Status.QUERIED):
            claimed[r.commitment_id] += r.quantity
    return verified, claimed, by_period, by_quarter


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=10))
def test_every_figure_equals_the_sum_of_the_returns(client, world, steps):
    with transaction.atomic():
        subcontractor = SupplierFactory(name="Sub Ltd")
        world.contract.subcontractors.add(subcontractor)
        sub = CommitmentFactory(
            contract=world.contract,
            area=world.neighbourhood,
            measure=world.measure,
            objective=world.objective,
            delivered_by=subcontractor,
        )
        commitments = [world.commitment, sub, world.rival_commitment]
        periods = {
            c.contract_id: [
                p for p in c.contract.periods.order_by("start") if services.period_has_ended(p)
            ]
            for c in commitments
        }
        for step in steps:
            _apply(world, commitments, periods, step)
        verified, claimed, by_period, by_quarter = _independent(commitments)
        _check(client, world, commitments, verified, claimed, by_period, by_quarter)
        transaction.set_rollback(True)


def _check(client, world, commitments, verified, claimed, by_period, by_quarter):
    ids = [c.pk for c in commitments]
    quarter_of = {
        p.pk: ledger.quarter_start(p.end)
        for p in ReportingPeriod.objects.filter(pk__in=[k[1] for k in by_period])
    }
    # The ledger itself, and its rebuild.
    assert ledger_check.differences() == []
    # Contract and commitment pages.
    for c in Commitment.objects.filter(pk__in=ids).with_delivery():
        assert (c.verified_quantity, c.claimed_quantity) == (verified[c.pk], claimed[c.pk])
    # Objective page: the target counts every commitment of its objective and measure once.
    d = delivery_for([world.target.pk])[world.target.pk]
    assert d.verified == sum(verified.values())
    assert d.claimed_unverified == sum(claimed.values())
    # Dashboard, without and with a period (each financial year any return is in).
    scope = figures.Scope(place=world.place)
    (row,) = figures.delivered(scope, "measure_id")
    assert (row["verified"], row["claimed"]) == (sum(verified.values()), sum(claimed.values()))
    value = sum(verified[c.pk] * (c.proxy_value or 0) for c in commitments)
    assert row["verified_value"] == value
    for year in {q.year - (q.month < 4) for q in by_quarter}:
        p = year_period(year)
        period_scope = figures.Scope(place=world.place, start=p.start, end=p.end)
        rows = figures.delivered(period_scope, "measure_id")
        expected = sum(v for q, v in by_quarter.items() if p.start <= q <= p.end)
        assert sum(r["verified_value"] for r in rows) == expected
    # Filtered scopes (resolved to commitment ids once per page): the rollups of each area
    # and buyer, with and without a period, equal the returns of the commitments inside them.
    filters = [
        ({"area": world.ward}, lambda c: True),
        ({"area": world.neighbourhood}, lambda c: c.area_id == world.neighbourhood.pk),
        ({"organisation": world.council}, lambda c: True),
        ({"organisation": world.rival}, lambda c: False),  # buys nothing
        ({"area": world.neighbourhood, "organisation": world.council}, lambda c: c.pk == ids[1]),
    ]
    years = {q.year - (q.month < 4) for q in by_quarter}
    for match, inside in filters:
        chosen = [c for c in commitments if inside(c)]
        filtered = figures.Scope(place=world.place, **match)
        rows = figures.delivered(filtered, "measure_id")
        assert sum(r["verified"] for r in rows) == sum(verified[c.pk] for c in chosen), match
        assert sum(r["claimed"] for r in rows) == sum(claimed[c.pk] for c in chosen), match
        statuses = figures.commitment_statuses(filtered)
        assert statuses.total == len(chosen), match
        for year in years:
            p = year_period(year)
            in_year = figures.Scope(place=world.place, start=p.start, end=p.end, **match)
            want = sum(
                v
                for (pk, period_id), v in by_period.items()
                if pk in {c.pk for c in chosen} and p.start <= quarter_of[period_id] <= p.end
            )
            got = sum(r["verified"] for r in figures.delivered(in_year, "measure_id"))
            assert got == want, (match, year)
    quarters = {r.quarter: r.verified_value for r in figures.by_quarter(scope)}
    for quarter, amount in by_quarter.items():
        assert quarters.get(quarter, 0) == amount
    tiles = {t.name: t.verified_value for t in figures.by_area(scope)}
    keep_lane = verified[commitments[1].pk] * (commitments[1].proxy_value or 0)
    assert tiles.get("Keep Lane", 0) == keep_lane
    # The commitments CSV: one row per commitment and ended period; verified only.
    response = client.get(reverse("dashboards:commitments_csv", args=[world.place.slug]))
    body = b"".join(response.streaming_content).decode()
    csv_sums = defaultdict(Decimal)
    for line in csv.DictReader(io.StringIO(body)):
        if line["verified_quantity"]:
            csv_sums[int(line["commitment_id"])] += Decimal(line["verified_quantity"])
    assert {k: v for k, v in csv_sums.items() if v} == {k: v for k, v in verified.items() if v}
    # The OCDS export: each commitment's verified observations.
    package = ocds.release_package(figures.Scope(place=world.place, public=True), uri="https://x/")
    observed = defaultdict(Decimal)
    for release in package["releases"]:
        for contract in release.get("contracts", []):
            for metric in contract.get("implementation", {}).get("metrics", []):
                pk = int(metric["id"].split("-")[1])
                for observation in metric["observations"]:
                    if observation.get("notes") == "Verified by the buyer":
                        observed[pk] += Decimal(str(observation["measure"]))
    assert {k: v for k, v in observed.items() if v} == {k: v for k, v in verified.items() if v}
