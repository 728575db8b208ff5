"""Importing contracts from OCDS release packages: the importer, the command and the page.

The data files in data/ocds/ are invented (see its README). Every failing import must leave the
database exactly as it was: `unchanged_counts` checks contracts, organisations and reporting
periods after each one.
"""

import copy
import datetime
import io
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from contracts import ocds, services
from contracts.models import Contract, ReportingPeriod
from contracts.ocds import import_release_package
from people.models import Membership, Organisation
from tests.contracts.pipeline_helpers import approved_contract, exempt
from tests.people.factories import MembershipFactory, OrganisationFactory
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "ocds"
BUYER_ID = "GB-PPON-PTST-0001-TEST"
Stage = Contract.Stage


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text())


def counts() -> tuple[int, int, int]:
    return (
        Contract.objects.count(),
        Organisation.objects.count(),
        ReportingPeriod.objects.count(),
    )


@pytest.fixture
def buyer(council):
    council.identifier = BUYER_ID
    council.save()
    return council


@pytest.fixture
def run(place, officer, buyer):
    """run(data_or_file, **options) -> the report, importing into Testborough as the officer."""

    def run_import(data, **options):
        options.setdefault("place", place)
        options.setdefault("by", officer)
        return import_release_package(data, **options)

    return run_import


@pytest.fixture
def unchanged_counts(db):
    """Call it after a failing import: nothing may have been created or changed."""
    before = None

    def check():
        assert counts() == before

    def start():
        nonlocal before
        before = counts()

    start()
    check.restart = start
    return check


def paths(report) -> list[str]:
    return [error.path for error in report.errors]


def messages_of(report) -> str:
    return "\n".join(str(error) for error in report.errors)


# Creating ---------------------------------------------------------------------------------------


def test_tender_only_release_creates_a_contract_whose_procurement_has_started(run, officer, buyer):
    report = run((DATA / "tender_only.json").read_bytes())

    assert report.errors == []
    assert report.saved
    contract = Contract.objects.get()
    assert [r.contract for r in report.created] == [contract]
    assert contract.ocid == "ocds-h6vhtk-0fake01"
    assert contract.reference == "TB-2025-001"
    assert contract.title == "Community meals service"
    assert contract.description.startswith("Hot meals delivered")
    assert contract.buyer == buyer
    assert contract.owner == officer
    assert contract.estimated_value == Decimal("250000.00")
    assert contract.cpv_code == "85312000-9"
    assert contract.category == Contract.Category.SERVICES
    assert contract.procedure == Contract.Procedure.OPEN
    assert contract.stage == Stage.PROCUREMENT_STARTED
    assert contract.procurement_started_on == datetime.date(2025, 5, 1)
    assert contract.supplier is None
    assert contract.periods.count() == 0
    # Imported after the start: no approved assessment on record, so not compliant. The
    # report says why.
    assert contract.s1_compliance == Contract.Compliance.NON_COMPLIANT
    assert [note.message for note in report.notes] == [ocds.NO_ASSESSMENT]
    assert contract.history.first().history_user == officer


def test_awarded_release_registers_an_sme_vcse_supplier_and_reporting_periods(run):
    report = run(load("awarded_sme_vcse.json"))

    assert report.errors == []
    contract = Contract.objects.get()
    supplier = contract.supplier
    assert [s.pk for s in report.suppliers_created] == [supplier.pk]
    assert supplier.name == "Greenshoots Garden Care CIC"
    assert supplier.kind == Organisation.Kind.SUPPLIER
    assert supplier.size == Organisation.Size.SME
    assert supplier.is_vcse is True
    assert supplier.identifier == "GB-COH-00000001"
    assert contract.stage == Stage.AWARDED
    assert contract.award_value == Decimal("172500.00")
    assert contract.estimated_value == Decimal("180000.50")
    assert contract.awarded_on == datetime.date(2025, 7, 15)
    assert contract.contract_start == datetime.date(2025, 9, 1)
    assert contract.contract_end == datetime.date(2026, 8, 31)
    assert contract.cpv_code == "77310000-6"  # from the items
    assert contract.procedure == Contract.Procedure.COMPETITIVE_FLEXIBLE
    assert contract.s1_compliance == Contract.Compliance.NON_COMPLIANT
    expected = services.quarters(contract.contract_start, contract.contract_end)
    assert list(contract.periods.values_list("start", "end")) == expected
    assert report.periods_created == len(expected) == 4


