"""`manage.py import_ocds FILE --as EMAIL`: the page's import, with the same report."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from contracts.models import Contract
from people.models import Membership, Organisation
from tests.people.factories import OrganisationFactory, UserFactory
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "ocds"
MANY = str(DATA / "contracts_finder_many_buyers.json")


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_ocds", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_imports_the_officers_releases_and_reports_each(officer, council):
    output = run(MANY, "--as", officer.email)
    assert Contract.objects.filter(buyer=council).count() == 4
    assert "10 releases read: 4 created, 4 skipped, 2 with problems" in output
    assert "Created: 4" in output and "Skipped: 4" in output
    assert 'releases[8].tender.value.currency: the currency is "EUR"' in output
    assert output.count('the currency is "EUR"') == 1
    assert "--buyer GB-SRS-SID4GOV.EXAMPLE/TBCASC0FAKE=SLUG" in output
    assert "Import complete." in output


def test_the_dry_run_saves_nothing(officer):
    output = run(MANY, "--as", officer.email, "--dry-run")
    assert "4 created" in output and "Dry run: nothing was saved." in output
    assert not Contract.objects.exists()


def test_an_unrecognised_buyer_is_matched_with_the_buyer_option(officer, council):
    run(
        MANY, "--as", officer.email, "--buyer", f"GB-SRS-SID4GOV.EXAMPLE/TBCASC0FAKE={council.slug}"
    )
    assert Contract.objects.get(ocid="ocds-b5fd17-0fake02").buyer == council


def test_a_buyer_can_only_be_matched_to_the_officers_bodies(officer, place):
    nhs = OrganisationFactory(name="Testborough NHS", kind=Organisation.Kind.NHS, place=place)
    with pytest.raises(CommandError, match="SLUG is one of your bodies"):
        run(MANY, "--as", officer.email, "--buyer", f"GB-SRS-X={nhs.slug}")
    assert not Contract.objects.exists()


def test_a_cancellation_is_applied_only_when_confirmed(officer, tmp_path):
    run(str(DATA / "tender_only.json"), "--as", officer.email)
    data = json.loads((DATA / "tender_only.json").read_text())
    data["releases"][0]["date"] = "2025-06-01T00:00:00Z"
    data["releases"][0]["tender"]["status"] = "cancelled"
    path = tmp_path / "cancel.json"
    path.write_text(json.dumps(data))
    output = run(str(path), "--as", officer.email)
    assert "Needs your confirmation: 1" in output
    assert Contract.objects.get().stage == Contract.Stage.PROCUREMENT_STARTED
    run(str(path), "--as", officer.email, "--confirm-cancel", "ocds-h6vhtk-0fake01")
    assert Contract.objects.get().stage == Contract.Stage.CANCELLED


@pytest.mark.parametrize(
    "who, message",
    [
        ("nobody@example.org", "There is no active user with the email address"),
        ("resident@example.org", "is not an officer of any public body"),
    ],
)
def test_the_command_says_who_may_import(officer, who, message):
    UserFactory(email="resident@example.org")
    with pytest.raises(CommandError, match=message):
        run(MANY, "--as", who)


def test_a_place_must_be_named_when_the_officer_serves_two(officer, make_member):
    other = OrganisationFactory(
        name="Elsewhere Council",
        kind=Organisation.Kind.LOCAL_AUTHORITY,
        place=PlaceFactory(name="Elsewhere", slug="elsewhere"),
    )
    Membership.objects.create(user=officer, organisation=other, role=Membership.Role.OFFICER)
    with pytest.raises(CommandError, match="Say which place with --place SLUG"):
        run(MANY, "--as", officer.email)
    assert "4 created" in run(MANY, "--as", officer.email, "--place", "testborough")


def test_a_file_that_cannot_be_read_fails_with_its_reason(officer):
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_ocds", str(DATA / "malformed.json"), "--as", officer.email, stderr=err)
    assert "The file is not valid JSON" in err.getvalue()
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(DATA / "missing.json"), "--as", officer.email)
