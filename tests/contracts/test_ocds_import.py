"""The OCDS importer, release by release: what each release does, and why not.

Files in data/ocds/ are invented (see its README and make_fixtures.py). The importer imports
only the releases whose buyer is one of the importing officer's bodies, each through the
contract services, each in its own savepoint.
"""

import copy
import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from contracts import services
from contracts.models import Assessment, AwardSupplier, BuyerAlias, Contract, ReportingPeriod
from contracts.ocds import MAX_BYTES, MAX_RELEASES, NO_ASSESSMENT, import_release_package
from people.models import Membership, Organisation
from socialvalue.dates import latest
from tests.contracts.factories import (
    AwardedContractFactory,
    CommitmentFactory,
    ContractFactory,
    SupplierFactory,
)
from tests.contracts.pipeline_helpers import approved_contract, exempt
from tests.people.factories import MembershipFactory, OrganisationFactory
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "ocds"
BUYER_ID = "GB-PPON-PTST-0001-TEST"
Stage = Contract.Stage


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text())


def counts() -> tuple[int, int, int, int]:
    return (
        Contract.objects.count(),
        Organisation.objects.count(),
        ReportingPeriod.objects.count(),
        AwardSupplier.objects.count(),
    )


@pytest.fixture
def buyer(council):
    council.identifier = BUYER_ID
    council.save()
    return council


@pytest.fixture
def run(place, officer, buyer):
    """run(data, **options) -> the report, importing into Testborough as the council officer."""

    def run_import(data, **options):
        options.setdefault("place", place)
        options.setdefault("by", officer)
        return import_release_package(copy.deepcopy(data), **options)

    return run_import


def only(report):
    assert len(report.outcomes) == 1, [str(o) for o in report.outcomes]
    return report.outcomes[0]


def problems(report) -> list[str]:
    return [str(p) for o in report.outcomes for p in o.problems]


# Creating ---------------------------------------------------------------------------------------


def test_a_tender_release_creates_a_contract_whose_procurement_has_started(run, officer, buyer):
    report = run((DATA / "tender_only.json").read_bytes())

    outcome = only(report)
    assert outcome.status == "created"
    assert report.saved
    contract = Contract.objects.get()
    assert outcome.contract_id == contract.pk
    assert contract.ocid == "ocds-h6vhtk-0fake01"
    assert contract.reference == "TB-2025-001"
    assert contract.title == "Community meals service"
    assert contract.buyer == buyer
    assert contract.owner == officer
    assert contract.estimated_value == Decimal("250000.00")
    assert contract.cpv_code == "85312000-9"
    assert contract.category == Contract.Category.SERVICES
    assert contract.procedure == Contract.Procedure.OPEN
    assert contract.stage == Stage.PROCUREMENT_STARTED
    assert contract.procurement_started_on == datetime.date(2025, 5, 1)
    assert contract.ocds_release_date == datetime.datetime(2025, 5, 1, 8, tzinfo=datetime.UTC)
    # Issue 14: no assessment on record is "not recorded", not "not compliant".
    assert contract.s1_compliance == Contract.Compliance.NOT_RECORDED
    assert NO_ASSESSMENT in outcome.notes
    assert {h.history_user for h in contract.history.all()} == {officer}


def test_an_award_registers_its_supplier_with_size_and_vcse_and_makes_periods(run):
    report = run(load("awarded_sme_vcse.json"))

    assert only(report).status == "created"
    contract = Contract.objects.get()
    supplier = contract.supplier
    assert supplier.name == "Greenshoots Garden Care CIC"
    assert supplier.identifier == "GB-COH-00000001"
    assert (supplier.size, supplier.is_vcse) == (Organisation.Size.SME, True)
    assert report.suppliers_created == [supplier]
    assert [(r.organisation, r.value) for r in contract.award_suppliers.all()] == [(supplier, None)]
    assert contract.stage == Stage.AWARDED
    assert contract.award_value == Decimal("172500.00")
    assert contract.contract_start == datetime.date(2025, 9, 1)
    quarters = services.quarters(contract.contract_start, contract.contract_end)
    assert contract.periods.count() == report.periods_created == len(quarters)