def test_a_known_supplier_is_matched_by_identifier_not_added_again(run):
    known = OrganisationFactory(
        name="Greenshoots Ltd", kind=Organisation.Kind.SUPPLIER, identifier="gb-coh-00000001"
    )
    before = Organisation.objects.count()

    report = run(load("awarded_sme_vcse.json"))

    assert report.errors == []
    assert Contract.objects.get().supplier == known
    assert report.suppliers_created == []
    assert Organisation.objects.count() == before


def test_a_known_supplier_is_matched_by_name(run):
    known = OrganisationFactory(name="Greenshoots Garden Care CIC", kind=Organisation.Kind.VCS)

    run(load("awarded_sme_vcse.json"))

    assert Contract.objects.get().supplier == known


def test_a_package_with_two_releases_creates_two_contracts(run):
    report = run(load("two_releases.json"))

    assert report.errors == []
    assert report.releases == 2
    assert len(report.created) == 2
    planned = Contract.objects.get(ocid="ocds-h6vhtk-0fake03")
    assert planned.stage == Stage.PLANNING
    assert planned.planned_procurement_start == datetime.date(2030, 1, 6)
    assert planned.procurement_started_on is None
    assert planned.s1_compliance == Contract.Compliance.NOT_STARTED
    assert planned.category == Contract.Category.WORKS
    assert planned.cpv_code == "45233142"
    assert planned.procedure == Contract.Procedure.OTHER  # the notice does not say yet
    tender = Contract.objects.get(ocid="ocds-h6vhtk-0fake04")
    assert tender.stage == Stage.PROCUREMENT_STARTED
    assert tender.title == "Home adaptations for disabled residents"


def test_a_single_release_is_accepted_without_a_package(run):
    report = run(load("single_release.json"))

    assert report.errors == []
    assert Contract.objects.get().ocid == "ocds-b5fd17-0fake02"


def test_notices_for_one_contract_are_applied_oldest_first(run):
    tender = load("tender_only.json")["releases"][0]
    award = copy.deepcopy(load("awarded_sme_vcse.json")["releases"][0])
    award["ocid"] = tender["ocid"]
    del award["tender"]
    package = {"releases": [award, tender]}  # the award notice first in the file

    report = run(package)

    assert report.errors == []
    contract = Contract.objects.get()
    assert [r.contract for r in report.created] == [contract]
    assert contract.stage == Stage.AWARDED
    assert contract.title == "Community meals service"
    assert contract.procurement_started_on == datetime.date(2025, 5, 1)
    assert contract.supplier.name == "Greenshoots Garden Care CIC"


@pytest.mark.parametrize(
    ("contract_status", "stage"),
    [("active", Stage.IN_DELIVERY), ("terminated", Stage.CLOSED), ("cancelled", Stage.CANCELLED)],
)
def test_the_contract_status_sets_the_stage(run, contract_status, stage):
    release = load("single_release.json")
    release["contracts"][0]["status"] = contract_status

    report = run(release)

    assert report.errors == []
    assert Contract.objects.get().stage == stage


def test_a_cancelled_tender_is_a_cancelled_contract_with_the_reason(run):
    release = load("tender_only.json")["releases"][0]
    release["tender"]["status"] = "cancelled"
    release["tender"]["statusDetails"] = "Budget withdrawn"

    run(release)

    contract = Contract.objects.get()
    assert contract.stage == Stage.CANCELLED
    assert contract.cancelled_reason == "Budget withdrawn"


