"""The import pages: upload, review (the preview, buyer matches and cancellations), import,
and the names a body publishes under."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from contracts.forms import choice_name
from contracts.models import BuyerAlias, Contract, OcdsImport
from people.models import Membership, Organisation
from tests.people.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "ocds"
SPELLING_KEY = "GB-SRS-SID4GOV.EXAMPLE/TBCASC0FAKE"


def upload(client, name="contracts_finder_many_buyers.json", content=None, **data):
    content = content if content is not None else (DATA / name).read_bytes()
    return client.post(
        reverse("contracts:ocds_import"),
        {**data, "file": SimpleUploadedFile(name, content, "application/json")},
    )


@pytest.fixture
def client(client):
    """The client, with the worker run after each request: the work each page queued (the
    check of an upload, the import) runs once the request's transaction commits."""
    post = client.post

    def posting(*args, **kwargs):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return post(*args, **kwargs)

    client.post = posting
    return client


@pytest.fixture
def nhs(place):
    return OrganisationFactory(name="Testborough NHS", kind=Organisation.Kind.NHS, place=place)


@pytest.fixture
def staged(client, officer):
    client.force_login(officer)
    response = upload(client)
    assert response.status_code == 302
    return OcdsImport.objects.get()


def review(staged):
    return reverse("contracts:ocds_review", kwargs={"pk": staged.pk})


