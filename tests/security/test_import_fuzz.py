"""Fuzzing the importers (ONS ward lookup CSV, framework CSV, OCDS JSON) with Hypothesis.

Two kinds of input for each: garbage (random bytes, text, JSON of any shape), and a real
file from the tests' data with random damage (cells replaced, columns and rows dropped or
added, values swapped for odd types). The properties:

- nothing escapes but the importer's own report (no traceback for a person to read);
- a report with errors means nothing was written: every table's row count is unchanged.

Each example runs in a transaction rolled back afterwards, so examples do not see each other's
data. The management commands are fuzzed too: they may only fail with a CommandError.
"""

import copy
import csv
import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from contracts.models import Contract
from contracts.ocds import import_release_package
from objectives.framework_csv import COLUMNS as FRAMEWORK_COLUMNS
from objectives.framework_csv import import_framework_csv
from people.models import Membership, Organisation
from places.importers import import_ward_lookup
from tests.objectives.factories import FrameworkFactory, MeasureFactory
from tests.people.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.places.factories import AreaFactory, PlaceFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent
WARDS_CSV = (DATA / "places" / "data" / "wards_2024.csv").read_text(encoding="utf-8")
FRAMEWORK_CSV = (DATA / "objectives" / "data" / "good.csv").read_text(encoding="utf-8")
OCDS_PACKAGES = [
    json.loads((DATA / "contracts" / "data" / "ocds" / name).read_text(encoding="utf-8"))
    for name in ("awarded_sme_vcse.json", "two_releases.json", "tender_only.json")
]

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
GARBAGE = settings(FUZZ, max_examples=30)
COMMANDS = settings(FUZZ, max_examples=15)


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"places", "people", "objectives", "contracts"}
        and model._meta.label not in ("people.LoginFailure", "contracts.OcdsImport")
    }


def _check(run):
    """Run one import in a transaction that is rolled back afterwards; hold the properties."""
    with transaction.atomic():
        before = _counts()
        report = run()
        assert isinstance(report.errors, list)
        for error in report.errors:
            assert str(error)  # each error reads as a sentence, not a repr
        if currently_in_test_context():
            event("refused" if report.errors else "imported")
        if report.errors:
            assert _counts() == before, f"an import with errors wrote data: {report.errors[:3]}"
            assert not report.saved
        transaction.set_rollback(True)
    return report


# Building blocks --------------------------------------------------------------------------------

ODD_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "'=1+1",
            '=HYPERLINK("x")',
            "-1",
            "1e400",
            "NaN",
            "£1,234.50",
            "1,2,3",
            "9" * 40,
            "x" * 600,
            "E05099001",
            "E09099001",
            "E0599999",
            "W05000001",
            "economic;social",
            "Economic;Nonsense",
            "yes",
            "retired",
            "2024",
            "1899",
            "\x00",
            "\ufeff",
            "\r\n",
            '"',
            "<script>alert(1)</script>",
            "Ward\u202eevil",
        ]
    ),
)


def _table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@st.composite
def damaged_csv(draw, original: str, extra_headers: list[str]) -> bytes:
    """The original file with a few random changes, as bytes in a random encoding."""
    rows = _table(original)
    for _ in range(draw(st.integers(0, 6))):
        action = draw(
            st.sampled_from(
                [
                    "cell",
                    "cell",
                    "cell",
                    "drop_row",
                    "dup_row",
                    "drop_col",
                    "add_col",
                    "header",
                    "short_row",
                    "truncate",
                ]
            )
        )
        if not rows:
            break
        r = draw(st.integers(0, len(rows) - 1))
        if action == "cell" and rows[r]:
            c = draw(st.integers(0, len(rows[r]) - 1))
            rows[r][c] = draw(ODD_TEXT)
        elif action == "drop_row":
            del rows[r]
        elif action == "dup_row":
            rows.insert(r, list(rows[r]))
        elif action == "drop_col" and rows[0]:
            c = draw(st.integers(0, len(rows[0]) - 1))
            rows = [row[:c] + row[c + 1 :] for row in rows]
        elif action == "add_col":
            name = draw(st.sampled_from(extra_headers) | ODD_TEXT)
            rows = [[*row, name if i == 0 else draw(ODD_TEXT)] for i, row in enumerate(rows)]
        elif action == "header" and rows[0]:
            c = draw(st.integers(0, len(rows[0]) - 1))
            rows[0][c] = draw(st.sampled_from(extra_headers) | ODD_TEXT)
        elif action == "short_row" and rows[r]:
            rows[r] = rows[r][: draw(st.integers(0, len(rows[r]) - 1))]
        elif action == "truncate":
            rows = rows[: draw(st.integers(0, len(rows)))]
    text = _csv(rows)
    encoding = draw(st.sampled_from(["utf-8"] * 4 + ["utf-8-sig", "latin-1", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] if draw(st.booleans()) else data
    return data


JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    ODD_TEXT,
    st.sampled_from(["2025-13-45", "2025-02-30T25:00:00Z", "1066-10-14", "9999-12-31", "GBP"]),
)
ANY_JSON = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(max_size=12) | st.sampled_from(["releases", "ocid"]), children, max_size=4
        )
    ),
    max_leaves=25,
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