def test_an_explicit_buyer_is_used_when_the_file_names_an_unknown_one(run, buyer):
    report = run(load("unknown_buyer.json"), buyer=buyer)

    assert report.errors == []
    assert Contract.objects.get().buyer == buyer


def test_the_buyer_is_matched_by_exact_name_when_it_has_no_identifier(run, buyer):
    buyer.identifier = ""
    buyer.save()

    report = run(load("tender_only.json"))

    assert report.errors == []
    assert Contract.objects.get().buyer == buyer


# Importing again -------------------------------------------------------------------------------


def test_the_same_package_twice_is_unchanged_the_second_time(run):
    first = run(load("awarded_sme_vcse.json"))
    assert len(first.created) == 1
    before = counts()
    history = Contract.history.count()

    second = run(load("awarded_sme_vcse.json"))

    assert second.errors == []
    assert second.created == second.updated == []
    assert [r.contract.pk for r in second.unchanged] == [first.created[0].contract.pk]
    assert second.suppliers_created == []
    assert counts() == before
    assert Contract.history.count() == history  # nothing was saved again


def test_a_changed_title_updates_the_same_contract(run):
    run(load("tender_only.json"))

    report = run(load("tender_only_renamed.json"))

    assert report.errors == []
    assert [r.changed for r in report.updated] == [["title"]]
    contract = Contract.objects.get()
    assert contract.title == "Community meals and wellbeing calls service"
    assert contract.description.startswith("Hot meals")  # kept


def test_a_later_award_notice_moves_the_stage_forward_never_back(run):
    run(load("awarded_sme_vcse.json"))
    earlier = load("awarded_sme_vcse.json")
    release = earlier["releases"][0]
    del release["awards"], release["contracts"]

    report = run(earlier)

    assert report.errors == []
    assert Contract.objects.get().stage == Stage.AWARDED
    assert report.unchanged


def test_a_contract_closed_here_is_skipped(run, officer):
    run(load("tender_only.json"))
    contract = Contract.objects.get()
    services.contract_cancel(contract=contract, reason="Merged into another contract", by=officer)

    report = run(load("tender_only_renamed.json"))

    assert report.errors == []
    assert [r.contract.pk for r in report.skipped] == [contract.pk]
    contract.refresh_from_db()
    assert contract.title == "Community meals service"
    assert contract.stage == Stage.CANCELLED


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

    report = run(load("tender_only.json"))

    assert report.errors == []
    contract.refresh_from_db()
    assert contract.stage == Stage.PROCUREMENT_STARTED
    assert contract.s1_compliance == Contract.Compliance.EXEMPT
    assert report.notes == []
    assert Contract.objects.count() == 2  # this one and its framework: nothing new


def test_an_ocid_already_imported_in_another_place_is_an_error(run, unchanged_counts):
    elsewhere = PlaceFactory(name="Elsewhere", slug="elsewhere")
    other_buyer = OrganisationFactory(
        name="Elsewhere Council", identifier=BUYER_ID, place=elsewhere
    )
    run(load("tender_only.json"), place=elsewhere, buyer=other_buyer)
    unchanged_counts.restart()

    report = run(load("tender_only.json"))

    assert paths(report) == ["releases[0].ocid"]
    assert "already imported" in messages_of(report)
    unchanged_counts()


def test_a_dry_run_saves_nothing(run, unchanged_counts):
    report = run(load("awarded_sme_vcse.json"), dry_run=True)

    assert report.errors == []
    assert len(report.created) == 1
    assert len(report.suppliers_created) == 1
    assert not report.saved
    unchanged_counts()


# Errors: nothing half-created -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "path", "message"),
    [
        ("malformed.json", "", "The file is not valid JSON"),
        ("no_releases.json", "releases", "The package has no releases"),
        (
            "unknown_buyer.json",
            "releases[0].buyer",
            "unknown buyer Nowhere District Council (GB-PPON-PZZZ-9999-NONE): add it as an "
            "organisation first",
        ),
        ("non_gbp.json", "releases[0].tender.value.currency", 'the currency is "EUR"'),
        ("wrong_type.json", "releases[0].tender.value.amount", "expected a number, found text"),
    ],
)
def test_a_bad_file_is_reported_and_nothing_is_saved(run, unchanged_counts, name, path, message):
    report = run((DATA / name).open("rb"))

    assert paths(report) == [path]
    assert message in str(report.errors[0])
    assert not report.saved
    unchanged_counts()


