"""Open data: the commitments CSV and the OCDS release package, validated against the schema.

The OCDS export is validated against the official OCDS 1.1.5 release package and release
schemas, with the extensions it uses applied as JSON merge patches (RFC 7386), all vendored in
`dashboards/data/ocds/` (see its README for sources, commits and licence).
"""

import csv
import datetime
import functools
import io
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
from django.urls import reverse
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from dashboards import ocds, opendata
from dashboards.figures import Scope

OCDS_DATA = Path(ocds.__file__).parent / "data" / "ocds"
# Extensions applied to the release schema, in this order (folders under OCDS_DATA/extensions).
OCDS_EXTENSIONS = ("sustainability", "metrics", "partyDetails_scale")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch: objects merge key by key, `null` deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _codes(name: str) -> set[str]:
    path = OCDS_DATA / "extensions" / "sustainability" / "codelists" / name
    return {row["Code"] for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))}


# jsonschema only checks "date-time" and "uri" with optional packages that are not installed, so
# check them here: RFC 3339 date-times and absolute URIs (with a scheme), as OCDS requires.
FORMATS = jsonschema.FormatChecker(formats=jsonschema.Draft4Validator.FORMAT_CHECKER.checkers)


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        return False
    datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return True


@FORMATS.checks("uri")
def _is_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme)) and not re.search(
        r"\s", value
    )


@functools.cache
def ocds_validator() -> jsonschema.Draft4Validator:
    """A draft-04 validator for the release package schema, its `$ref` to the (extended) release
    schema resolved locally from the vendored copies."""
    package = _read(OCDS_DATA / "release-package-schema.json")
    release = _read(OCDS_DATA / "release-schema.json")
    for extension in OCDS_EXTENSIONS:
        release = merge_patch(
            release, _read(OCDS_DATA / "extensions" / extension / "release-schema.json")
        )
    for schema in (package, release):
        jsonschema.Draft4Validator.check_schema(schema)
    registry = Registry().with_resources(
        (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        for schema in (package, release)
    )
    return jsonschema.Draft4Validator(package, registry=registry, format_checker=FORMATS)


def ocds_errors(package: dict) -> list[str]:
    """Every way `package` fails OCDS: the schema, then the sustainability goal codelist (open,
    but new codes must be sub-codes of listed ones: `[existing-code].[sub-code]`)."""
    errors = [
        f"/{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in ocds_validator().iter_errors(package)
    ]
    goals = _codes("sustainabilityGoal.csv")
    for r, release in enumerate(package.get("releases") or []):
        for s, item in enumerate((release.get("tender") or {}).get("sustainability") or []):
            goal = item.get("goal") if isinstance(item, dict) else None
            if isinstance(goal, str) and goal not in goals and goal.rsplit(".", 1)[0] not in goals:
                errors.append(
                    f"/releases/{r}/tender/sustainability/{s}/goal: {goal!r} is not in the "
                    "sustainabilityGoal codelist nor a sub-code of a code in it"
                )
    return sorted(errors)


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
    assert response.status_code == 200 and response.streaming
    return json.loads(b"".join(response.streaming_content))


def test_the_vendored_schemas_are_ocds_1_1_5():
    for name in ("release-package-schema.json", "release-schema.json"):
        assert _read(OCDS_DATA / name)["id"] == (
            f"https://standard.open-contracting.org/schema/1__1__5/{name}"
        )
    package_schema = ocds_validator().schema  # the release schema is resolved from the registry
    assert package_schema["properties"]["releases"]["items"]["$ref"] == (
        "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
    )


def test_ocds_package_validates_against_the_schema(package):
    errors = ocds_errors(package)
    assert not errors, "The OCDS export fails the official OCDS 1.1.5 schema:\n" + "\n".join(errors)


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
    for date in ("2025-01-01", "2025-02-30T00:00:00Z"):  # and so are date-time formats
        assert f"/releases/0/date: '{date}' is not a 'date-time'" in broken(
            lambda r, date=date: r.update(date=date)
        )


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


def test_the_streamed_package_is_the_same_document_whatever_the_chunk_size(world, monkeypatch):
    scope = Scope(place=world.place, public=True)
    whole = ocds.release_package(scope, uri="https://x/")
    monkeypatch.setattr(ocds, "CHUNK_SIZE", 1)  # one contract per chunk: every boundary crossed
    streamed = json.loads("".join(ocds.release_package_text(scope, uri="https://x/")))
    assert len(whole["releases"]) == 2
    whole.pop("publishedDate"), streamed.pop("publishedDate")
    for release in whole["releases"] + streamed["releases"]:
        release.pop("date"), release.pop("id")
    assert streamed == whole


def test_an_empty_package_is_valid_json(place):
    streamed = json.loads(
        "".join(ocds.release_package_text(Scope(place=place, public=True), uri="u"))
    )
    assert streamed["releases"] == [] and streamed["version"] == "1.1"