def test_a_known_supplier_is_found_by_identifier_in_any_case(run):
    known = SupplierFactory(name="Greenshoots Ltd", identifier="gb-coh-00000001")
    report = run(load("awarded_sme_vcse.json"))
    assert Contract.objects.get().supplier == known
    assert report.suppliers_created == []


def test_a_known_supplier_is_found_by_name(run):
    known = SupplierFactory(name="GREENSHOOTS GARDEN CARE CIC")
    run(load("awarded_sme_vcse.json"))
    assert Contract.objects.get().supplier == known


def test_a_single_release_without_a_package_is_imported(run):
    report = run(load("single_release.json"))
    assert only(report).status == "created"


@pytest.mark.parametrize(
    "contract_status, stage",
    [("pending", Stage.AWARDED), ("active", Stage.IN_DELIVERY), ("terminated", Stage.CLOSED)],
)
def test_the_contract_status_sets_the_stage_through_the_services(run, contract_status, stage):
    data = load("awarded_sme_vcse.json")
    data["releases"][0]["contracts"][0]["status"] = contract_status
    run(data)
    contract = Contract.objects.get()
    assert contract.stage == stage
    stages = [h.stage for h in contract.history.order_by("history_id")]
    assert stages[-1] == stage
    assert Stage.PROCUREMENT_STARTED in stages and Stage.AWARDED in stages


def test_a_new_contract_from_a_cancelled_tender_is_recorded_cancelled(run):
    data = load("tender_only.json")
    data["releases"][0]["tender"].update(status="cancelled", statusDetails="No bids received")
    report = run(data)
    assert only(report).status == "created"
    contract = Contract.objects.get()
    assert (contract.stage, contract.cancelled_reason) == (Stage.CANCELLED, "No bids received")


def test_a_notice_without_a_value_is_value_not_published(run):
    data = load("tender_only.json")
    del data["releases"][0]["tender"]["value"]
    outcome = only(run(data))
    contract = Contract.objects.get()
    assert contract.estimated_value is None
    assert contract.value is None
    assert "no value was published: recorded as 'value not published'" in outcome.notes


# Buyers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Testborough Council", "THE TESTBOROUGH COUNCIL", "Testborough  council."]
)
def test_a_buyer_without_a_known_identifier_is_found_by_name(run, buyer, name):
    data = load("tender_only.json")
    release = data["releases"][0]
    release["buyer"] = {"id": "GB-SRS-unknown", "name": name}
    release["parties"][0].update(id="GB-SRS-unknown", name=name, identifier={})
    run(data)
    assert Contract.objects.get().buyer == buyer


@pytest.mark.parametrize("kind", ["identifier", "name"])
def test_a_buyer_is_found_by_the_names_and_identifiers_it_publishes_under(
    run, buyer, officer, kind
):
    from contracts.ocds.aliases import buyer_alias_add

    value = "GB-SRS-sid4gov/TBC9" if kind == "identifier" else "Cyngor Testborough"
    buyer_alias_add(organisation=buyer, kind=kind, value=value, by=officer)
    data = load("tender_only.json")
    release = data["releases"][0]
    reference = {"id": "GB-SRS-sid4gov/TBC9", "name": "Somebody"}
    if kind == "name":
        reference = {"id": "x-1", "name": "Cyngor  Testborough"}
    release["buyer"] = reference
    release["parties"] = [{**reference, "roles": ["buyer"]}]
    report = run(data)
    assert only(report).status == "created"
    assert Contract.objects.get().buyer == buyer


def test_a_many_buyer_download_imports_the_officers_releases_and_says_why_not_the_rest(
    run, place, buyer
):
    OrganisationFactory(name="Testborough NHS", kind=Organisation.Kind.NHS, place=place)
    OrganisationFactory(
        name="Elsewhere Council",
        kind=Organisation.Kind.LOCAL_AUTHORITY,
        place=PlaceFactory(name="Elsewhere"),
    )
    report = run(load("contracts_finder_many_buyers.json"))

    by_ocid = {o.ocid[-2:]: o for o in report.outcomes}
    assert {k for k, o in by_ocid.items() if o.status == "created"} == {"01", "06", "07", "08"}
    assert "not one of the bodies you are an officer of" in by_ocid["03"].reason
    assert "the buyer is Testborough NHS" in by_ocid["05"].reason
    assert "is not recognised" in by_ocid["02"].reason
    assert set(report.unrecognised) == {
        "GB-SRS-SID4GOV.EXAMPLE/TBCASC0FAKE",
        "GB-SRS-SID4GOV.EXAMPLE/MPO0FAKE",
    }
    # Each refused amount is reported once, with its path.
    assert [str(p) for p in by_ocid["09"].problems] == [
        'releases[8].tender.value.currency: the currency is "EUR". Only amounts in GBP can be '
        "imported"
    ]
    assert [str(p) for p in by_ocid["10"].problems] == [
        "releases[9].tender.value.amount: is too large: amounts must be under £1,000,000,000,000"
    ]
    assert Contract.objects.filter(buyer=buyer).count() == 4


