"""The OCDS release package: conformant (the official schema and every extension it lists, with
no field left undeclared), its own ocids and publisher, every supplier of an award, and a clear
answer when a place has nothing to publish yet."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts import services
from contracts.services import AwardedSupplier
from dashboards import ocds
from dashboards.figures import Scope
from dashboards.ocds import package as ocds_package
from people.models import Organisation
from people.services import organisation_status_confirm
from tests.contracts.factories import (
    CommitmentFactory,
    ContractFactory,
    DeliveryReturnFactory,
    SupplierFactory,
)
from tests.dashboards.ocds_schema import (
    OCDS_DATA,
    _read,
    ocds_errors,
    ocds_validator,
    undeclared_fields,
)
from tests.people.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def download(client, place):
    return client.get(reverse("dashboards:ocds", kwargs={"slug": place.slug}))


@pytest.fixture
def package(client, world):
    # Only a confirmed SME or VCSE status is published (`party_details`): an officer confirms
    # the suppliers', so the export's `details` are there to be checked against the schema.
    for supplier in (world.supplier, world.sub):
        organisation_status_confirm(organisation=supplier, by=world.officer)
    response = download(client, world.place)
    assert response.status_code == 200 and response.streaming
    return json.loads(b"".join(response.streaming_content))


def conformance(package) -> list[str]:
    return ocds_errors(package) + [f"{p}: not declared" for p in undeclared_fields(package)]


def test_the_vendored_schemas_are_ocds_1_1_5():
    for name in ("release-package-schema.json", "release-schema.json"):
        assert _read(OCDS_DATA / name)["id"] == (
            f"https://standard.open-contracting.org/schema/1__1__5/{name}"
        )
    package_schema = ocds_validator().schema  # the release schema is resolved from the registry
    assert package_schema["properties"]["releases"]["items"]["$ref"] == (
        "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
    )


def test_ocds_package_conforms_to_the_schema_and_its_extensions(package):
    """0 schema errors, and every field declared by OCDS or an extension the package lists."""
    assert package["extensions"] == [*ocds.EXTENSIONS, ocds.extension_url()]
    problems = conformance(package)
    assert not problems, "The OCDS export does not conform:\n" + "\n".join(problems)


def test_the_schema_is_not_toothless(package):
    # Each check looks for its own error, so they hold whether or not the export itself passes.
    def broken(change):
        copy = json.loads(json.dumps(package))
        change(copy["releases"][0])
        return ocds_errors(copy)

    assert "/releases/0: 'ocid' is a required property" in broken(lambda r: r.pop("ocid"))
    assert any(
        e.startswith("/releases/0/tender/sustainability/0/goal: 'wellbeing'")
        for e in broken(lambda r: r["tender"].update(sustainability=[{"goal": "wellbeing"}]))
    )
    assert any(  # the sustainability extension is applied
        e.startswith("/releases/0/tender/sustainability: [] ")
        for e in broken(lambda r: r["tender"].update(sustainability=[]))
    )
    assert any(  # so is the metrics extension
        e.startswith("/releases/0/contracts/0/agreedMetrics/0/observations/0/measure: ")
        for e in broken(
            lambda r: r["contracts"][0]["agreedMetrics"][0]["observations"][0].update(measure=[])
        )
    )
    assert any(  # closed codelists are checked
        e.startswith("/releases/0/tag/0: 'socialValue' is not one of")
        for e in broken(lambda r: r.update(tag=["socialValue"]))
    )
    assert any(  # so is the project's own extension
        e.startswith("/releases/0/parties/2/details/vcse: 'yes' is not of type")
        for e in broken(lambda r: r["parties"][2]["details"].update(vcse="yes"))
    )
    assert "/releases/0/tender/socialValueScore" in undeclared_fields(
        {"releases": [{**package["releases"][0], "tender": {"socialValueScore": 3}}]}
    )
    for date in ("2025-01-01", "2025-02-30T00:00:00Z"):  # and so are date-time formats
        assert f"/releases/0/date: '{date}' is not a 'date-time'" in broken(
            lambda r, date=date: r.update(date=date)
        )


def test_ocds_releases_carry_assessment_weighting_commitments_and_verified_delivery(package, world):
    releases = {r["ocid"]: r for r in package["releases"]}
    c1_ocid, c2_ocid = (f"ocds-svdemo-{c.pk}" for c in (world.c1, world.c2))
    assert set(releases) == {c1_ocid, c2_ocid}  # C3 is exempt, C4 in planning
    c1 = releases[c1_ocid]
    assert c1["planning"]["milestones"][0]["status"] == "met"
    assert "20%" in c1["tender"]["awardCriteriaDetails"]
    assert c1["tender"]["sustainability"] == [
        {"goal": "economic", "strategies": ["awardCriteria", "contractPerformanceConditions"]},
        {"goal": "social", "strategies": ["awardCriteria", "contractPerformanceConditions"]},
    ]
    [contract] = c1["contracts"]
    assert {m["id"] for m in contract["agreedMetrics"]} == {
        f"commitment-{world.k1.pk}",
        f"commitment-{world.k2.pk}",
    }
    observations = {
        m["id"]: [o["measure"] for o in m["observations"]]
        for m in contract["implementation"]["metrics"]
    }
    assert observations == {f"commitment-{world.k1.pk}": [4.0], f"commitment-{world.k2.pk}": [2.0]}
    assert "planning" not in releases[c2_ocid]  # no assessment was approved
    text = json.dumps(package)
    for person in (world.leader, world.officer, world.c1.owner):
        assert person.full_name not in text and person.email not in text


def test_a_contract_keeps_its_own_ocid_and_the_prefix_is_configurable(world, settings, rf):
    world.c2.ocid = "ocds-b5fd17-000123"
    world.c2.save()
    settings.SOCIALVALUE_OCID_PREFIX = "ocds-abc123"
    package = ocds.release_package(Scope(place=world.place, public=True), uri="https://x/")
    assert {r["ocid"] for r in package["releases"]} == {
        "ocds-b5fd17-000123",
        f"ocds-abc123-{world.c1.pk}",
    }


def test_ocds_export_in_constant_queries(world, django_assert_max_num_queries):
    # The contracts and what they carry (8), the commitments and their ledger lines (2), and
    # the measures, areas, objectives and organisations they name, read once (4).
    with django_assert_max_num_queries(14):
        ocds.release_package(Scope(place=world.place, public=True), uri="https://x/")


def test_the_streamed_package_is_the_same_document_whatever_the_chunk_size(world, monkeypatch):
    scope = Scope(place=world.place, public=True)
    whole = ocds.release_package(scope, uri="https://x/")
    monkeypatch.setattr(ocds_package, "CHUNK_SIZE", 1)  # a contract a chunk: every boundary
    streamed = json.loads("".join(ocds.release_package_text(scope, uri="https://x/")))
    assert len(whole["releases"]) == 2
    whole.pop("publishedDate"), streamed.pop("publishedDate")
    for release in whole["releases"] + streamed["releases"]:
        release.pop("date"), release.pop("id")
    assert streamed == whole


# Nothing to publish yet ---------------------------------------------------------------------


def test_a_place_with_nothing_to_publish_says_so(client, place, council):
    response = download(client, place)
    assert response.status_code == 404
    text = response.content.decode()
    assert "No open contracting data for Testborough yet" in text
    assert "Nothing to publish yet: no contract in Testborough has started procurement" in text


def test_without_an_ocid_prefix_nothing_is_published(client, world, settings):
    settings.SOCIALVALUE_OCID_PREFIX = ""
    response = download(client, world.place)
    assert response.status_code == 404
    assert "registered its OCDS prefix with the Open Contracting Partnership" in (
        response.content.decode()
    )


def test_without_a_publisher_nothing_is_published(client, world):
    OrganisationFactory(
        name="Second Council", kind=Organisation.Kind.LOCAL_AUTHORITY, place=world.place
    )
    response = download(client, world.place)
    assert response.status_code == 404
    assert "is published once its publisher is named" in response.content.decode()


# The publisher -------------------------------------------------------------------------------


def test_each_place_names_its_own_publisher(world, settings):
    scope = Scope(place=world.place, public=True)
    settings.SOCIALVALUE_OPERATOR_NAME = "Wrenford Borough Council (demo)"
    assert ocds.release_package(scope, uri="https://x/")["publisher"] == {
        "name": "Testborough Council"
    }
    world.council.identifier = "GB-PPON-PTST-0001-TEST"
    world.council.save()
    assert ocds.publisher_for(world.place) == {
        "name": "Testborough Council",
        "scheme": "GB-PPON",
        "uid": "PTST-0001-TEST",
    }
    world.place.open_data_publisher = "Testborough Partnership"
    world.place.save()
    assert ocds.release_package(scope, uri="https://x/")["publisher"] == {
        "name": "Testborough Partnership"
    }


# The project's extension ---------------------------------------------------------------------


def test_the_projects_extension_is_served_at_a_stable_address(client):
    base = reverse("dashboards:ocds_extension", kwargs={"name": "extension.json"})
    assert ocds.extension_url().endswith(base)
    metadata = json.loads(client.get(base).content)
    assert metadata["schemas"] == ["release-schema.json"]
    assert metadata["compatibility"] == ["1.1"]
    assert metadata["documentationUrl"]["en"].endswith("/open-data/ocds/extension/README.md")
    schema = client.get(base.replace("extension.json", "release-schema.json"))
    assert schema["Content-Type"] == "application/json"
    assert json.loads(schema.content) == _read(
        OCDS_DATA / "extensions" / "socialvalue" / "release-schema.json"
    )
    assert client.get(base.replace("extension.json", "README.md")).status_code == 200
    assert client.get(base.replace("extension.json", "settings.py")).status_code == 404


# Every supplier ------------------------------------------------------------------------------


def _framework(world, shares):
    """C1 re-awarded to three suppliers, with the given shares."""
    contract = ContractFactory(
        place=world.place,
        buyer=world.council,
        reference="FW1",
        stage="procurement_started",
        procurement_started_on=timezone.localdate() - datetime.timedelta(days=200),
    )
    suppliers = [SupplierFactory(name=f"Framework {n} Ltd") for n in "ABC"]
    today = timezone.localdate()
    contract = services.contract_award(
        contract=contract,
        by=world.officer,
        suppliers=[AwardedSupplier(o, share) for o, share in zip(suppliers, shares, strict=True)],
        award_value=Decimal("900000"),
        awarded_on=today - datetime.timedelta(days=100),
        contract_start=today - datetime.timedelta(days=90),
        contract_end=today + datetime.timedelta(days=600),
    )
    sub = SupplierFactory(name="Framework Sub Ltd")
    services.subcontractor_add(contract=contract, organisation=sub, by=world.officer)
    for organisation in (*suppliers, sub):
        commitment = CommitmentFactory(
            contract=contract, delivered_by=organisation, measure=world.m1, objective=world.o1
        )
        DeliveryReturnFactory(commitment=commitment, status="verified")
    return contract, suppliers, sub


def _release(package, contract):
    return next(r for r in package["releases"] if r["ocid"] == f"ocds-svdemo-{contract.pk}")


def test_a_framework_lists_every_supplier_and_never_gives_one_the_whole_value(world):
    contract, suppliers, _sub = _framework(world, [None, None, None])
    package = ocds.release_package(Scope(place=world.place, public=True), uri="https://x/")
    release = _release(package, contract)
    [award] = release["awards"]
    assert [s["name"] for s in award["suppliers"]] == [o.name for o in suppliers]
    assert award["value"] == {"amount": 900000.0, "currency": "GBP"}  # the award's, undivided
    assert {p["name"] for p in release["parties"] if "supplier" in p["roles"]} == {
        o.name for o in suppliers
    }
    [entry] = release["contracts"]
    assert len(entry["agreedMetrics"]) == 4
    assert not conformance(package)


def test_recorded_shares_give_each_supplier_its_own_award(world):
    contract, _suppliers, _sub = _framework(
        world, [Decimal("500000"), Decimal("300000"), Decimal("100000")]
    )
    package = ocds.release_package(Scope(place=world.place, public=True), uri="https://x/")
    release = _release(package, contract)
    assert [(a["suppliers"][0]["name"], a["value"]["amount"]) for a in release["awards"]] == [
        ("Framework A Ltd", 500000.0),
        ("Framework B Ltd", 300000.0),
        ("Framework C Ltd", 100000.0),
    ]
    by_award = {
        entry["awardID"]: {
            m["observations"][0]["dimensions"]["deliveredBy"] for m in entry["agreedMetrics"]
        }
        for entry in release["contracts"]
    }
    assert by_award == {
        "FW1-award-1": {"Framework A Ltd", "Framework Sub Ltd"},  # the first answers for subs
        "FW1-award-2": {"Framework B Ltd"},
        "FW1-award-3": {"Framework C Ltd"},
    }
    assert not conformance(package)


def test_an_imported_contract_keeps_its_prefix_and_an_unpublished_value_is_left_out(world):
    world.c2.ocid = "ocds-h6vhtk-0fake99"
    world.c2.estimated_value = None
    world.c2.award_value = None
    world.c2.save()
    package = ocds.release_package(Scope(place=world.place, public=True), uri="https://x/")
    release = next(r for r in package["releases"] if r["ocid"] == "ocds-h6vhtk-0fake99")
    assert "value" not in release["tender"]
    assert "value" not in release["awards"][0]
    assert not conformance(package)


def test_the_contract_period_is_left_out_when_it_was_not_published(world):
    world.c1.contract_end = None
    world.c1.save()
    package = ocds.release_package(Scope(place=world.place, public=True), uri="https://x/")
    period = _release(package, world.c1)["awards"][0]["contractPeriod"]
    assert set(period) == {"startDate"}
    assert not conformance(package)
