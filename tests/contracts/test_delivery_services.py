"""Commitments and delivery returns at the service level: counts first, £ derived from a copied
proxy, each delivery claimed once, every refusal changing nothing, and only verified delivery
counting as delivered."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Value
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from contracts import double_counting, ledger, progress, services
from contracts.models import ClaimKey, Commitment, Contract, DeliveryReturn
from objectives.models import Objective
from objectives.progress import delivery_for
from tests.contracts.factories import (
    AwardedContractFactory,
    CommitmentFactory,
    DeliveryReturnFactory,
    SupplierFactory,
)
from tests.objectives.factories import ObjectiveFactory
from tests.places.factories import AreaFactory

pytestmark = pytest.mark.django_db
Status = DeliveryReturn.Status


def add_commitment(world, **overrides):
    fields = dict(
        contract=world.contract,
        by=world.officer,
        measure=world.measure,
        quantity=Decimal("12"),
        area=world.ward,
        objective=world.objective,
        start_date=world.contract.contract_start,
        due_date=world.contract.contract_end,
    )
    fields.update(overrides)
    return services.commitment_add(**fields)


def submit(world, commitment=None, **overrides):
    fields = dict(
        commitment=commitment or world.commitment,
        period=world.period,
        by=world.supplier_contact,
        quantity=Decimal("3"),
        evidence_text="Three apprentices started in June",
        attested=True,
    )
    fields.update(overrides)
    return services.return_submit(**fields)


def snapshot():
    """Everything a refused return must leave untouched."""
    return (
        DeliveryReturn.objects.count(),
        ClaimKey.objects.count(),
        list(Contract.objects.order_by("pk").values_list("stage", flat=True)),
        list(DeliveryReturn.objects.order_by("pk").values_list("status", "version", "quantity")),
    )


# Commitments: counts first, £ derived ---------------------------------------------------------


def test_commitment_copies_the_proxy_and_a_later_framework_change_does_not_rewrite_it(world):
    commitment = add_commitment(world)
    assert (commitment.proxy_value, commitment.proxy_year) == (Decimal("1250.50"), 2025)
    assert commitment.proxy_source == "Testborough proxy values"
    assert commitment.committed_value == Decimal("15006.00")  # 12 × £1,250.50

    world.measure.proxy_value = Decimal("9999.00")
    world.measure.proxy_year = 2026
    world.measure.save()
    commitment.refresh_from_db()
    assert commitment.proxy_value == Decimal("1250.50")
    assert commitment.proxy_year == 2025
    assert commitment.committed_value == Decimal("15006.00")
    # A commitment made after the change copies the new value.
    assert add_commitment(world).committed_value == Decimal("119988.00")


def test_the_value_is_derived_never_typed(world):
    for name in ("proxy_value", "proxy_source", "proxy_year"):
        assert Commitment._meta.get_field(name).editable is False
    world.measure.proxy_value = None
    world.measure.proxy_source = ""
    world.measure.proxy_year = None
    world.measure.save()
    commitment = add_commitment(world)
    assert commitment.proxy_value is None and commitment.committed_value is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"quantity": Decimal("0")}, "The quantity must be more than 0"),
        ({"quantity": Decimal("-3")}, "The quantity must be more than 0"),
        ("due_before_start", "The due date must be after the start date"),
        ("area_elsewhere", "Choose an area in the contract's place"),
        ("draft_objective", "Choose an active objective"),
        ("stranger_delivers", "Choose a supplier on the award or one of the subcontractors"),
        ("closed", "Commitments are recorded once the contract is awarded"),
    ],
)
def test_bad_commitments_are_refused_and_nothing_is_saved(world, overrides, message):
    if overrides == "due_before_start":
        overrides = {"due_date": world.contract.contract_start - datetime.timedelta(days=1)}
    elif overrides == "area_elsewhere":
        overrides = {"area": AreaFactory(name="Far away")}
    elif overrides == "draft_objective":
        overrides = {
            "objective": ObjectiveFactory(
                outcome=world.measure.outcome, status=Objective.Status.DRAFT
            )
        }
    elif overrides == "stranger_delivers":
        overrides = {"delivered_by": world.rival}
    elif overrides == "closed":
        Contract.objects.filter(pk=world.contract.pk).update(stage=Contract.Stage.CLOSED)
        overrides = {}
    before = Commitment.objects.count()
    with pytest.raises(ValidationError) as caught:
        add_commitment(world, **overrides)
    assert message in str(caught.value)
    assert Commitment.objects.count() == before


# Double counting ------------------------------------------------------------------------------


def test_claim_keys_make_the_same_identifier_impossible_to_claim_on_two_contracts(world):
    submit(world, beneficiary_references="APP-001\nAPP-002")
    rival_period = world.rival_contract.periods.order_by("start").first()
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        submit(
            world,
            commitment=world.rival_commitment,
            period=rival_period,
            by=world.rival_contact,
            beneficiary_references="APP-002, APP-003",
        )
    assert "Already claimed for" in str(caught.value) and "APP-002" in str(caught.value)
    assert snapshot() == before


def test_claim_keys_stop_a_contractor_and_its_subcontractor_claiming_the_same_delivery(world):
    sub = SupplierFactory(name="Sub Ltd")
    services.subcontractor_add(contract=world.contract, organisation=sub, by=world.officer)
    sub_commitment = add_commitment(world, delivered_by=sub, quantity=Decimal("4"))
    submit(world, beneficiary_references="APP-001")
    before = snapshot()
    with pytest.raises(ValidationError, match="cannot be counted twice"):
        submit(world, commitment=sub_commitment, beneficiary_references="APP-001")
    assert snapshot() == before


def test_a_rejected_claim_frees_its_identifiers(world):
    first = submit(world, beneficiary_references="APP-001")
    services.return_reject(delivery_return=first, by=world.officer, reason="Wrong person")
    rival_period = world.rival_contract.periods.order_by("start").first()
    again = submit(
        world,
        commitment=world.rival_commitment,
        period=rival_period,
        by=world.rival_contact,
        beneficiary_references="APP-001",
    )
    assert list(again.claim_keys.values_list("key", flat=True)) == ["APP-001"]


def test_possible_double_counts_flags_overlaps_for_an_officer_to_check(world):
    contract = world.contract
    # Same organisation, same measure and area, overlapping dates, another contract: flagged.
    second = AwardedContractFactory(
        place=world.place, buyer=world.council, supplier=world.supplier, reference="C-TWO"
    )
    same_org_elsewhere = CommitmentFactory(
        contract=second, measure=world.measure, area=world.ward, objective=world.objective
    )
    # A subcontractor on the same contract, same measure and area: flagged.
    sub = SupplierFactory(name="Sub Ltd")
    services.subcontractor_add(contract=contract, organisation=sub, by=world.officer)
    by_sub = add_commitment(world, delivered_by=sub, quantity=Decimal("2"))
    # Not flagged: another area; dates that do not overlap; another organisation elsewhere.
    CommitmentFactory(
        contract=second, measure=world.measure, area=world.neighbourhood, objective=world.objective
    )
    CommitmentFactory(
        contract=second,
        measure=world.measure,
        area=world.ward,
        objective=world.objective,
        start_date=contract.contract_end,
        due_date=contract.contract_end + datetime.timedelta(days=90),
    )

    warnings = double_counting.warnings_for_one(world.commitment)
    flagged = {w.commitment.pk for w in warnings}
    assert flagged == {same_org_elsewhere.pk, by_sub.pk}
    assert world.rival_commitment.pk not in flagged  # another supplier on another contract
    reasons = " ".join(w.reason for w in warnings)
    assert "on C-TWO: the same delivery must not be claimed on both contracts" in reasons
    assert "the main supplier and the subcontractor do not both claim" in reasons

    # Withdrawn commitments are not flagged.
    Commitment.objects.filter(pk=same_org_elsewhere.pk).update(withdrawn_at=timezone.now())
    assert {w.commitment.pk for w in double_counting.warnings_for_one(world.commitment)} == {
        by_sub.pk
    }


def test_double_counts_are_checked_in_one_query_and_worded_once_per_overlap(
    world, django_assert_num_queries
):
    """The contract page checks all its commitments in one query; three other contracts by the
    same supplier read as one sentence naming them, not three repeated sentences (found from
    outside: a contract page repeated "the same delivery must not be claimed on both contracts"
    nine times)."""
    others = []
    for reference in ("C-TWO", "C-THREE"):
        contract = AwardedContractFactory(
            place=world.place, buyer=world.council, supplier=world.supplier, reference=reference
        )
        others.append(
            CommitmentFactory(
                contract=contract, measure=world.measure, area=world.ward, objective=world.objective
            )
        )
    sub = SupplierFactory(name="Sub Ltd")
    services.subcontractor_add(contract=world.contract, organisation=sub, by=world.officer)
    add_commitment(world, delivered_by=sub, quantity=Decimal("2"))
    everything = list(Commitment.objects.select_related("contract", "measure", "area"))
    with django_assert_num_queries(1):
        found = double_counting.warnings_for(everything)
    mine = double_counting.sentences(found[world.commitment.pk])
    assert len(mine) == 2, mine
    (elsewhere,) = [s for s in mine if "C-TWO" in s]
    assert "on C-THREE and C-TWO: the same delivery must not be claimed on more than one" in (
        elsewhere
    )
    assert any("main supplier and the subcontractor" in s for s in mine)
    # Each of the others sees this contract once, and "both contracts" when there are two.
    (theirs,) = double_counting.sentences(
        [w for w in found[others[0].pk] if w.commitment.contract_id == world.contract.pk]
    )
    assert theirs.endswith("the same delivery must not be claimed on both contracts")


# Returns: refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("negative", "The quantity delivered cannot be negative"),
        ("future_period", "You can make a return for this period once it has ended"),
        ("current_period", "You can make a return for this period once it has ended"),
        ("closed_contract", "The contract is closed: returns are no longer taken"),
        ("unattested", "Confirm the delivery relates only to this contract and period"),
        ("no_evidence", "Describe the evidence for what was delivered"),
        ("duplicate", "A return for this commitment and period already exists"),
        ("other_contracts_period", "Choose a reporting period of this contract"),
    ],
)
def test_bad_returns_are_refused_with_a_message_and_nothing_changes(world, case, message):
    kwargs = {}
    if case == "negative":
        kwargs["quantity"] = Decimal("-1")
    elif case == "future_period":
        kwargs["period"] = world.periods[-1]
        assert world.periods[-1].start > timezone.localdate()
    elif case == "current_period":
        # Issue 14: a return on the first day of a period, describing the coming weeks.
        kwargs["period"] = next(
            p for p in world.periods if p.start <= timezone.localdate() <= p.end
        )
    elif case == "closed_contract":
        Contract.objects.filter(pk=world.contract.pk).update(stage=Contract.Stage.CLOSED)
        world.commitment.contract.refresh_from_db()
    elif case == "unattested":
        kwargs["attested"] = False
    elif case == "no_evidence":
        kwargs["evidence_text"] = "   "
    elif case == "duplicate":
        submit(world)
    elif case == "other_contracts_period":
        kwargs["period"] = world.rival_contract.periods.order_by("start").first()
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        submit(world, **kwargs)
    assert message in str(caught.value)
    assert snapshot() == before


def test_a_first_return_moves_the_contract_into_delivery(world):
    submit(world)
    world.contract.refresh_from_db()
    assert world.contract.stage == Contract.Stage.IN_DELIVERY


# Returns: verify, query, answer, reject -------------------------------------------------------


def test_verify_counts_the_quantity_and_records_who(world):
    r = submit(world)
    verified = services.return_verify(delivery_return=r, by=world.officer, expected_version=1)
    assert verified.status == Status.VERIFIED
    assert verified.decided_by == world.officer and verified.decided_at is not None
    assert verified.version == 2


def test_query_then_answer_then_verify(world):
    r = submit(world)
    r = services.return_query(
        delivery_return=r, by=world.officer, question="Which site?", expected_version=1
    )
    assert (r.status, r.query) == (Status.QUERIED, "Which site?")
    with pytest.raises(ValidationError, match="Wait for the supplier to answer"):
        services.return_verify(delivery_return=r, by=world.officer)
    r = services.return_answer(
        delivery_return=r,
        by=world.supplier_contact,
        answer="The Keep Lane depot",
        quantity=Decimal("2"),
        expected_version=2,
    )
    assert (r.status, r.answer, r.quantity) == (Status.SUBMITTED, "The Keep Lane depot", 2)
    r = services.return_verify(delivery_return=r, by=world.officer, expected_version=3)
    assert r.status == Status.VERIFIED


def test_reject_needs_a_reason_and_then_cannot_be_verified(world):
    r = submit(world)
    with pytest.raises(ValidationError, match="Explain why the return is rejected"):
        services.return_reject(delivery_return=r, by=world.officer, reason=" ")
    r.refresh_from_db()
    assert r.status == Status.SUBMITTED
    r = services.return_reject(delivery_return=r, by=world.officer, reason="No evidence")
    assert (r.status, r.rejection_reason) == (Status.REJECTED, "No evidence")
    with pytest.raises(ValidationError, match="already rejected"):
        services.return_verify(delivery_return=r, by=world.colleague)


def test_the_submitter_cannot_verify_their_own_return(world):
    r = submit(world, by=world.officer)  # an officer may report for the supplier
    with pytest.raises(ValidationError, match="You cannot verify a return you submitted"):
        services.return_verify(delivery_return=r, by=world.officer)
    r.refresh_from_db()
    assert r.status == Status.SUBMITTED
    assert services.return_verify(delivery_return=r, by=world.colleague).status == Status.VERIFIED


@pytest.mark.parametrize("action", ["verify", "query", "reject", "answer"])
def test_a_stale_version_is_refused_so_nobody_silently_overwrites(world, action):
    r = submit(world)
    if action == "answer":
        r = services.return_query(delivery_return=r, by=world.officer, question="Which site?")
    stale = r.version
    # Someone else changes the return in the meantime.
    DeliveryReturn.objects.filter(pk=r.pk).update(version=stale + 1)
    before = snapshot()
    call = {
        "verify": lambda: services.return_verify(
            delivery_return=r, by=world.colleague, expected_version=stale
        ),
        "query": lambda: services.return_query(
            delivery_return=r, by=world.colleague, question="Why?", expected_version=stale
        ),
        "reject": lambda: services.return_reject(
            delivery_return=r, by=world.colleague, reason="No", expected_version=stale
        ),
        "answer": lambda: services.return_answer(
            delivery_return=r, by=world.supplier_contact, answer="Here", expected_version=stale
        ),
    }[action]
    with pytest.raises(ValidationError, match="Someone else changed this return"):
        call()
    assert snapshot() == before


def test_the_supported_group_confirms_once(world):
    r = submit(world, supported_group=world.group)
    r = services.return_confirm_support(delivery_return=r, by=world.vcs_member)
    assert r.group_confirmed_by == world.vcs_member
    with pytest.raises(ValidationError, match="already confirmed"):
        services.return_confirm_support(delivery_return=r, by=world.vcs_member)


# Only verified delivery counts ----------------------------------------------------------------


def test_only_verified_quantities_reach_the_objectives_target(world):
    target = world.target
    assert delivery_for([target.pk])[target.pk].verified == 0

    first = submit(world, quantity=Decimal("3"))
    d = delivery_for([target.pk])[target.pk]
    assert (d.verified, d.claimed_unverified) == (0, 3)  # claimed is shown apart

    services.return_verify(delivery_return=first, by=world.officer)
    d = delivery_for([target.pk])[target.pk]
    assert (d.verified, d.claimed_unverified) == (3, 0)

    second = submit(world, period=world.periods[1], quantity=Decimal("5"))
    services.return_query(delivery_return=second, by=world.officer, question="Proof?")
    d = delivery_for([target.pk])[target.pk]
    assert (d.verified, d.claimed_unverified) == (3, 5)

    services.return_reject(delivery_return=second, by=world.officer, reason="No proof")
    d = delivery_for([target.pk])[target.pk]
    assert (d.verified, d.claimed_unverified) == (3, 0)  # rejected counts nowhere


def test_delivery_on_another_measure_or_objective_does_not_reach_the_target(world):
    other = CommitmentFactory(contract=world.contract, area=world.ward)  # its own measure
    r = submit(world, commitment=other, quantity=Decimal("7"))
    services.return_verify(delivery_return=r, by=world.officer)
    assert delivery_for([world.target.pk])[world.target.pk].verified == 0


def test_with_delivery_splits_verified_from_claimed(world):
    DeliveryReturnFactory(
        commitment=world.commitment, period=world.periods[0], quantity=4, status=Status.VERIFIED
    )
    DeliveryReturnFactory(
        commitment=world.commitment, period=world.periods[1], quantity=2, status=Status.QUERIED
    )
    c = Commitment.objects.with_delivery().get(pk=world.commitment.pk)
    assert (c.verified_quantity, c.claimed_quantity) == (4, 2)


# Status against the pro-rata expectation ------------------------------------------------------

START, DUE = datetime.date(2026, 1, 1), datetime.date(2027, 1, 1)  # 365 days


def judged(world, on, verified, schedule=Commitment.Schedule.QUARTERLY, quantity="12"):
    """The one rule (`contracts.progress.with_progress`, in SQL) for a commitment of `quantity`
    from START to DUE with `verified` delivered, as at `on`."""
    Commitment.objects.filter(pk=world.commitment.pk).update(
        quantity=Decimal(quantity), start_date=START, due_date=DUE, schedule=schedule
    )
    verified = Value(Decimal(verified), output_field=ledger.MONEY)
    return progress.with_progress(
        Commitment.objects.filter(pk=world.commitment.pk), on, verified=verified
    ).get()


@pytest.mark.parametrize(
    ("on", "verified", "expected", "status"),
    [
        (START, "0", "0", "on_track"),  # nothing expected yet
        (datetime.date(2026, 7, 2), "6", "5.98", "on_track"),  # 182 of 365 days: 5.98 expected
        (datetime.date(2026, 7, 2), "4.49", "5.98", "behind"),  # at least 75% of expected
        (datetime.date(2026, 7, 2), "4.48", "5.98", "at_risk"),  # below 75%
        (datetime.date(2026, 7, 2), "0", "5.98", "at_risk"),
        (DUE, "11", "12", "behind"),
        (DUE, "8", "12", "at_risk"),
        (datetime.date(2026, 3, 1), "12", "1.94", "complete"),  # early, but all delivered
        (datetime.date(2028, 1, 1), "12", "12", "complete"),
    ],
)
def test_commitment_status_at_several_dates(world, on, verified, expected, status):
    c = judged(world, on, verified)
    assert progress.expected_amount(c.expected) == Decimal(expected)
    assert c.status == status


@pytest.mark.parametrize(
    ("on", "verified", "status"),
    [
        (datetime.date(2026, 12, 31), "0", "on_track"),  # one-off: nothing due before the date
        (DUE, "0", "at_risk"),
        (DUE, "9", "behind"),
        (DUE, "12", "complete"),
    ],
)
def test_one_off_commitments_are_due_all_at_once(world, on, verified, status):
    c = judged(world, on, verified, schedule=Commitment.Schedule.ONE_OFF)
    assert c.status == status


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Issue 14: periods from the contract's start (9 Feb–9 May …) did not match the
        # financial quarters every chart groups by, and shared their boundary days.
        (
            "2026-02-09",
            "2026-11-20",
            [
                ("2026-02-09", "2026-03-31"),
                ("2026-04-01", "2026-06-30"),
                ("2026-07-01", "2026-09-30"),
                ("2026-10-01", "2026-11-20"),
            ],
        ),
        ("2027-01-31", "2027-04-01", [("2027-01-31", "2027-03-31"), ("2027-04-01", "2027-04-01")]),
        ("2026-04-01", "2026-06-30", [("2026-04-01", "2026-06-30")]),
    ],
)
def test_periods_are_financial_quarters_cut_to_the_contract(start, end, expected):
    periods = services.quarters(
        datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    )
    assert [(a.isoformat(), b.isoformat()) for a, b in periods] == expected


@given(
    start=st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 1, 1)),
    days=st.integers(0, 2000),
)
def test_periods_cover_every_day_once_each_within_one_quarter(start, days):
    end = start + datetime.timedelta(days=days)
    periods = services.quarters(start, end)
    assert periods[0][0] == start and periods[-1][1] == end
    for (_, a_end), (b_start, _) in itertools.pairwise(periods):
        assert b_start == a_end + datetime.timedelta(days=1)  # no gap, no shared day
    for a, b in periods:
        assert a <= b and ledger.quarter_start(a) == ledger.quarter_start(b)