@st.composite
def damaged_package(draw):
    """A real release package with values replaced by others of any type, or removed."""
    package = copy.deepcopy(draw(st.sampled_from(OCDS_PACKAGES)))
    for _ in range(draw(st.integers(1, 5))):
        paths = [p for p in _paths(package) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = package
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.integers(0, 3)) == 0:
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(ANY_JSON)
    return package


# The world the imports meet ------------------------------------------------------------------


@pytest.fixture
def setting(db):
    """A place with a council, a coded ward and a framework: enough to meet in a file."""
    place = PlaceFactory(name="Testborough", slug="testborough", gss_code="E09099001")
    council = OrganisationFactory(
        name="Testborough Council",
        kind=Organisation.Kind.LOCAL_AUTHORITY,
        place=place,
        identifier="GB-PPON-PTST-0001-TEST",
    )
    AreaFactory(place=place, kind="ward", name="Abbey Fields", gss_code="E05099001", gss_year=2023)
    framework = FrameworkFactory(place=place, name="Local outcomes", version="1")
    MeasureFactory(outcome__theme__framework=framework, framework=framework, code="WR1")
    user = UserFactory(email="importer@example.org", is_superuser=True)
    MembershipFactory(user=user, organisation=council, role=Membership.Role.OFFICER)
    return place, council, user


# ONS ward lookup ---------------------------------------------------------------------------------


@FUZZ
@given(
    data=damaged_csv(WARDS_CSV, ["WD24CD", "WD23CD", "LAD24NM", "LAD99CD", "WD24NMW"]),
    for_place=st.booleans(),
    dry_run=st.booleans(),
)
def test_ward_lookup_survives_damaged_files(setting, data, for_place, dry_run):
    place = setting[0] if for_place else None
    _check(lambda: import_ward_lookup(io.BytesIO(data), place=place, dry_run=dry_run))