def test_one_bad_release_stops_the_whole_package(run, unchanged_counts):
    good = load("awarded_sme_vcse.json")["releases"][0]  # would add a supplier
    bad = load("wrong_type.json")["releases"][0]

    report = run({"releases": [good, bad]})

    assert paths(report) == ["releases[1].tender.value.amount"]
    unchanged_counts()


def test_every_problem_is_reported_not_only_the_first(run, unchanged_counts):
    unknown = load("unknown_buyer.json")["releases"][0]
    euro = load("non_gbp.json")["releases"][0]

    report = run({"releases": [unknown, euro, "not a release"]})

    assert paths(report) == [
        "releases[1].tender.value.currency",
        "releases[2]",
        "releases[0].buyer",
    ]
    unchanged_counts()


def test_a_reference_the_buyer_already_uses_is_an_error(run, officer, buyer, place):
    services.contract_create(
        by=officer,
        buyer=buyer,
        place=place,
        reference="TB-2025-001",
        title="Something else",
        category=Contract.Category.SERVICES,
        estimated_value=Decimal("1000"),
    )
    before = counts()

    report = run(load("tender_only.json"))

    assert paths(report) == ["releases[0]"]
    assert "already has a contract with that reference" in messages_of(report)
    assert counts() == before


def test_amounts_given_as_parsed_decimals_are_checked_too(run, unchanged_counts):
    for amount in (Decimal("NaN"), Decimal("sNaN"), Decimal("-Infinity")):
        report = run(_with(["tender", "value", "amount"], amount))

        assert paths(report) == ["releases[0].tender.value.amount"]
    unchanged_counts()


def test_a_buyer_in_another_place_is_not_this_places_buyer(run, buyer, unchanged_counts):
    buyer.identifier = ""
    buyer.save()
    OrganisationFactory(
        name="Far Council", identifier=BUYER_ID, place=PlaceFactory(slug="far", name="Far")
    )
    unchanged_counts.restart()

    report = run(load("tender_only.json"))

    assert paths(report) == ["releases[0].buyer"]
    assert "Far Council, which is not a public body serving Testborough" in messages_of(report)
    unchanged_counts()


def test_an_explicit_buyer_must_serve_the_place(run, unchanged_counts):
    far = OrganisationFactory(name="Far Council", place=PlaceFactory(slug="far", name="Far"))
    unchanged_counts.restart()

    report = run(load("tender_only.json"), buyer=far)

    assert "Far Council is not a public body serving Testborough" in messages_of(report)
    unchanged_counts()


def test_a_public_body_cannot_be_the_supplier(run, unchanged_counts, place):
    OrganisationFactory(name="Greenshoots Garden Care CIC", place=place)
    unchanged_counts.restart()

    report = run(load("awarded_sme_vcse.json"))

    assert paths(report) == ["releases[0].awards[0].suppliers[0]"]
    unchanged_counts()


def test_too_many_releases_are_refused(run, unchanged_counts):
    release = load("tender_only.json")["releases"][0]

    report = run({"releases": [release] * (ocds.MAX_RELEASES + 1)})

    assert "at most 500" in messages_of(report)
    unchanged_counts()


def test_a_file_over_10_mb_is_refused_unread(run, unchanged_counts):
    report = run(io.BytesIO(b" " * (ocds.MAX_BYTES + 1)))

    assert "larger than 10 MB" in messages_of(report)
    unchanged_counts()