def test_an_unrecognised_buyer_matched_to_the_officers_body_is_imported_and_learnt(
    run, buyer, officer
):
    data = load("contracts_finder_many_buyers.json")
    key = "GB-SRS-SID4GOV.EXAMPLE/TBCASC0FAKE"

    preview = run(data, dry_run=True, buyer_matches={key: buyer})
    assert preview.unrecognised[key].chosen_id == buyer.pk
    assert not BuyerAlias.objects.exists()

    report = run(data, buyer_matches={key: buyer})
    assert Contract.objects.get(ocid="ocds-b5fd17-0fake02").buyer == buyer
    learnt = BuyerAlias.objects.filter(organisation=buyer, source="learnt")
    assert sorted(learnt.values_list("kind", "value")) == [
        ("identifier", "GB-SRS-sid4gov.example/TBCASC0fake"),
        ("name", "Testborough Council - Adult Social Care"),
    ]
    assert len(report.aliases_learnt) == 2
    assert {a.added_by for a in learnt} == {officer}
    # Next time, it is recognised without asking.
    assert key not in run(data).unrecognised


def test_a_buyer_can_only_be_matched_to_the_officers_own_bodies(run, place):
    nhs = OrganisationFactory(name="Testborough NHS", kind=Organisation.Kind.NHS, place=place)
    with pytest.raises(ValueError):
        run(load("scotland_no_values.json"), buyer_matches={"name:glenmoor council": nhs})


def test_someone_who_is_no_officer_imports_nothing(place, make_member, buyer):
    leader = make_member(buyer, Membership.Role.LEADER)
    report = import_release_package(load("tender_only.json"), place=place, by=leader)
    assert report.errors[0].message == "You are not an officer of a public body serving Testborough"
    assert not Contract.objects.exists()


def test_a_release_naming_no_buyer_is_a_problem(run):
    data = load("tender_only.json")
    release = data["releases"][0]
    del release["buyer"]
    release["parties"][0]["roles"] = ["procuringEntity"]
    assert problems(run(data)) == ["releases[0].buyer: the release names no buyer"]


# Updating ---------------------------------------------------------------------------------------


def test_the_same_file_twice_is_unchanged_the_second_time(run):
    run(load("awarded_sme_vcse.json"))
    before = counts()
    assert only(run(load("awarded_sme_vcse.json"))).status == "unchanged"
    assert counts() == before


def test_a_newer_notice_updates_the_same_contract(run):
    run(load("tender_only.json"))
    data = load("tender_only.json")
    release = data["releases"][0]
    release["date"] = "2025-05-09T09:00:00Z"
    release["tender"]["title"] = "Community meals and shopping"
    outcome = only(run(data))
    assert outcome.status == "updated"
    assert outcome.changed == ["title"]
    assert Contract.objects.get().title == "Community meals and shopping"


def test_an_older_notice_never_overwrites_a_newer_one(run):
    report = run(load("older_after_newer.json"))
    contract = Contract.objects.get()
    assert contract.procedure == Contract.Procedure.FRAMEWORK
    assert contract.estimated_value == Decimal("80000.00")
    assert [o.status for o in report.outcomes] == ["updated", "created"]  # the file's order

    older = load("older_after_newer.json")
    older["releases"] = older["releases"][1:]
    outcome = only(run(older))
    assert outcome.status == "skipped"
    assert "older than the one already applied" in outcome.reason
    contract.refresh_from_db()
    assert contract.procedure == Contract.Procedure.FRAMEWORK


