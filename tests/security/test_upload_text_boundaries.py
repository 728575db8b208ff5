"""Text files are recognised whole characters at a time (issue 13, Low: a valid UTF-8 CSV whose
2,048th byte fell inside a `£` or `é` was refused as "not a PDF, PNG…": the first 2,048 bytes
were decoded as if they ended on a character boundary).

The family: every upload the application offers, found by looking for file inputs on every page
it serves, accepts a text file with a multi-byte character cut by that boundary.
"""

import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve, reverse

from consultations.models import ProposalFile
from contracts import services as contract_services
from contracts.models import EvidenceFile
from objectives.models import Framework
from socialvalue.uploads import CSV, validate_evidence_file
from tests.security.served import served_patterns, url_for

pytestmark = pytest.mark.django_db

SNIFFED = 2048  # how many opening bytes decide a file's type
# Each character, with every way the boundary can cut it: after 1, 2 or 3 of its bytes.
CUTS = [(char, cut) for char in ("£", "é", "€", "—", "🙂") for cut in range(1, len(char.encode()))]


def spanning(char: str, before: bytes, after: bytes, cut: int = 1) -> bytes:
    """`before`, filler, `char`, `after`: with exactly `cut` of `char`'s bytes before byte
    2,048 and the rest after it."""
    filler = SNIFFED - cut - len(before)
    assert filler >= 0
    data = before + b"x" * filler + char.encode() + after
    assert data[:SNIFFED].endswith(char.encode()[:cut])
    return data


def evidence_csv(char="£", cut=1) -> bytes:
    return spanning(char, b"date,spent,note\n2026-01-05,12.50,", f"{char}5 a week\n".encode(), cut)


@pytest.mark.parametrize(("char", "cut"), CUTS)
def test_a_csv_cut_inside_a_character_at_byte_2048_is_a_csv(char, cut):
    upload = SimpleUploadedFile("spend.csv", evidence_csv(char, cut), content_type="text/csv")

    assert validate_evidence_file(upload) == CSV


def test_a_file_that_is_not_utf8_is_still_refused():
    upload = SimpleUploadedFile("spend.csv", b"date,spent\n" + b"\xff\xfe" * 100)
    with pytest.raises(ValidationError, match="must be a"):
        validate_evidence_file(upload)


def test_bytes_that_cannot_start_a_character_just_before_the_boundary_are_refused():
    """Only a character cut by the boundary is forgiven, not broken UTF-8 that happens to sit
    at the end of the sniffed bytes."""
    data = b"a" * (SNIFFED - 1) + b"\xa3" + b"rest"  # a lone continuation byte
    with pytest.raises(ValidationError, match="must be a"):
        validate_evidence_file(SimpleUploadedFile("spend.csv", data))


# Every upload in the application ------------------------------------------------------------

FILE_INPUT = re.compile(
    r'<input[^>]*type="file"[^>]*name="([^"]+)"|<input[^>]*name="([^"]+)"[^>]*type="file"'
)
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.DOTALL)


def _uploads_on(html: str, page_path: str) -> set[str]:
    """The URL names the page's forms with a file input post to."""
    names = set()
    for attributes, body in FORM.findall(html):
        if not FILE_INPUT.search(body):
            continue
        action = re.search(r'action="([^"]*)"', attributes)
        target = (action.group(1) if action else "") or page_path
        match = resolve(target.split("?")[0])
        names.add(f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name)
    return names


def _queried(world):
    return contract_services.return_query(
        delivery_return=world.delivery_return,
        by=world.users["officer"],
        question="Which weeks?",
        expected_version=world.delivery_return.version,
    )


def discover_uploads(world) -> set[str]:
    """Every page, as each person who could upload something, with a return waiting for the
    supplier's answer (the answer form takes files)."""
    _queried(world)
    found = set()
    for role in ("superuser", "officer", "vcs_member", "supplier_contact"):
        client = Client()
        client.force_login(world.users[role])
        for pattern in served_patterns():
            if "get" not in pattern.methods or pattern.name == "people:logout":
                continue
            path = url_for(pattern.name, world)
            response = client.get(path)
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                found |= _uploads_on(response.content.decode(), path)
    return found