def _with(path: list, value):
    release = load("awarded_sme_vcse.json")["releases"][0]
    target = release
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return {"releases": [release]}


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ([], "", "must hold a release package"),
        ({"records": []}, "records", "record package"),
        ({"releases": {"ocid": "x"}}, "releases", "expected a list, found an object"),
        ({"releases": [None]}, "releases[0]", "expected a release, found null"),
        ({"releases": [{"tag": ["tender"]}]}, "releases[0].ocid", "no ocid"),
        ({"releases": [{"ocid": ""}]}, "releases[0].ocid", "no ocid"),
        ({"releases": [{"ocid": 12}]}, "releases[0].ocid", "expected text, found a number"),
        ({"releases": [{"ocid": "x" * 121}]}, "releases[0].ocid", "longer than 120"),
        (_with(["tender"], []), "releases[0].tender", "expected an object, found a list"),
        (_with(["tender", "value", "amount"], True), "releases[0].tender.value.amount", "number"),
        (_with(["tender", "value", "amount"], -1), "releases[0].tender.value.amount", "negative"),
        (_with(["tender", "value", "amount"], 10**40), "releases[0].tender.value.amount", "large"),
        (_with(["tender", "value", "amount"], 1e308 * 10), "releases[0].tender.value.amount", ""),
        (_with(["tender", "value"], {"amount": 1}), "releases[0].tender.value.currency", "missing"),
        (
            _with(["tender", "items", 0, "classification", "id"], "4500"),
            "releases[0].tender.items[0].classification.id",
            "CPV",
        ),
        (
            _with(["tender", "tenderPeriod", "startDate"], "2025-13-45"),
            "releases[0].tender.tenderPeriod.startDate",
            "not a date",
        ),
        (
            _with(["tender", "tenderPeriod", "startDate"], "0999-01-01"),
            "releases[0].tender.tenderPeriod.startDate",
            "between 1900",
        ),
        (_with(["tender", "tenderPeriod"], "soon"), "releases[0].tender.tenderPeriod", "object"),
        (_with(["tender", "title"], "bad\x00title"), "releases[0].tender.title", "NUL"),
        (_with(["tender", "title"], "\ud800"), "releases[0].tender.title", "surrogate"),
        (_with(["awards"], {"id": "1"}), "releases[0].awards", "expected a list"),
        (
            _with(["awards", 0, "suppliers"], ["Acme"]),
            "releases[0].awards[0].suppliers[0]",
            "object",
        ),
        (_with(["awards", 0, "date"], "2150-01-01"), "releases[0].awards[0].date", "future"),
        (
            _with(["awards", 0, "date"], "2025-01-01"),
            "releases[0].awards[0].date",
            "before the tender",
        ),
        (
            _with(["awards", 0, "contractPeriod", "endDate"], "2025-08-01"),
            "releases[0].awards[0].contractPeriod.endDate",
            "end after",
        ),
        (
            _with(["awards", 0, "contractPeriod", "endDate"], "2190-01-01"),
            "releases[0].awards[0].contractPeriod.endDate",
            "50 years",
        ),
        (_with(["parties"], {"id": "x"}), "releases[0].parties", "expected a list"),
        (
            _with(["parties", 1, "details", "vcse"], "yes"),
            "releases[0].parties[1].details.vcse",
            "true or false",
        ),
        (_with(["buyer"], {}), "releases[0].buyer", "no name or id"),
        (
            _with(["awards", 0, "suppliers", 0], {"id": "nobody"}),
            "releases[0].awards[0].suppliers[0]",
            "no name",
        ),
    ],
)
def test_shape_problems_are_reported_with_their_path(run, unchanged_counts, data, path, message):
    report = run(data)

    assert path in paths(report), messages_of(report)
    assert message in messages_of(report)
    unchanged_counts()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        '{"releases": [NaN]}',
        '{"releases": [{"ocid": "a", "tender": {"value": {"amount": Infinity}}}]}',
        "[" * 100_000,
        '{"releases": [' + "1" * 5000 + "]}",
        b"\xff\xfe{}",
    ],
)
def test_text_that_is_not_json_is_reported(run, unchanged_counts, text):
    report = run(text)

    assert paths(report) == [""]
    unchanged_counts()