def test_a_later_notice_never_moves_the_stage_back(run):
    run(load("awarded_sme_vcse.json"))
    data = load("awarded_sme_vcse.json")
    release = data["releases"][0]
    release["date"] = "2025-07-30T00:00:00Z"
    del release["awards"], release["contracts"]
    outcome = only(run(data))
    assert Contract.objects.get().stage == Stage.AWARDED
    assert (
        "the notice shows procurement started, and the contract is already awarded"
        in (outcome.notes[0])
    )


def test_a_contract_closed_here_is_left_alone(run, officer):
    run(load("awarded_sme_vcse.json"))
    contract = Contract.objects.get()
    services.contract_advance(contract=contract, to=Stage.IN_DELIVERY, by=officer)
    services.contract_advance(contract=contract, to=Stage.CLOSED, by=officer)
    data = load("awarded_sme_vcse.json")
    data["releases"][0]["date"] = "2025-08-30T00:00:00Z"
    outcome = only(run(data))
    assert outcome.status == "skipped"
    assert "is closed here" in outcome.reason


def test_a_notice_cancelling_a_recorded_contract_waits_for_confirmation(run):
    run(load("tender_only.json"))
    contract = Contract.objects.get()
    data = load("tender_only.json")
    release = data["releases"][0]
    release["date"] = "2025-06-01T00:00:00Z"
    release["tender"].update(status="cancelled", title="Renamed")

    held = run(data)
    assert only(held).status == "held"
    assert "this notice cancels TB-2025-001" in held.outcomes[0].reason
    assert held.cancellations[contract.ocid].confirmed is False
    contract.refresh_from_db()
    assert (contract.stage, contract.title) == (
        Stage.PROCUREMENT_STARTED,
        "Community meals service",
    )

    confirmed = run(data, confirmed_cancellations=[contract.ocid])
    assert only(confirmed).status == "updated"
    contract.refresh_from_db()
    assert contract.stage == Stage.CANCELLED
    assert contract.history.first().history_user is not None


def test_an_approved_assessment_before_the_start_makes_an_imported_start_compliant(
    run, officer, buyer, place
):
    contract = ContractFactory(
        place=place,
        buyer=buyer,
        owner=officer,
        reference="TB-2025-001",
        ocid="ocds-h6vhtk-0fake01",
        stage=Stage.APPROVED,
    )
    Assessment.objects.create(
        contract=contract,
        author=officer,
        status=Assessment.Status.APPROVED,
        approved_at=timezone.make_aware(datetime.datetime(2025, 4, 1, 10)),
        # A second person of the buyer (the sign-off rule holds for every save).
        approved_by=MembershipFactory(organisation=buyer, role=Membership.Role.LEADER).user,
    )
    outcome = only(run(load("tender_only.json")))
    contract.refresh_from_db()
    assert contract.stage == Stage.PROCUREMENT_STARTED
    assert contract.s1_compliance == Contract.Compliance.COMPLIANT
    assert NO_ASSESSMENT not in outcome.notes


def test_compliance_comes_from_the_rule_for_a_contract_already_here(run, officer, buyer, place):
    contract = services.contract_create(
        by=officer,
        buyer=buyer,
        place=place,
        reference="TB-2025-001",
        title="Community meals service",
        category=Contract.Category.GOODS,
        estimated_value=Decimal("250000"),
        ocid="ocds-h6vhtk-0fake01",
    )
    leader = MembershipFactory(organisation=buyer, role=Membership.Role.LEADER).user
    # A call-off under an assessed framework: a ground the release's category cannot undo.
    framework = approved_contract(buyer=buyer, author=officer, approver=leader, reference="FW-1")
    exempt(
        contract,
        proposer=officer,
        confirmer=leader,
        ground="call_off",
        framework_contract=framework,
    )

    outcome = only(run(load("tender_only.json")))

    assert outcome.problems == []
    contract.refresh_from_db()
    assert contract.stage == Stage.PROCUREMENT_STARTED
    assert contract.s1_compliance == Contract.Compliance.EXEMPT
    assert NO_ASSESSMENT not in outcome.notes
    assert Contract.objects.count() == 2  # this one and its framework: nothing new


