"""Each headline figure and breakdown against the hand-computed world of conftest.py."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from contracts import ledger
from contracts.models import Commitment
from dashboards import figures
from dashboards.figures import Scope
from tests.contracts.factories import AwardedContractFactory, CommitmentFactory


@pytest.fixture
def scope(world):
    return Scope(place=world.place)


def test_spend_in_scope_counts_awarded_contracts_and_sets_exempt_apart(scope):
    assert figures.spend_in_scope(scope) == figures.SpendTotals(
        count=2, total=Decimal("4000"), exempt_count=1, exempt_total=Decimal("500")
    )


def test_compliance_share_and_the_list_of_contracts_without_an_assessment(scope, world):
    result = figures.compliance(scope)
    assert (result.compliant, result.non_compliant, result.exempt) == (1, 1, 1)
    assert result.share == 50
    [row] = result.not_compliant
    assert row.reference == "C2"
    assert row.reason == "No approved assessment"


def test_compliance_explains_an_assessment_approved_after_the_start(world, scope):
    from contracts.models import Assessment

    assessment = Assessment.objects.get(contract=world.c1)
    Assessment.objects.filter(pk=assessment.pk).update(
        approved_at=timezone.now() + datetime.timedelta(days=1)
    )
    world.c1.s1_compliance = "non_compliant"
    world.c1.save()
    result = figures.compliance(scope)
    assert result.share == 0
    assert [r.reference for r in result.not_compliant] == ["C1", "C2"]
    assert "after procurement started" in result.not_compliant[0].reason


def test_public_scope_lists_no_non_compliant_contracts(world):
    assert figures.compliance(Scope(place=world.place, public=True)).not_compliant == []


def test_average_weighting_counts_contracts_without_a_weighting_apart(scope):
    result = figures.average_weighting(scope)
    assert result.average == Decimal("20.0")
    assert result.count == 1
    assert result.started == 2  # C1 and C2; C3 is exempt
    assert result.without_weighting == 1
    assert result.below_minimum == 0


def test_delivery_by_measure_counts_verified_apart_from_claimed(scope):
    result = figures.delivery_by_measure(scope)
    rows = {r.code: r for r in result.rows}
    m1, m2, m3 = rows["M1"], rows["M2"], rows["M3"]
    assert (m1.committed, m1.verified, m1.claimed) == (10, 4, 3)
    assert m1.verified_value == Decimal("400")  # verified only: the claimed 3 add no £
    assert m1.committed_value == Decimal("1000")
    # A subcontractor's commitment with no proxy value: counted, never valued.
    assert (m2.committed, m2.verified, m2.verified_value, m2.without_proxy) == (
        5,
        2,
        0,
        1,
    )
    # A retired measure still counts; the rejected 7 count nowhere.
    assert m3.retired is True
    assert (m3.verified, m3.claimed, m3.verified_value) == (5, 0, Decimal("50"))
    assert result.verified_value == Decimal("450")
    assert result.committed_value == Decimal("1200")
    assert result.without_proxy == 1
    assert result.sources == [
        {"proxy_source": "Source A", "proxy_year": 2025},
        {"proxy_source": "Source B", "proxy_year": 2024},
    ]


def test_withdrawn_commitments_count_nowhere(world, scope):
    Commitment.objects.filter(pk=world.k3.pk).update(withdrawn_at=timezone.now())
    codes = [r.code for r in figures.delivery_by_measure(scope).rows]
    assert codes == ["M1", "M2"]


def test_objectives_summary(scope):
    assert figures.objectives_summary(scope) == figures.ObjectiveCounts(
        active=3,
        on_track=1,  # O1: 4 verified against 3 due so far (6 over 200 days, 100 gone)
        behind=0,
        no_targets=2,
        achieved=0,
        draft=1,
    )


def test_an_objective_falls_behind_when_verified_delivery_is_short(world, scope):
    world.k1.returns.filter(status="verified").update(quantity=Decimal("1"))
    ledger.record([world.k1.pk])  # a queryset update bypasses the services
    summary = figures.objectives_summary(scope)
    assert (summary.on_track, summary.behind) == (0, 1)
    [target] = figures.targets_progress(scope)
    assert (target.verified, target.claimed, target.on_track) == (1, 3, False)


def test_public_objectives_hide_drafts(world):
    summary = figures.objectives_summary(Scope(place=world.place, public=True))
    assert summary.draft is None
    assert summary.active == 3


def test_commitments_at_risk_carry_their_recovery_action(world, scope):
    # K3: 5 of 20 verified; about 2 were due. Make it fall behind by moving the period on.
    Commitment.objects.filter(pk=world.k3.pk).update(recovery_action="Extra crew in May")
    later = Scope(place=world.place, today=world.k3.due_date)
    rows = figures.commitments_at_risk(later)
    k3 = next(r for r in rows if r.pk == world.k3.pk)
    assert k3.status == "at_risk"
    assert k3.recovery_action == "Extra crew in May"
    counts = figures.commitment_statuses(later)
    assert counts.total == 3
    assert counts.at_risk + counts.behind == len(rows)
    # The page asks for the first rows only: the same rows, in the same order.
    assert len(rows) >= 2
    assert figures.commitments_at_risk(later, limit=1) == rows[:1]
    assert figures.commitments_at_risk(later, limit=len(rows) + 5) == rows


def test_by_area_rolls_up_to_neighbourhoods_and_keeps_ward_commitments_apart(scope, world):
    rows = {r.name: r for r in figures.by_area(scope)}
    assert rows["N1"].commitments == 2  # K1 in L1 (inside N1) and K2 in N1
    assert rows["N1"].verified_value == Decimal("400")
    assert rows["N2"].commitments == 0
    assert rows["N2"].band_label == "No commitments"
    assert rows["W2 (whole ward)"].commitments == 1
    assert rows["W2 (whole ward)"].wider is True


def test_gaps(scope, world):
    result = figures.gaps(scope)
    assert [a.name for a in result["areas"]] == ["N2"]
    assert [o.title for o in result["objectives"]] == ["O2 unserved"]


def test_an_objective_named_in_an_assessment_is_not_a_gap(scope, world):
    from contracts.models import Assessment

    Assessment.objects.get(contract=world.c1).objectives.through.objects.create(
        assessment=Assessment.objects.get(contract=world.c1), objective=world.o2
    )
    assert figures.gaps(scope)["objectives"] == []


def test_by_outcome(scope):
    rows = {r.outcome: r for r in figures.by_outcome(scope)}
    assert (rows["OC1"].objectives, rows["OC1"].commitments) == (1, 2)
    assert rows["OC1"].verified_value == Decimal("400")
    assert (rows["OC2"].objectives, rows["OC2"].commitments) == (2, 1)
    assert rows["OC2"].verified_value == Decimal("50")


def test_by_organisation_counts_each_contract_once_for_its_lead_buyer(scope, world):
    world.c2.joint_buyers.add(world.council)
    rows = {r.buyer__name: r for r in figures.by_organisation(scope)}
    council, nhs = rows["Testborough Council"], rows["Testborough NHS"]
    assert (council.awarded, council.spend, council.started) == (1, Decimal("1000"), 2)
    assert (nhs.awarded, nhs.spend, nhs.non_compliant) == (1, Decimal("3000"), 1)
    assert nhs.verified_value == Decimal("50")


def test_by_quarter_uses_financial_quarters(scope, world):
    rows = figures.by_quarter(scope)
    assert sum(r.verified for r in rows) == 3
    assert sum(r.claimed for r in rows) == 1
    assert sum(r.verified_value for r in rows) == Decimal("450")
    assert all(r.label[4] == "/" and " Q" in r.label for r in rows)


# Filters --------------------------------------------------------------------------------------


def test_period_filters_returns_by_reporting_period_and_contracts_by_award_date(world):
    p1 = world.c1.periods.order_by("start")[0]
    scope = Scope(place=world.place, start=p1.start, end=p1.end)
    rows = {r.code: r for r in figures.delivery_by_measure(scope).rows}
    assert rows["M1"].claimed == 0  # the claim is for the second period
    assert rows["M1"].verified == 4
    # No contract was awarded in the first reporting period (they were awarded before it).
    assert figures.spend_in_scope(scope).count == 0
    awarded = world.c1.awarded_on
    by_award = Scope(place=world.place, start=awarded, end=awarded)
    assert figures.spend_in_scope(by_award).count == 2


def test_organisation_filter(world):
    scope = Scope(place=world.place, organisation=world.nhs)
    assert figures.spend_in_scope(scope).total == Decimal("3000")
    assert [r.code for r in figures.delivery_by_measure(scope).rows] == ["M3"]
    assert figures.objectives_summary(scope).active == 1  # O4, led by the NHS body


def test_organisation_filter_includes_joint_buyers(world):
    world.c2.joint_buyers.add(world.council)
    scope = Scope(place=world.place, organisation=world.council)
    assert figures.spend_in_scope(scope).count == 2


def test_area_filter_includes_everything_below(world):
    ward = Scope(place=world.place, area=world.w1)
    assert [r.code for r in figures.delivery_by_measure(ward).rows] == ["M1", "M2"]
    assert figures.spend_in_scope(ward).count == 1  # C1 serves W1 through its commitments
    lsoa = Scope(place=world.place, area=world.l1)
    assert [r.code for r in figures.delivery_by_measure(lsoa).rows] == ["M1"]
    assert [r.name for r in figures.by_area(ward)] == ["N1", "N2"]


def test_theme_outcome_and_dimension_filters(world):
    for scope in (
        Scope(place=world.place, theme=world.t2),
        Scope(place=world.place, outcome=world.oc2),
        Scope(place=world.place, dimension="economic"),
    ):
        assert [r.code for r in figures.delivery_by_measure(scope).rows] == ["M3"]
        assert figures.spend_in_scope(scope).count == 1
        assert figures.objectives_summary(scope).active == 2  # O2 and O4
    social = Scope(place=world.place, dimension="social")
    assert [r.code for r in figures.delivery_by_measure(social).rows] == ["M1", "M2"]


def test_another_place_counts_nothing_here(world):
    from tests.places.factories import PlaceFactory

    other = Scope(place=PlaceFactory())
    assert figures.spend_in_scope(other).count == 0
    assert figures.delivery_by_measure(other).rows == []


def test_the_stored_totals_and_the_returns_give_the_same_delivery(world):
    """Without a period the figures read the per-commitment totals; with one they sum the
    returns. A period covering every return must give the same verified and claimed figures."""
    everything = Scope(  # periods ending in the future count too: progress is as at today
        place=world.place,
        start=datetime.date(2000, 4, 1),
        end=timezone.localdate() + datetime.timedelta(days=3650),
    )
    plain = Scope(place=world.place)

    def delivered(scope):
        return {
            r.measure_id: (r.verified, r.claimed, r.verified_value)
            for r in figures.delivery_by_measure(scope).rows
        }

    assert delivered(plain) == delivered(everything)
    assert any(v[0] for v in delivered(plain).values())  # something was verified

    def values(rows, key):
        return {getattr(r, key): r.verified_value for r in rows}

    assert values(figures.by_outcome(plain), "outcome") == values(
        figures.by_outcome(everything), "outcome"
    )
    assert values(figures.by_organisation(plain), "buyer_id") == values(
        figures.by_organisation(everything), "buyer_id"
    )
    assert values(figures.by_area(plain), "area_id") == values(
        figures.by_area(everything), "area_id"
    )


def test_a_narrow_area_filter_finds_contracts_through_commitments_and_relevant_areas(world):
    """A narrow filter's contracts are read as ids in two halves (through a commitment there,
    or naming the area as relevant) and joined: both halves count, nothing else does."""
    world.c4.areas.add(world.n2)  # no commitment: relevant to an area inside W1
    for organisation, expected in ((None, {"C1", "C4"}), (world.council, {"C1", "C4"})):
        scope = Scope(place=world.place, area=world.w1, organisation=organisation)
        assert {c.reference for c in figures.contracts(scope)} == expected
        assert figures._narrow_ids(scope) is not None  # the narrow path was the one taken
        assert len(scope._read_once["contracts"]) == 2
    nhs = Scope(place=world.place, area=world.w1, organisation=world.nhs)
    assert {c.reference for c in figures.contracts(nhs)} == set()


def test_a_narrow_area_filter_keeps_the_buyers_commitments_lead_or_joint(world, monkeypatch):
    """An area and buyer filter's commitments are read in two steps (the area's, then those on
    contracts the buyer leads or joins): the same commitments as the one query it replaces,
    which the filter falls back to when the area holds more than NARROW commitments."""

    def chosen(area, organisation):
        scope = Scope(place=world.place, area=area, organisation=organisation)
        return {c.pk for c in figures.commitments(scope, use_period=False)}

    assert chosen(world.w2, world.nhs) == {world.k3.pk}
    assert chosen(world.w2, world.council) == set()
    assert chosen(world.w1, world.council) == {world.k1.pk, world.k2.pk}
    world.c2.joint_buyers.add(world.council)
    assert chosen(world.w2, world.council) == {world.k3.pk}
    monkeypatch.setattr(figures.scope, "NARROW", 1)  # W1 holds 2: the single query answers
    scope = Scope(place=world.place, area=world.w1, organisation=world.council)
    assert figures.scope._in_area_first(scope) is None
    assert chosen(world.w1, world.council) == {world.k1.pk, world.k2.pk}


def test_the_public_twin_shares_the_filters_ids_and_gives_the_public_figures(world):
    """A neighbourhood page's public list reads the ids its private figures already read,
    and lists what a fresh public scope lists."""
    private = Scope(place=world.place, area=world.w1)
    figures.by_area(private)
    twin = private.public_twin()
    assert twin.public and not private.public and private.public_twin() is not private
    assert twin._read_once["commitments"] == private._read_once["commitments"]
    assert "objectives" not in twin._read_once  # the public page counts published ones only
    fresh = Scope(place=world.place, area=world.w1, public=True)
    assert figures.contracts_with_commitments(twin) == figures.contracts_with_commitments(fresh)
    assert figures.objectives_summary(twin) == figures.objectives_summary(fresh)
    assert fresh.public_twin() is fresh


def test_the_contracts_carrying_commitments_are_the_same_read_narrow_or_wide(world, monkeypatch):
    """A narrow filter lists its commitments' contracts (read with them); a wide one asks,
    per contract, for a current commitment in the filter: the same rows and count."""

    def listed(limit=10, **filters):
        scope = Scope(place=world.place, public=True, **filters)
        rows, total = figures.contracts_with_commitments(scope, limit=limit)
        return [row.reference for row in rows], total, figures._narrow_ids(scope) is not None

    # A second contract of the council's serving W1: the last two lists (narrow, then wide)
    # show fewer than there are, so their counts are not the rows shown.
    c5 = AwardedContractFactory(place=world.place, buyer=world.council, reference="C5")
    CommitmentFactory(contract=c5, measure=world.m1, area=world.n2, objective=world.o1)
    cases = [
        {"area": world.w1},
        {"area": world.w2},
        {"organisation": world.council},
        {},
        {"area": world.w1, "limit": 1},
        {"limit": 1},
    ]
    narrow = [listed(**case) for case in cases]
    monkeypatch.setattr(figures.scope, "NARROW", 0)  # every filter read as a subquery
    wide = [listed(**case) for case in cases]
    assert [(refs, total) for refs, total, _ in narrow] == [
        (refs, total) for refs, total, _ in wide
    ]
    assert narrow[0][1] == 2 and narrow[1][:2] == (["C2"], 1)
    assert len(narrow[4][0]) == 1 and narrow[4][1] == 2
    assert len(narrow[5][0]) == 1 and narrow[5][1] == 3
    assert [was for *_, was in narrow] == [True, True, True, False, True, False]
    assert not any(was for *_, was in wide)


def _narrow_filters(world) -> list[dict]:
    """Filters that select few commitments: a ward, a neighbourhood, a ward with a buyer, a
    buyer alone."""
    return [
        {"area": world.w1},
        {"area": world.n1},
        {"area": world.w2, "organisation": world.nhs},
        {"organisation": world.council},
    ]


def _periods(today) -> list[dict]:
    return [{}, {"start": today - datetime.timedelta(days=800), "end": today}]


def test_a_narrow_filters_delivery_is_read_once_and_sums_as_each_figure_would(
    world, monkeypatch, django_assert_num_queries
):
    """A narrow filter's delivery is read once, grouped by every key the figures ask for, and
    summed by each figure's keys: the same rows as each figure's own query over the lines
    (which a wide filter still makes), with and without a period."""
    today = timezone.localdate()
    keys = [
        ("area__path",),
        ("objective__outcome_id",),
        figures.delivery.MEASURE_FIELDS,
        ("area_id", "measure_id"),
    ]
    filters, periods = _narrow_filters(world), _periods(today)

    def keys_of(scope):
        # With a period, the quarter of each line too (the quarters' table).
        return [*keys, ("quarter",)] if scope.start else keys

    def read(**chosen):
        scope = Scope(place=world.place, **chosen)
        rows = [sorted(figures.delivered(scope, *fields), key=repr) for fields in keys_of(scope)]
        against_need = sorted(figures.verified_by_area_and_measure(scope), key=repr)
        return rows, against_need, scope

    narrow = []
    for chosen in filters:
        for period in periods:
            rows, against_need, scope = read(**chosen, **period)
            assert "delivered" in scope._read_once  # the narrow path was the one taken
            with django_assert_num_queries(0):  # every figure's keys, from the one read
                for fields in keys_of(scope):
                    figures.delivered(scope, *fields)
            narrow.append((rows, against_need))
    assert any(rows[0] for rows, _ in narrow) and any(need for _, need in narrow)
    monkeypatch.setattr(figures.scope, "NARROW", 0)  # every filter read as a subquery
    wide = []
    for chosen in filters:
        for period in periods:
            rows, against_need, scope = read(**chosen, **period)
            assert "delivered" not in scope._read_once
            wide.append((rows, against_need))
    assert narrow == wide


def test_a_narrow_filters_measures_and_sources_are_summed_from_its_progress(world, monkeypatch):
    """A narrow filter with a period counts its commitments by measure and proxy source with
    their progress (one pass); the measures' table and its sources are sums of those groups,
    and equal what a wide filter's own queries give, as do the statuses, areas and outcomes."""
    today = timezone.localdate()
    filters, periods = _narrow_filters(world), _periods(today)

    def read(**chosen):
        scope = Scope(place=world.place, **chosen)
        found = (
            figures.delivery_by_measure(scope),
            figures.commitment_statuses(scope),
            figures.by_area(scope),
            figures.by_outcome(scope),
        )
        keyed = all("measure_id" in row for row in figures.progress_groups(scope))
        return found, keyed

    cases = [dict(**chosen, **period) for chosen in filters for period in periods]
    narrow = [read(**case) for case in cases]
    # The narrow path was the one taken with a period (without one, the measures' committed
    # quantities come with their delivery).
    assert [keyed for _, keyed in narrow] == ["start" in case for case in cases]
    assert any(found[0].rows for found, _ in narrow)
    assert any(found[0].sources for found, _ in narrow)
    monkeypatch.setattr(figures.scope, "NARROW", 0)  # every filter read as a subquery
    wide = [read(**case) for case in cases]
    assert not any(keyed for _, keyed in wide)
    assert [found for found, _ in narrow] == [found for found, _ in wide]


def test_the_measures_table_lists_codes_in_the_order_people_read_them(world, scope):
    """M10 comes after M2 and M3 (as text it would sort before them)."""
    from tests.objectives.factories import MeasureFactory

    m10 = MeasureFactory(outcome=world.m1.outcome, code="M10", unit="starts")
    CommitmentFactory(contract=world.c1, measure=m10, area=world.n1, objective=world.o1)
    codes = [r.code for r in figures.delivery_by_measure(scope).rows]
    assert codes == ["M1", "M2", "M3", "M10"]