@GARBAGE
@given(data=st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_ward_lookup_survives_garbage(setting, data):
    _check(lambda: import_ward_lookup(io.BytesIO(data)))


# Framework CSV ------------------------------------------------------------------------------------

FRAMEWORK_NAMES = (
    st.sampled_from(["Local outcomes", "New framework"])
    | st.sampled_from(["", " ", "x" * 300])
    | st.text(max_size=30)
)


@FUZZ
@given(
    data=damaged_csv(FRAMEWORK_CSV, [*FRAMEWORK_COLUMNS, "THEME", "measure_code "]),
    name=FRAMEWORK_NAMES,
    version=st.sampled_from(["1", "2"]) | st.sampled_from(["", "v" * 50]) | st.text(max_size=10),
    dry_run=st.booleans(),
)
def test_framework_import_survives_damaged_files(setting, data, name, version, dry_run):
    place, _council, user = setting
    _check(
        lambda: import_framework_csv(
            io.BytesIO(data), place=place, name=name, version=version, by=user, dry_run=dry_run
        )
    )


@pytest.mark.parametrize("field", ["name", "version", "licence", "source"])
@pytest.mark.parametrize("character", ["\x00", "\u202e"])
def test_framework_import_refuses_control_characters_in_its_names(setting, field, character):
    """Found by the fuzz test on PostgreSQL: a NUL in the framework's name reached a query
    (PostgreSQL cannot hold NUL), so the import crashed instead of saying why. Every text the
    importer is given is checked before anything is looked up."""
    place, _council, user = setting
    names = {"name": "Local outcomes", "version": "1", "licence": "", "source": ""}
    names[field] = f"Local{character}outcomes"
    report = _check(
        lambda: import_framework_csv(
            io.BytesIO(FRAMEWORK_CSV.encode()), place=place, by=user, **names
        )
    )
    assert report.errors, f"a control character in the {field} was accepted"
    assert any(field in str(error) for error in report.errors)


@GARBAGE
@given(data=st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_framework_import_survives_garbage(setting, data):
    place, _council, user = setting
    _check(
        lambda: import_framework_csv(
            io.BytesIO(data), place=place, name="Fuzzed", version="1", by=user
        )
    )


# OCDS JSON --------------------------------------------------------------------------------------


@FUZZ
@given(
    package=damaged_package(),
    form=st.sampled_from(["parsed", "text", "bytes"]),
    dry_run=st.booleans(),
)
def test_ocds_import_survives_damaged_packages(setting, package, form, dry_run):
    """Each release is its own unit: only the releases reported as created add a contract,
    and a release with a problem writes nothing."""
    place, _council, user = setting
    data = {
        "parsed": package,
        "text": json.dumps(package),
        "bytes": json.dumps(package).encode(),
    }[form]

    def run():
        before = Contract.objects.count()
        report = import_release_package(data, place=place, by=user, dry_run=dry_run)
        created = {o.ocid for o in report.created}
        assert Contract.objects.count() - before == (0 if dry_run else len(created))
        for outcome in report.problems:
            assert str(outcome) and all(str(p) for p in outcome.problems)
            if outcome.ocid not in created:
                assert dry_run or not Contract.objects.filter(ocid=outcome.ocid).exists()
        return report

    _check(run)


@GARBAGE
@given(
    data=ANY_JSON
    | ANY_JSON.map(json.dumps)
    | st.binary(max_size=300)
    | st.sampled_from(
        [
            "[" * 5000 + "]" * 5000,
            '{"releases": [' + "1" * 5000 + "]}",
            '{"releases": [NaN]}',
            '{"releases": [{"ocid": "x", "tender": {"value": {"amount": Infinity}}}]}',
            "\ufeff{}",
        ]
    )
)
def test_ocds_import_survives_garbage(setting, data):
    place, _council, user = setting
    _check(lambda: import_release_package(data, place=place, by=user))


# The management commands ------------------------------------------------------------------------


def _run_command(*args) -> None:
    """A command may succeed or fail with CommandError (a message, no traceback)."""
    with transaction.atomic():
        before = _counts()
        try:
            call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
        except CommandError:
            assert _counts() == before
        transaction.set_rollback(True)


@COMMANDS
@given(data=damaged_csv(WARDS_CSV, ["WD24CD", "LAD24NM"]) | st.binary(max_size=200))
def test_the_ons_import_command_fails_only_with_a_message(setting, tmp_path, data):
    path = tmp_path / "lookup.csv"
    path.write_bytes(data)
    _run_command("import_ons_wards", str(path))


@COMMANDS
@given(data=damaged_package().map(lambda p: json.dumps(p).encode()) | st.binary(max_size=200))
def test_the_ocds_import_command_fails_only_with_a_message(setting, tmp_path, data):
    path = tmp_path / "package.json"
    path.write_bytes(data)
    _run_command("import_ocds", str(path), "--place", "testborough", "--as", "importer@example.org")


def test_the_fuzzed_files_can_succeed(setting):
    """The properties above are not vacuous: undamaged files import."""
    place, _council, user = setting
    assert not _check(lambda: import_ward_lookup(io.BytesIO(WARDS_CSV.encode()))).errors
    assert not _check(
        lambda: import_framework_csv(
            io.BytesIO(FRAMEWORK_CSV.encode()), place=place, name="Fresh", version="1", by=user
        )
    ).errors
    assert not _check(lambda: import_release_package(OCDS_PACKAGES[0], place=place, by=user)).errors


# Through the browser --------------------------------------------------------------------------


MALFORMED_UPLOADS = [
    b"",
    b"\x00\xff\xfe garbage",
    "theme,outcome\n\ufeff,\n".encode("utf-16"),
    FRAMEWORK_CSV.replace("Economic;Social", "Economic;<script>alert(1)</script>", 1).encode(),
    b'{"releases": [{"ocid": "<script>alert(1)</script>", "tender": []}]}',
    b"[" * 3000,
]


@pytest.mark.parametrize("content", MALFORMED_UPLOADS, ids=range(len(MALFORMED_UPLOADS)))
def test_the_import_pages_answer_malformed_files_with_messages(client, setting, content):
    """No 500 and no raw markup: whatever the file, the form comes back with its problems."""
    place, _council, user = setting
    client.force_login(user)
    before = _counts()
    framework = client.post(
        reverse("objectives:framework_import"),
        {
            "place": place.pk,
            "name": "Uploaded",
            "version": "1",
            "file": SimpleUploadedFile("framework.csv", content),
        },
    )
    with TestCase.captureOnCommitCallbacks(execute=True):  # the worker checks the upload
        uploaded = client.post(
            reverse("contracts:ocds_import"),
            {"place": place.pk, "file": SimpleUploadedFile("package.json", content)},
        )
    ocds = client.get(uploaded.url) if uploaded.status_code == 302 else uploaded
    for response in (framework, ocds):
        assert response.status_code == 200
        assert b"<script>alert(1)" not in response.content
    # A file that is not JSON is refused by the form; JSON goes to its preview, whose report
    # lists the release's problems. Neither writes anything.
    assert b"govuk-error-summary" in framework.content
    assert b"govuk-error-summary" in ocds.content or b"Releases with problems" in ocds.content
    assert _counts() == before