def test_a_reference_the_buyer_already_uses_gives_way_to_the_ocid(run, officer, buyer, place):
    ContractFactory(place=place, buyer=buyer, owner=officer, reference="TB-2025-001")
    outcome = only(run(load("tender_only.json")))
    assert outcome.status == "created"
    assert Contract.objects.get(ocid="ocds-h6vhtk-0fake01").reference == "ocds-h6vhtk-0fake01"
    assert "already has a contract TB-2025-001" in outcome.notes[0]


# Suppliers --------------------------------------------------------------------------------------


def test_every_supplier_of_a_35_supplier_framework_is_kept_in_order_with_no_share(run):
    report = run(load("framework_35_suppliers.json"))
    contract = Contract.objects.get()
    rows = list(contract.award_suppliers.select_related("organisation"))
    assert len(rows) == 34  # one supplier is named twice, under two trading names
    assert [r.position for r in rows] == list(range(34))
    assert rows[0].organisation == contract.supplier
    assert {r.value for r in rows} == {None}
    assert contract.award_value == Decimal("400000000.00")
    assert rows[4].identifier == "GB-COH-99991005"
    assert len(report.suppliers_created) == 34


def test_awards_per_lot_give_each_supplier_its_own_share(run):
    run(load("find_a_tender_lots.json"))
    contract = Contract.objects.get()
    shares = [(r.organisation.name, r.value) for r in contract.award_suppliers.all()]
    assert shares == [
        ("Brightstart Training Ltd", Decimal("40000.00")),
        ("Second Chance Skills CIC", Decimal("25000.00")),
    ]
    assert contract.award_value == Decimal("65000.00")
    assert contract.award_suppliers.first().identifier == "GB-PPON-S99990011-TEST"


def test_a_supplier_with_no_name_is_kept_by_identifier(run):
    known = SupplierFactory(name="Verdant Grounds Ltd", identifier="GB-COH-99990001")
    data = load("contracts_finder_many_buyers.json")
    data["releases"] = [data["releases"][6]]
    run(data)
    assert Contract.objects.get().supplier == known


def test_a_supplier_with_no_name_and_an_unknown_identifier_is_reported(run):
    data = load("contracts_finder_many_buyers.json")
    data["releases"] = [data["releases"][6]]
    outcome = only(run(data))
    assert outcome.status == "created"
    assert any("a supplier with no name (GB-COH-99990001)" in n for n in outcome.notes)
    contract = Contract.objects.get()
    assert contract.stage == Stage.PROCUREMENT_STARTED
    assert not contract.award_suppliers.exists()


def test_a_later_notice_cannot_drop_a_supplier_with_commitments(run):
    run(load("find_a_tender_lots.json"))
    contract = Contract.objects.get()
    second = contract.award_suppliers.get(position=1).organisation
    CommitmentFactory(contract=contract, delivered_by=second)
    data = load("find_a_tender_lots.json")
    release = data["releases"][0]
    release["date"] = "2025-08-20T09:00:00Z"
    release["awards"] = release["awards"][:1]
    outcome = only(run(data))
    assert outcome.status == "problem"
    assert "Second Chance Skills CIC has commitments on this contract" in str(outcome.problems[0])
    assert contract.award_suppliers.count() == 2


def test_a_public_body_named_as_supplier_is_a_problem_for_that_release(run, place):
    OrganisationFactory(name="Greenshoots Garden Care CIC", kind=Organisation.Kind.NHS, place=place)
    outcome = only(run(load("awarded_sme_vcse.json")))
    assert outcome.status == "problem"
    assert [str(p) for p in outcome.problems] == [
        "releases[0].awards[0].suppliers: The supplier Greenshoots Garden Care CIC "
        "(GB-COH-00000001) is registered here as Greenshoots Garden Care CIC (NHS body), which "
        "is not a supplier"
    ]
    assert not Contract.objects.exists()


# One release at a time --------------------------------------------------------------------------


def test_a_bad_release_does_not_stop_the_others(run):
    data = load("two_releases.json")
    data["releases"][0]["tender"]["value"]["currency"] = "USD"
    report = run(data)
    assert [o.status for o in report.outcomes] == ["problem", "created"]
    assert Contract.objects.count() == 1


def test_a_dry_run_saves_nothing_and_says_what_would_happen(run):
    before = counts()
    report = run(load("contracts_finder_many_buyers.json"), dry_run=True)
    assert len(report.created) == 4
    assert not report.saved
    assert counts() == before


