"""Open data: the commitments CSV and the OCDS release package, validated against the schema."""

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.urls import reverse

from dashboards import ocds, opendata
from dashboards.figures import Scope

SCHEMA = Path(opendata.__file__).parent / "data" / "release-package-minimal.schema.json"


def _csv(client, place, **params):
    response = client.get(
        reverse("dashboards:commitments_csv", kwargs={"slug": place.slug}), params
    )
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_commitments_csv_is_public_with_documented_columns(client, world):
    response = client.get(reverse("dashboards:commitments_csv", kwargs={"slug": world.place.slug}))
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert header == [name for name, _ in opendata.COLUMNS]
    page = client.get(reverse("dashboards:transparency", kwargs={"slug": world.place.slug}))
    for name, description in opendata.COLUMNS:
        assert name in page.content.decode()


def test_one_row_per_commitment_per_started_period_with_verified_delivery_only(client, world):
    rows = _csv(client, world.place)
    started = {
        c.pk: c.contract.periods.filter(start__lte=world.c1.contract_start.today()).count()
        for c in (world.k1, world.k2, world.k3)
    }
    assert len(rows) == sum(started.values())
    k1 = [r for r in rows if r["commitment_id"] == str(world.k1.pk)]
    assert [r["verified_quantity"] for r in k1[:2]] == ["4", ""]  # the claim of 3 is not published
    assert k1[0]["verified_value_gbp_estimate"] == "400.00"
    assert k1[0]["area_gss_code"] == "E01000001"
    assert k1[0]["area_gss_year"] == "2021"
    assert k1[0]["area_type"] == "LSOA"
    assert k1[0]["delivered_by_role"] == "supplier"
    assert k1[0]["contract_ocid"] == "ocds-local-C1"
    k2 = [r for r in rows if r["commitment_id"] == str(world.k2.pk)]
    assert k2[0]["delivered_by_role"] == "subcontractor"
    assert k2[0]["verified_value_gbp_estimate"] == ""  # no proxy: counted, not valued
    k3 = [r for r in rows if r["commitment_id"] == str(world.k3.pk)]
    assert k3[0]["area_gss_code"] == "E05000002"
    assert k3[0]["measure_retired"] == "yes"
    assert k3[1]["verified_quantity"] == ""  # rejected


def test_csv_period_filter(client, world):
    p1 = world.c1.periods.order_by("start")[0]
    period = f"{p1.end.year if p1.end.month >= 4 else p1.end.year - 1}"
    rows = _csv(client, world.place, period=period)
    assert rows
    assert all(r["period_end"][:4] in (period, str(int(period) + 1)) for r in rows)


def test_csv_streams_in_constant_queries(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        _csv(client, world.place)


@pytest.fixture
def package(client, world):
    response = client.get(reverse("dashboards:ocds", kwargs={"slug": world.place.slug}))
    assert response.status_code == 200
    return json.loads(response.content)


def test_ocds_package_validates_against_the_schema(package):
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(package)


def test_the_schema_is_not_toothless(package):
    schema = json.loads(SCHEMA.read_text())
    broken = json.loads(json.dumps(package))
    del broken["releases"][0]["ocid"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
    broken = json.loads(json.dumps(package))
    broken["releases"][0]["tender"]["sustainability"] = [{"goal": "wellbeing"}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_ocds_releases_carry_assessment_weighting_commitments_and_verified_delivery(package, world):
    releases = {r["ocid"]: r for r in package["releases"]}
    assert set(releases) == {"ocds-local-C1", "ocds-local-C2"}  # C3 is exempt, C4 in planning
    c1 = releases["ocds-local-C1"]
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
    assert "planning" not in releases["ocds-local-C2"]  # no assessment was approved
    text = json.dumps(package)
    for person in (world.leader, world.officer, world.c1.owner):
        assert person.full_name not in text and person.email not in text


def test_a_contract_keeps_its_own_ocid_and_the_prefix_is_configurable(world, settings, rf):
    world.c2.ocid = "ocds-b5fd17-000123"
    world.c2.save()
    settings.SOCIALVALUE_OCID_PREFIX = "ocds-abc123"
    package = ocds.release_package(Scope(place=world.place, public=True), uri="https://x/")
    assert {r["ocid"] for r in package["releases"]} == {"ocds-b5fd17-000123", "ocds-abc123-C1"}


def test_ocds_export_in_constant_queries(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        ocds.release_package(Scope(place=world.place, public=True), uri="https://x/")