GARBAGE = [None, True, 0, -5, 1e300, 10**20, "", "lots", "2025-02-30", [], [1, "a"], {}, {"a": 1}]


def _leaves(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _leaves(child, (*path, index))


def test_any_value_replaced_by_garbage_is_reported_or_imported_never_a_crash(run, db):
    """A small, seeded fuzz: replace values anywhere in an awarded release with values of the
    wrong type. Each import either saves a whole contract or nothing at all."""
    original = load("awarded_sme_vcse.json")
    leaves = list(_leaves(original["releases"][0]))
    generator = random.Random(20250601)
    for _ in range(150):
        data = copy.deepcopy(original)
        for _change in range(generator.randint(1, 3)):
            path = generator.choice(leaves)
            target = data["releases"][0]
            try:
                for key in path[:-1]:
                    target = target[key]
                if path:
                    target[path[-1]] = copy.deepcopy(generator.choice(GARBAGE))
            except (KeyError, IndexError, TypeError):
                continue  # an earlier change removed the parent
        before = counts()

        report = run(data, dry_run=True)

        assert counts() == before, data
        assert report.errors or len(report.created) == 1, data


# The command -----------------------------------------------------------------------------------


def test_the_command_imports_and_lists_what_it_did(officer, buyer):
    out = io.StringIO()

    call_command(
        "import_ocds",
        str(DATA / "awarded_sme_vcse.json"),
        place="testborough",
        by=officer.email,
        stdout=out,
    )

    output = out.getvalue()
    assert "Created: 1" in output
    assert "TB-2025-002: Parks and green spaces maintenance (ocds-b5fd17-0fake02)" in output
    assert "New supplier: Greenshoots Garden Care CIC" in output
    assert ocds.NO_ASSESSMENT in output
    assert "Import complete." in output
    assert Contract.objects.count() == 1


def test_the_command_reports_unchanged_and_updated(officer, buyer):
    call_command(
        "import_ocds",
        str(DATA / "tender_only.json"),
        place="testborough",
        by=officer.email,
        stdout=io.StringIO(),
    )
    out = io.StringIO()

    call_command(
        "import_ocds",
        str(DATA / "two_releases.json"),
        place="testborough",
        by=officer.email,
        stdout=out,
    )
    call_command(
        "import_ocds",
        str(DATA / "tender_only_renamed.json"),
        place="testborough",
        by=officer.email,
        stdout=out,
    )

    output = out.getvalue()
    assert "Created: 2" in output
    assert "Updated: 1" in output
    assert "(title)" in output


def test_the_command_prints_each_error_with_its_path_and_fails(officer, buyer, unchanged_counts):
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import_ocds",
            str(DATA / "wrong_type.json"),
            place="testborough",
            by=officer.email,
            stderr=err,
        )

    assert "releases[0].tender.value.amount: expected a number, found text" in err.getvalue()
    unchanged_counts()