@pytest.mark.parametrize(
    "name, message",
    [
        ("malformed.json", "The file is not valid JSON"),
        ("no_releases.json", "The package has no releases, so there is nothing to import"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(run, name, message):
    before = counts()
    report = run((DATA / name).read_bytes())
    assert report.errors and report.errors[0].message.startswith(message)
    assert counts() == before


def test_a_record_package_is_refused_with_what_to_download_instead(run):
    report = run({"records": []})
    assert "Download the release package" in report.errors[0].message


def test_too_many_releases_are_refused(run):
    release = load("tender_only.json")["releases"][0]
    report = run({"releases": [release] * (MAX_RELEASES + 1)})
    assert f"Import at most {MAX_RELEASES} at a time" in report.errors[0].message


def test_a_file_over_the_limit_is_refused_unread(run):
    class Huge:
        size = MAX_BYTES + 1

        def read(self, *args):
            raise AssertionError("read")

    assert "larger than 10 MB" in run(Huge()).errors[0].message


@pytest.mark.parametrize(
    "change, path, message",
    [
        (lambda r: r.update(ocid=None), "releases[0].ocid", "the release has no ocid"),
        (lambda r: r.pop("date"), "releases[0].date", "the release has no date"),
        (
            lambda r: r["tender"].update(value={"amount": "lots", "currency": "GBP"}),
            "releases[0].tender.value.amount",
            "expected a number, found text",
        ),
        (
            lambda r: r["tender"]["classification"].update(id="123"),
            "releases[0].tender.classification.id",
            "is not a CPV code",
        ),
        (
            lambda r: r.update(date="yesterday"),
            "releases[0].date",
            '"yesterday" is not a date',
        ),
    ],
)
def test_each_problem_has_its_path(run, change, path, message):
    data = load("tender_only.json")
    change(data["releases"][0])
    report = run(data)
    found = [p for o in report.outcomes for p in o.problems]
    assert any(p.path == path and message in p.message for p in found), found
    assert not Contract.objects.exists()


def test_an_implausible_contract_period_is_a_problem_for_that_release(run):
    """The date rules (`socialvalue.dates`) hold for imports: the services refuse, the importer
    reports where, and nothing is written for the release."""
    data = load("awarded_sme_vcse.json")
    data["releases"][0]["awards"][0]["contractPeriod"]["endDate"] = "2100-08-31T23:59:59Z"
    before = counts()

    outcome = only(run(data))

    assert [str(p) for p in outcome.problems] == [
        "releases[0].awards[0].contractPeriod.endDate: the contract end date must be no later "
        f"than {latest():%-d %B %Y}, 25 years from today",
        "releases[0].awards[0].contractPeriod.endDate: a contract can run for at most 25 years: "
        "the end date must be no later than 1 September 2050",
    ]
    assert counts() == before


def test_the_award_supplier_rows_follow_the_contract_supplier(run, officer, place, buyer):
    """Contract.supplier is the first supplier on the award, whatever wrote it."""
    contract = AwardedContractFactory(place=place, buyer=buyer, owner=officer)
    assert services.award_supplier_ids(contract) == {contract.supplier_id}


# Scotland and Wales ------------------------------------------------------------------------------


def test_scottish_notices_without_values_import_as_value_not_published(run, buyer):
    report = run(load("scotland_no_values.json"))
    created = [o for o in report.outcomes if o.status == "created"]
    assert len(created) == 2
    assert set(Contract.objects.values_list("estimated_value", flat=True)) == {None}
    assert [o.reason for o in report.skipped] == [
        "the buyer Glenmoor Council is not recognised. If it is one of your bodies, say so on "
        "the review page"
    ]


def test_a_bilingual_welsh_buyer_name_is_matched_once_and_then_recognised(run, buyer):
    data = load("sell2wales_bilingual.json")
    key = "name:cyngor testborough testborough council"
    first = run(data)
    assert first.unrecognised[key].releases == 2 and not first.written
    run(data, buyer_matches={key: buyer})
    assert Contract.objects.filter(buyer=buyer).count() == 2
    assert BuyerAlias.objects.get(organisation=buyer).value == (
        "Cyngor Testborough / Testborough Council"
    )
    again = run(data)
    assert not again.unrecognised
    assert [o.status for o in again.outcomes] == ["unchanged", "unchanged"]
