"""Evidence uploads through the real views: checked by content, stored under random names in
the media folder, never served from a public URL, and downloaded only after a permission
check, as an attachment the browser will not run."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from consultations.models import Proposal, ProposalFile
from contracts.models import DeliveryReturn, EvidenceFile
from socialvalue.uploads import MAX_UPLOAD_BYTES
from tests.contracts.factories import TINY_PDF

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def _docx() -> bytes:
    """The smallest zip that is recognisably a Word document."""
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/content-types"/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document/>',
        }
    )


def _return_post(client, world, upload, **extra):
    period = world.contract.periods.order_by("start")[1]
    return client.post(
        reverse("contracts:return_create", args=[world.commitment.pk]),
        {
            "period": period.pk,
            "quantity": "1",
            "evidence_text": "One start",
            "beneficiary_references": "",
            "supported_group": "",
            "attested": "on",
            "file_1": upload,
            **extra,
        },
    )


def _proposal_post(client, world, upload):
    return client.post(
        reverse("consultations:proposal_create"),
        {
            "organisation": world.group.pk,
            "title": "Bike repair",
            "areas": [world.neighbourhood.pk],
            "problem": "Bikes are broken",
            "action": "Save as draft",
            "file_1": upload,
        },
    )


def _supplier(world):
    client = Client()
    client.force_login(world.users["supplier_contact"])
    return client


def _proposer(world):
    client = Client()
    client.force_login(world.users["vcs_member"])
    return client


DISGUISED = [
    ("text named .pdf", "report.pdf", b"just some text pretending to be a PDF", "must be a"),
    ("HTML named .png", "photo.png", HTML, "must be a"),
    ("HTML named .csv", "data.csv", HTML, "must be a"),
    ("executable named .pdf", "report.pdf", b"MZ\x90\x00" + b"\x00" * 64, "must be a"),
    ("PNG named .pdf", "report.pdf", PNG, "does not end in .png"),
    ("PDF named .html", "page.html", TINY_PDF, "does not end in .pdf"),
    ("zip named .zip", "archive.zip", _zip({"evil.exe": b"MZ"}), "must be a"),
    ("empty file", "empty.pdf", b"", "is empty"),
]


@pytest.mark.parametrize(
    ("label", "name", "content", "message"), DISGUISED, ids=[d[0] for d in DISGUISED]
)
def test_a_return_refuses_files_whose_content_is_not_what_the_name_says(
    world, label, name, content, message
):
    response = _return_post(_supplier(world), world, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get("file_1", []))
    assert EvidenceFile.objects.count() == 1  # the world's own
    assert DeliveryReturn.objects.count() == 1


@pytest.mark.parametrize(
    ("label", "name", "content", "message"), DISGUISED[:4], ids=[d[0] for d in DISGUISED[:4]]
)
def test_a_proposal_refuses_files_whose_content_is_not_what_the_name_says(
    world, label, name, content, message
):
    before = Proposal.objects.count()
    response = _proposal_post(_proposer(world), world, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Proposal.objects.count() == before


def test_a_zip_that_is_not_a_word_document_is_refused(world):
    """Office files are zips, and the app decides .docx or .xlsx from the name alone: any zip
    (here, an executable and a web page) renamed report.docx is accepted as a Word document.
    The issue asks that wrong types disguised by extension are refused."""
    disguised = _zip({"evil.exe": b"MZ\x90\x00", "index.html": HTML})
    response = _return_post(_supplier(world), world, SimpleUploadedFile("report.docx", disguised))
    assert response.status_code == 200, "a zip of anything named .docx was accepted"
    assert EvidenceFile.objects.count() == 1


def test_a_real_word_document_is_accepted(world):
    """The test above can pass: a zip laid out as a Word document goes through."""
    response = _return_post(_supplier(world), world, SimpleUploadedFile("report.docx", _docx()))
    assert response.status_code == 302
    assert EvidenceFile.objects.latest("pk").original_name == "report.docx"


def test_a_file_over_the_limit_is_refused(world):
    big = TINY_PDF + b"0" * (6 * 1024 * 1024)
    assert len(big) > MAX_UPLOAD_BYTES
    response = _return_post(_supplier(world), world, SimpleUploadedFile("big.pdf", big))
    assert "The file must be smaller than 5 MB" in response.content.decode()
    assert EvidenceFile.objects.count() == 1


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf", "/etc/cron.d/x.pdf"]
)
def test_path_tricks_in_a_file_name_never_reach_the_file_system(world, name):
    response = _return_post(_supplier(world), world, SimpleUploadedFile(name, TINY_PDF))
    assert response.status_code == 302
    record = EvidenceFile.objects.latest("pk")
    stored = Path(record.file.path).resolve()
    media = Path(settings.MEDIA_ROOT).resolve()
    assert stored.is_relative_to(media / "return-evidence")
    assert stored.name != Path(name).name and ".." not in record.file.name
    assert len(stored.stem) == 32 and stored.suffix == ".pdf"  # random, keeping the type
    assert "/" not in record.original_name and "\\" not in record.original_name


def test_a_proposal_file_is_stored_under_a_random_name(world):
    response = _proposal_post(
        _proposer(world), world, SimpleUploadedFile("../../my survey.pdf", TINY_PDF)
    )
    assert response.status_code == 302
    record = ProposalFile.objects.latest("pk")
    assert "survey" not in record.file.name and ".." not in record.file.name
    assert Path(record.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_nothing_is_served_from_the_media_folder(client, world):
    """Stored files have no public URL: MEDIA_URL is not routed, for anyone."""
    for name in (world.evidence.file.name, world.proposal_file.file.name):
        assert Path(settings.MEDIA_ROOT, name).exists()
        for user in (None, world.users["superuser"]):
            client.logout()
            if user:
                client.force_login(user)
            for prefix in ("/media/", "/", "/static/", settings.MEDIA_URL or "/"):
                response = client.get(prefix + name)
                assert response.status_code in (302, 404), (prefix + name, response.status_code)
                assert TINY_PDF not in getattr(response, "content", b"")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),  # to sign in
        ("resident", 404),
        ("vcs_member", 404),
        ("other_org_officer", 404),
        ("officer", 200),
        ("supplier_contact", 200),
    ],
)
def test_return_evidence_is_downloaded_only_by_those_who_may_see_the_contract(
    client, world, role, status
):
    if world.users[role]:
        client.force_login(world.users[role])
    response = client.get(reverse("contracts:evidence_download", args=[world.evidence.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == TINY_PDF
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response["Content-Type"] == "application/pdf"


def test_a_draft_proposals_file_is_private_to_its_group(client, world):
    url = reverse(
        "consultations:proposal_file", args=[world.draft_proposal.pk, world.proposal_file.pk]
    )
    assert client.get(url).status_code == 404
    client.force_login(world.users["officer"])
    assert client.get(url).status_code == 404
    client.force_login(world.users["vcs_member"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="survey.pdf"'
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_a_file_cannot_be_fetched_through_another_proposal(client, world):
    """The file id must belong to the proposal in the URL: a public proposal's id does not open
    a draft's file."""
    client.force_login(world.users["officer"])
    url = reverse("consultations:proposal_file", args=[world.proposal.pk, world.proposal_file.pk])
    assert client.get(url).status_code == 404


def test_a_hostile_original_name_cannot_break_the_download_headers(client, world):
    EvidenceFile.objects.filter(pk=world.evidence.pk).update(
        original_name='evil"; filename=x.html\r\nSet-Cookie: a=b.pdf'
    )
    client.force_login(world.users["officer"])
    response = client.get(reverse("contracts:evidence_download", args=[world.evidence.pk]))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and "a=b" not in response.cookies
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition.startswith("attachment; filename")
    assert 'filename="x.html"' not in disposition
    response.close()