def test_the_upload_page_names_only_the_officers_own_bodies(client, officer, council, nhs):
    client.force_login(officer)
    page = client.get(reverse("contracts:ocds_import"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Testborough Council" in text
    assert "Testborough NHS" not in text
    assert 'name="buyer"' not in text


@pytest.mark.parametrize("role", [Membership.Role.LEADER, Membership.Role.ORG_ADMIN, None], ids=str)
def test_people_who_are_not_officers_cannot_import(client, council, make_member, role):
    user = make_member(council, role) if role else UserFactory()
    client.force_login(user)
    assert client.get(reverse("contracts:ocds_import")).status_code == 403
    assert upload(client).status_code == 403
    assert not OcdsImport.objects.exists()


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(reverse("contracts:ocds_import"))
    assert response.status_code == 302 and "sign-in" in response.url


def test_an_upload_is_previewed_and_nothing_is_written(client, staged, officer):
    assert staged.by == officer
    assert staged.size == len((DATA / "contracts_finder_many_buyers.json").read_bytes())
    assert not Contract.objects.exists()
    page = client.get(review(staged))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Check the import before saving it" in text
    assert "Import 4 releases" in text
    assert "Testborough Council - Adult Social Care" in text  # unrecognised: can be matched
    assert "the currency is &quot;EUR&quot;" in text


def test_confirming_imports_exactly_what_was_previewed(client, staged, officer):
    response = client.post(review(staged), {"revision": 0, "action": "import"})
    staged.refresh_from_db()
    assert response.status_code == 302
    assert response.url == reverse("contracts:ocds_result", kwargs={"pk": staged.pk})
    assert staged.status == OcdsImport.Status.IMPORTED
    assert bytes(staged.content) == b""
    assert Contract.objects.count() == 4
    result = client.get(response.url).content.decode()
    assert "Import saved" in result and "Befriending service" in result
    # The review page now sends to the result; importing twice is refused.
    assert client.get(review(staged)).status_code == 302
    client.post(review(staged), {"revision": 0, "action": "import"})
    assert Contract.objects.count() == 4


def test_an_unrecognised_buyer_matched_on_the_review_page_is_imported_and_learnt(
    client, staged, council
):
    field = choice_name("buyer", SPELLING_KEY)
    client.post(review(staged), {"revision": 0, "action": "preview", field: council.pk})
    staged.refresh_from_db()
    assert staged.revision == 1
    assert staged.choices["buyers"] == {SPELLING_KEY: council.pk}
    assert "Import 5 releases" in client.get(review(staged)).content.decode()

    client.post(review(staged), {"revision": 1, "action": "import", field: council.pk})
    assert Contract.objects.get(ocid="ocds-b5fd17-0fake02").buyer == council
    assert BuyerAlias.objects.filter(organisation=council, source="learnt").count() == 2


def test_changed_choices_are_previewed_before_anything_is_imported(client, staged, council):
    field = choice_name("buyer", SPELLING_KEY)
    response = client.post(review(staged), {"revision": 0, "action": "import", field: council.pk})
    assert response.status_code == 302 and response.url == review(staged)
    assert not Contract.objects.exists()
    staged.refresh_from_db()
    assert staged.revision == 1


def test_a_buyer_cannot_be_matched_to_a_body_that_is_not_the_officers(client, staged, nhs):
    field = choice_name("buyer", SPELLING_KEY)
    response = client.post(review(staged), {"revision": 0, "action": "import", field: nhs.pk})
    assert response.status_code == 200
    assert "Choose one of your bodies, or leave it out" in response.content.decode()
    assert not Contract.objects.exists()


def test_someone_elses_upload_is_not_found(client, staged, council, make_member):
    colleague = make_member(council, Membership.Role.OFFICER)
    client.force_login(colleague)
    assert client.get(review(staged)).status_code == 404
    assert client.post(review(staged), {"revision": 0, "action": "import"}).status_code == 404
    result = reverse("contracts:ocds_result", kwargs={"pk": staged.pk})
    assert client.get(result).status_code == 404
    assert not Contract.objects.exists()


def test_an_expired_upload_cannot_be_imported(client, staged):
    OcdsImport.objects.filter(pk=staged.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    page = client.get(review(staged)).content.decode()
    assert "has expired or been replaced" in page
    response = client.post(review(staged), {"revision": 0, "action": "import"})
    assert "Upload the file again" in response.content.decode()
    assert not Contract.objects.exists()


def test_a_new_upload_replaces_the_one_waiting(client, staged):
    upload(client, "tender_only.json")
    staged.refresh_from_db()
    assert staged.status == OcdsImport.Status.EXPIRED
    assert bytes(staged.content) == b""
    assert OcdsImport.objects.filter(status=OcdsImport.Status.PREVIEWED).count() == 1


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("notes.txt", b"{}", "The selected file must be a .json file"),
        ("package.json", b"{not json", "The file is not valid JSON"),
        ("package.json", b"", "The selected file is empty"),
    ],
)
def test_a_file_that_is_not_ocds_json_is_refused_by_the_form(
    client, officer, name, content, message
):
    client.force_login(officer)
    response = upload(client, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not OcdsImport.objects.exists()


def test_a_cancellation_is_applied_only_when_ticked(client, officer):
    client.force_login(officer)
    upload(client, "tender_only.json")
    client.post(review(OcdsImport.objects.get()), {"revision": 0, "action": "import"})
    contract = Contract.objects.get()
    data = json.loads((DATA / "tender_only.json").read_text())
    data["releases"][0].update(date="2025-06-01T00:00:00Z")
    data["releases"][0]["tender"]["status"] = "cancelled"
    upload(client, "tender_only.json", json.dumps(data).encode())
    staged = OcdsImport.objects.get(status=OcdsImport.Status.PREVIEWED)
    page = client.get(review(staged)).content.decode()
    assert "Waiting for your confirmation" in page and "Cancel TB-2025-001" in page

    field = choice_name("cancel", contract.ocid)
    client.post(review(staged), {"revision": 0, "action": "preview", field: "on"})
    client.post(review(staged), {"revision": 1, "action": "import", field: "on"})
    contract.refresh_from_db()
    assert contract.stage == Contract.Stage.CANCELLED


def test_the_review_page_costs_the_same_queries_for_1_or_10_releases(
    client, officer, django_assert_max_num_queries
):
    client.force_login(officer)
    upload(client, "tender_only.json")
    small = OcdsImport.objects.get(status=OcdsImport.Status.PREVIEWED)
    with django_assert_max_num_queries(12) as small_queries:
        client.get(review(small))
    upload(client)
    large = OcdsImport.objects.get(status=OcdsImport.Status.PREVIEWED)
    with django_assert_max_num_queries(12) as large_queries:
        client.get(review(large))
    assert len(small_queries) == len(large_queries)


# The names a body publishes under ---------------------------------------------------------------


def aliases_url(body):
    return reverse("contracts:buyer_aliases", kwargs={"slug": body.slug})


def test_an_organisation_admin_adds_and_removes_a_name_with_history(client, council, make_member):
    admin = make_member(council, Membership.Role.ORG_ADMIN)
    client.force_login(admin)
    client.post(aliases_url(council), {"kind": "name", "value": "The Testborough Council (ASC)"})
    alias = BuyerAlias.objects.get()
    assert (alias.organisation, alias.added_by, alias.key) == (
        council,
        admin,
        "testborough council asc",
    )
    client.post(
        reverse("contracts:buyer_alias_remove", kwargs={"slug": council.slug, "alias": alias.pk})
    )
    alias.refresh_from_db()
    assert alias.removed_by == admin
    assert alias.history.count() == 2
    assert "Removed (1)" in client.get(aliases_url(council)).content.decode()


def test_a_name_another_body_publishes_under_cannot_be_claimed(client, council, nhs, make_member):
    admin = make_member(council, Membership.Role.ORG_ADMIN)
    client.force_login(admin)
    response = client.post(aliases_url(council), {"kind": "name", "value": "testborough NHS"})
    assert "is already used by Testborough NHS" in response.content.decode()
    assert not BuyerAlias.objects.exists()


def test_officers_see_the_names_but_only_admins_change_them(client, council, officer, nhs):
    client.force_login(officer)
    page = client.get(aliases_url(council))
    assert page.status_code == 200
    assert "Add a name or identifier" not in page.content.decode()
    assert client.post(aliases_url(council), {"kind": "name", "value": "X"}).status_code == 403
    assert client.get(aliases_url(nhs)).status_code == 403
    assert not BuyerAlias.objects.exists()