def test_the_command_dry_run_saves_nothing(officer, buyer, unchanged_counts):
    out = io.StringIO()

    call_command(
        "import_ocds",
        str(DATA / "awarded_sme_vcse.json"),
        place="testborough",
        by=officer.email,
        dry_run=True,
        stdout=out,
    )

    assert "Dry run: nothing was saved." in out.getvalue()
    unchanged_counts()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"place": "nowhere"}, "no place"),
        ({"place": "testborough", "buyer": "nobody"}, "no organisation"),
        ({"place": "testborough", "by": "nobody@example.org"}, "no active user"),
        ({"place": "testborough"}, "--by EMAIL"),
    ],
)
def test_the_command_explains_bad_arguments(buyer, officer, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_ocds", str(DATA / "tender_only.json"), **arguments)


def test_the_command_explains_a_missing_file(officer, buyer):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command(
            "import_ocds", str(DATA / "missing.json"), place="testborough", by=officer.email
        )


def test_the_buyer_option_names_the_buyer(officer, buyer):
    call_command(
        "import_ocds",
        str(DATA / "unknown_buyer.json"),
        place="testborough",
        buyer=buyer.slug,
        by=officer.email,
        stdout=io.StringIO(),
    )

    assert Contract.objects.get().buyer == buyer


# The page --------------------------------------------------------------------------------------

URL = "/contracts/import/"


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    content = (DATA / name).read_bytes() if content is None else content
    return SimpleUploadedFile(name, content, content_type="application/json")


def test_the_url_is_named():
    assert reverse("contracts:ocds_import") == URL


def test_an_officer_imports_one_contract_and_sees_it(client, officer, buyer, place):
    client.force_login(officer)
    assert client.get(URL).status_code == 200

    response = client.post(URL, {"place": place.pk, "file": upload("tender_only.json")})

    contract = Contract.objects.get()
    assert response.status_code == 302
    assert response.url == contract.get_absolute_url()
    page = client.get(response.url)
    text = page.content.decode()
    assert "Imported TB-2025-001: 1 created, 0 updated, 0 unchanged" in text
    assert "Imported after procurement started: no assessment on record" in text


def test_importing_several_contracts_goes_to_the_list(client, officer, buyer, place):
    client.force_login(officer)

    response = client.post(URL, {"place": place.pk, "file": upload("two_releases.json")})

    assert response.status_code == 302
    assert response.url == reverse("contracts:contract_list")
    assert Contract.objects.count() == 2


def test_a_bad_file_shows_every_problem_and_imports_nothing(
    client, officer, buyer, place, unchanged_counts
):
    client.force_login(officer)

    response = client.post(URL, {"place": place.pk, "file": upload("unknown_buyer.json")})

    assert response.status_code == 200
    assert response.templates[0].name == "contracts/ocds_import.html"
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert "The file has 1 problem, so nothing was imported" in text
    assert "releases[0].buyer: unknown buyer Nowhere District Council" in text
    unchanged_counts()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("malformed.json", None, "The file is not valid JSON"),
        ("package.txt", b"{}", "must be a .json file"),
        ("empty.json", b"", "The selected file is empty"),
    ],
)
def test_a_file_that_is_not_json_is_refused_by_the_form(
    client, officer, place, unchanged_counts, name, content, message
):
    client.force_login(officer)

    response = client.post(URL, {"place": place.pk, "file": upload(name, content)})

    assert response.status_code == 200
    assert message in response.content.decode()
    unchanged_counts()


def test_the_chosen_buyer_must_serve_the_chosen_place(client, officer, place):
    far = OrganisationFactory(name="Far Council", place=PlaceFactory(slug="far", name="Far"))
    client.force_login(officer)

    response = client.post(
        URL, {"place": place.pk, "buyer": far.pk, "file": upload("unknown_buyer.json")}
    )

    assert response.status_code == 200
    assert Contract.objects.count() == 0


def test_a_place_the_officer_does_not_work_in_cannot_be_chosen(client, officer, buyer):
    far = PlaceFactory(slug="far", name="Far")
    client.force_login(officer)

    response = client.post(URL, {"place": far.pk, "file": upload("tender_only.json")})

    assert response.status_code == 200
    assert "Choose a place you add contracts in" in response.content.decode()
    assert Contract.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (Organisation.Kind.VCS, Membership.Role.MEMBER),
        (Organisation.Kind.SUPPLIER, Membership.Role.SUPPLIER_CONTACT),
        (Organisation.Kind.LOCAL_AUTHORITY, Membership.Role.LEADER),
    ],
)
def test_people_who_do_not_add_contracts_are_refused(client, make_member, place, buyer, kind, role):
    organisation = OrganisationFactory(
        kind=kind, place=place if kind == Organisation.Kind.LOCAL_AUTHORITY else None
    )
    client.force_login(make_member(organisation, role))

    assert client.get(URL).status_code == 403
    response = client.post(URL, {"place": place.pk, "file": upload("tender_only.json")})
    assert response.status_code == 403
    assert Contract.objects.count() == 0