def _client(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


def return_create(world):
    period = world.contract.periods.order_by("start")[1]
    response = _client(world, "supplier_contact").post(
        reverse("contracts:return_create", args=[world.commitment.pk]),
        {
            "period": period.pk,
            "quantity": "1",
            "evidence_text": "Receipts attached",
            "beneficiary_references": "",
            "supported_group": "",
            "attested": "on",
            "file_1": SimpleUploadedFile("spend.csv", evidence_csv()),
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    return EvidenceFile.objects.filter(original_name="spend.csv").exists()


def return_answer(world):
    queried = _queried(world)
    response = _client(world, "supplier_contact").post(
        reverse("contracts:return_answer", args=[queried.pk]),
        {
            "answer-answer": "The weeks are in the file",
            "answer-quantity": "",
            "answer-version": queried.version,
            "answer-file_1": SimpleUploadedFile("spend.csv", evidence_csv("€", 2)),
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    return EvidenceFile.objects.filter(original_name="spend.csv").exists()


def _proposal_fields(world):
    return {
        "organisation": world.group.pk,
        "title": "Bike repair",
        "areas": [world.neighbourhood.pk],
        "problem": "Bikes are broken",
        "action": "Save as draft",
        "file_1": SimpleUploadedFile("survey.csv", evidence_csv("é")),
    }


def proposal_create(world):
    response = _client(world, "vcs_member").post(
        reverse("consultations:proposal_create"), _proposal_fields(world)
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    return ProposalFile.objects.filter(original_name="survey.csv").exists()


def proposal_update(world):
    response = _client(world, "vcs_member").post(
        reverse("consultations:proposal_update", args=[world.draft_proposal.pk]),
        _proposal_fields(world),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    return ProposalFile.objects.filter(original_name="survey.csv").exists()


def framework_import(world):
    header = (
        b"theme_code,theme,outcome_code,outcome,dimensions,outcome_description,measure_code,"
        b"measure,unit,guidance,proxy_value,proxy_source,proxy_year,retired\n"
        b"J,Jobs,J1,Good work,Economic,,WR1,Local people employed,FTE,"
    )
    data = spanning("£", header, ' a head,"£1,234.50",Test figure,2024,\n'.encode(), 1)
    response = _client(world, "officer").post(
        reverse("objectives:framework_import"),
        {
            "place": world.place.pk,
            "name": "Imported",
            "version": "1",
            "file": SimpleUploadedFile("framework.csv", data),
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    return Framework.objects.filter(name="Imported").exists()


def ocds_import(world):
    package = json.loads(
        (Path(__file__).parents[1] / "contracts/data/ocds/tender_only.json").read_text()
    )
    # An é across byte 2,048, inside the first release's tender description.
    package["releases"][0].setdefault("tender", {})["description"] = "PLACEHOLDER"
    before, after = json.dumps(package, ensure_ascii=False).encode().split(b"PLACEHOLDER")
    data = spanning("é", before, after, 1)
    json.loads(data)  # still valid JSON
    response = _client(world, "officer").post(
        reverse("contracts:ocds_import"),
        {"place": world.place.pk, "file": SimpleUploadedFile("package.json", data)},
    )
    form = (response.context or {}).get("form")
    assert not (form and "file" in form.errors), form.errors if form else ""
    return response.status_code in (200, 302)


def _need_fields(world):
    import datetime

    from django.utils import timezone

    soon = timezone.localdate() + datetime.timedelta(days=30)
    return {
        "group": world.group.pk,
        "title": "Volunteers for the pantry",
        "why": "More people come each week",
        "kind": "volunteering",
        "areas": [world.neighbourhood.pk],
        "needed_by_0": soon.day,
        "needed_by_1": soon.month,
        "needed_by_2": soon.year,
        "draft": "Save as a draft",
        "file": SimpleUploadedFile("survey.csv", evidence_csv("é")),
    }


def need_create(world):
    from needs.models import NeedFile

    response = _client(world, "vcs_member").post(reverse("needs:need_create"), _need_fields(world))
    assert response.status_code == 302, response.content.decode()[-3000:]
    return NeedFile.objects.filter(original_name="survey.csv").exists()


def need_update(world):
    from needs.models import Need, NeedFile

    fields = _need_fields(world)
    fields["file"] = SimpleUploadedFile("first.csv", evidence_csv("a"))
    _client(world, "vcs_member").post(reverse("needs:need_create"), fields)
    need = Need.objects.get(title="Volunteers for the pantry")
    response = _client(world, "vcs_member").post(
        reverse("needs:need_update", args=[need.pk]), _need_fields(world)
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    return NeedFile.objects.filter(original_name="survey.csv").exists()


UPLOADS = {
    "contracts:return_create": return_create,
    "contracts:return_answer": return_answer,
    "consultations:proposal_create": proposal_create,
    "consultations:proposal_update": proposal_update,
    "objectives:framework_import": framework_import,
    "contracts:ocds_import": ocds_import,
    "needs:need_create": need_create,
    "needs:need_update": need_update,
}


def test_every_upload_is_known(world):
    found = discover_uploads(world)

    assert sorted(found - set(UPLOADS)) == [], "uploads with no test below"
    assert sorted(set(UPLOADS) - found) == [], "tests for uploads no page offers"


@pytest.mark.parametrize("name", sorted(UPLOADS))
def test_every_upload_accepts_text_cut_inside_a_character_at_the_sniffed_boundary(world, name):
    assert UPLOADS[name](world)
