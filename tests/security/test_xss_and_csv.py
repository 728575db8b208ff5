"""Stored XSS and CSV injection.

Free text that people type (titles, descriptions, answers, names, file names) is stored with
script and HTML payloads, then every page that shows it is fetched: the raw markup must never
appear, and its escaped form must (so the test sees the text it is looking for). CSV exports
must neutralise cells a spreadsheet would run as a formula (a leading `=`, `+`, `-`, `@`).
"""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services as consultation_services
from consultations.models import Comment, Consultation, Option, Proposal, ProposalLink, Question
from contracts.models import (
    Assessment,
    Commitment,
    Contract,
    DeliveryReturn,
    EvidenceFile,
    KeyPerformanceIndicator,
)
from objectives.models import Framework, Measure, Objective, Outcome, Target, Theme
from people.models import Organisation, User
from places.models import Area
from socialvalue.csv import FORMULA_TRIGGERS

pytestmark = pytest.mark.django_db

XSS = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
RAW_MARKERS = (b"<script>alert(1)", b"<img src=x onerror")
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"


def payload(tag: str) -> str:
    """The payload, told apart per field (some names must be unique)."""
    return f"{XSS} {tag}"


@pytest.fixture
def poisoned(world):
    """The world with a payload in every free-text field a page shows."""
    w = world
    Organisation.objects.filter(pk=w.group.pk).update(
        name=payload("group"), description=payload("group description")
    )
    Organisation.objects.filter(pk=w.supplier.pk).update(name=payload("supplier"))
    Organisation.objects.filter(pk=w.council.pk).update(description=payload("council"))
    User.objects.filter(pk__in=[w.users["supplier_contact"].pk, w.users["vcs_member"].pk]).update(
        full_name=payload("person")
    )
    Area.objects.filter(pk=w.ward.pk).update(name=payload("ward"))
    Area.objects.filter(pk=w.neighbourhood.pk).update(name=payload("neighbourhood"))
    Framework.objects.filter(pk=w.framework.pk).update(
        name=payload("framework"), description=payload("fd"), source=payload("fs")
    )
    Theme.objects.filter(pk=w.theme.pk).update(name=payload("theme"))
    Outcome.objects.filter(pk=w.outcome.pk).update(name=payload("outcome"), description=XSS)
    Measure.objects.filter(pk=w.measure.pk).update(
        name=payload("measure"), guidance=XSS, proxy_source=XSS
    )
    Objective.objects.filter(pk__in=[w.objective.pk, w.draft_objective.pk]).update(
        title=payload("objective"), description=XSS, evidence_of_need=XSS
    )
    Target.objects.filter(objective=w.objective).update(notes=XSS)
    Contract.objects.filter(pk=w.contract.pk).update(title=payload("contract"), description=XSS)
    KeyPerformanceIndicator.objects.create(contract=w.contract, name=XSS, target=XSS)
    Assessment.objects.filter(pk=w.approved_assessment.pk).update(
        economic_how=XSS, relevance=XSS, evaluation_questions=XSS, lever_award_criteria=XSS
    )
    Commitment.objects.filter(pk=w.commitment.pk).update(recovery_action=XSS)
    DeliveryReturn.objects.filter(pk=w.delivery_return.pk).update(
        evidence_text=XSS, beneficiary_references=XSS, query=XSS, answer=XSS
    )
    EvidenceFile.objects.filter(pk=w.evidence.pk).update(original_name=payload("file") + ".pdf")
    Proposal.objects.filter(pk=w.proposal.pk).update(
        title=payload("proposal"),
        problem=XSS,
        affected=XSS,
        change=XSS,
        measurement=XSS,
        evidence=XSS,
    )
    ProposalLink.objects.create(proposal=w.proposal, title=XSS, url="https://example.org/a")
    Comment.objects.filter(pk=w.question.pk).update(body=XSS)
    Proposal.objects.filter(pk=w.hidden_proposal.pk).update(hidden_reason=XSS)
    Consultation.objects.filter(pk=w.consultation.pk).update(
        title=payload("consultation"), purpose=XSS
    )
    Consultation.objects.filter(pk=w.closed_consultation.pk).update(
        summary_intro=XSS, summary_published_at=timezone.now()
    )
    w.entry.you_said, w.entry.we_did = XSS, XSS
    w.entry.save()
    return w


def _problems(response, path: str) -> list[str]:
    problems = []
    if response.status_code != 200:
        return [f"{path}: status {response.status_code}"]
    content = response.content
    for marker in RAW_MARKERS:
        if marker in content:
            at = content.index(marker)
            problems.append(f"{path}: raw {marker.decode()!r} in …{content[at - 80 : at + 40]!r}")
    if ESCAPED not in content.decode():
        problems.append(f"{path}: the escaped payload is not shown, so nothing was checked")
    return problems


# (role, URL name, record): the pages that show free text, to someone who may see them.
PAGES = [
    ("anonymous", "objectives:objective_list", None),
    ("anonymous", "objectives:objective_detail", "objective"),
    ("anonymous", "consultations:proposal_list", None),
    ("anonymous", "consultations:proposal_detail", "proposal"),
    ("anonymous", "consultations:proposal_detail", "hidden_proposal"),
    ("anonymous", "consultations:consultation_list", None),
    ("anonymous", "consultations:consultation_detail", "consultation"),
    ("anonymous", "consultations:summary", "closed_consultation"),
    ("anonymous", "dashboards:transparency", "place"),
    ("officer", "objectives:objective_detail", "draft_objective"),
    ("officer", "objectives:objective_update", "draft_objective"),
    ("officer", "objectives:framework_detail", "framework"),
    ("officer", "consultations:proposal_detail", "proposal"),
    ("officer", "consultations:proposal_start_review", "proposal"),
    ("officer", "consultations:consultation_update", "consultation"),
    ("officer", "contracts:contract_list", None),
    ("officer", "contracts:contract_detail", "contract"),
    ("officer", "contracts:assessment_detail", "contract"),
    ("officer", "contracts:commitment_detail", "commitment"),
    ("officer", "contracts:return_detail", "delivery_return"),
    ("officer", "contracts:return_list", None),
    ("officer", "dashboards:dashboard", None),
    ("officer", "people:organisation_detail", "group"),
    ("officer", "places:place_detail", "place"),
    ("officer", "places:area_detail", "ward"),
    ("supplier_contact", "contracts:return_detail", "delivery_return"),
    ("vcs_member", "contracts:return_confirm", "delivery_return"),
]


def _path(name: str, record, world) -> str:
    if record is None:
        return reverse(name)
    obj = getattr(world, record)
    if name == "contracts:assessment_detail":
        return reverse(name, kwargs={"pk": obj.pk, "version": 1})
    key = "slug" if name in {"dashboards:transparency", "places:place_detail"} else "pk"
    if name == "people:organisation_detail":
        obj.refresh_from_db()
        return reverse(name, kwargs={"slug": obj.slug})
    return reverse(name, kwargs={key: getattr(obj, key)})


def test_free_text_is_escaped_on_every_page_that_shows_it(client, poisoned):
    problems = []
    for role, name, record in PAGES:
        client.logout()
        if poisoned.users[role]:
            client.force_login(poisoned.users[role])
        path = _path(name, record, poisoned)
        problems += _problems(client.get(path), f"{role} {path} ({name})")
    assert problems == []


def test_the_response_form_escapes_the_officers_question_text_and_hint(client, world):
    """Question text and hint become the form field's label and help text, and the GOV.UK
    crispy templates print both with `|safe`. An officer's markup would run (or, under the
    CSP, inject HTML such as a <meta> refresh or a fake form) for every respondent."""
    question = world.consultation.questions.get(kind=Question.Kind.FREE_TEXT)
    Question.objects.filter(pk=question.pk).update(text=payload("question"), hint=XSS)
    for n, option in enumerate(Option.objects.filter(question__consultation=world.consultation)):
        Option.objects.filter(pk=option.pk).update(label=payload(f"option {n}"))
    client.force_login(world.users["resident"])
    path = reverse("consultations:respond", args=[world.consultation.pk])
    assert _problems(client.get(path), path) == []


def test_an_error_message_naming_a_question_is_escaped(client, world):
    question = world.consultation.questions.get(kind=Question.Kind.SINGLE)
    Question.objects.filter(pk=question.pk).update(text=payload("question"), required=True)
    client.force_login(world.users["resident"])
    path = reverse("consultations:respond", args=[world.consultation.pk])
    response = client.post(path, {"respondent_type": "resident", "area": world.ward.pk})
    assert b"<script>alert(1)" not in response.content.split(b"govuk-error-summary", 1)[1][:4000]


def test_links_must_be_web_addresses(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        consultation_services.proposal_update(
            proposal=world.draft_proposal,
            by=world.users["vcs_member"],
            links=[("Click me", "javascript:alert(1)")],
        )
    assert not world.draft_proposal.links.exists()


# CSV exports --------------------------------------------------------------------------------

FORMULAS = {
    "equals": '=HYPERLINK("https://evil.example","x")',
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _formula_cells(rows) -> list[str]:
    """Cells a spreadsheet would run: a formula trigger first, and not simply a number."""
    found = []
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_TRIGGERS):
                try:
                    float(cell)
                except ValueError:
                    found.append(cell)
    return found


def _neutralised(rows, text: str) -> bool:
    return any(cell.startswith("'" + text[:8]) for row in rows for cell in row)


def test_the_objectives_export_neutralises_formulas(client, world):
    Objective.objects.filter(pk=world.objective.pk).update(title=FORMULAS["equals"])
    Organisation.objects.filter(pk=world.council.pk).update(name=FORMULAS["at"])
    Area.objects.filter(pk=world.ward.pk).update(name=FORMULAS["plus"])
    rows = _rows(client.get(reverse("objectives:objective_export")))
    assert _formula_cells(rows) == []
    assert _neutralised(rows, FORMULAS["equals"]) and _neutralised(rows, FORMULAS["at"])


def test_the_framework_export_neutralises_formulas(client, world):
    Theme.objects.filter(pk=world.theme.pk).update(name=FORMULAS["plus"])
    Outcome.objects.filter(pk=world.outcome.pk).update(name=FORMULAS["minus"])
    Measure.objects.filter(pk=world.measure.pk).update(
        name=FORMULAS["at"], guidance=FORMULAS["equals"], unit="-people"
    )
    client.force_login(world.users["officer"])
    rows = _rows(client.get(reverse("objectives:framework_export", args=[world.framework.pk])))
    assert _formula_cells(rows) == []
    assert _neutralised(rows, FORMULAS["minus"]) and _neutralised(rows, FORMULAS["equals"])


def test_the_open_data_commitments_csv_neutralises_formulas(client, world):
    Contract.objects.filter(pk=world.contract.pk).update(title=FORMULAS["equals"])
    Organisation.objects.filter(pk=world.supplier.pk).update(name=FORMULAS["at"])
    Objective.objects.filter(pk=world.objective.pk).update(title=FORMULAS["minus"])
    Measure.objects.filter(pk=world.measure.pk).update(name=FORMULAS["plus"])
    rows = _rows(client.get(reverse("dashboards:commitments_csv", args=[world.place.slug])))
    assert len(rows) > 1
    assert _formula_cells(rows) == []
    assert _neutralised(rows, FORMULAS["equals"]) and _neutralised(rows, FORMULAS["at"])


def test_the_consultation_responses_csv_neutralises_formulas(client, world):
    free_text = world.consultation.questions.get(kind=Question.Kind.FREE_TEXT)
    Question.objects.filter(pk=free_text.pk).update(text=FORMULAS["at"])
    consultation_services.response_save(
        consultation=world.consultation,
        by=world.users["resident"],
        respondent_type="resident",
        area=world.ward,
        organisation_name=FORMULAS["plus"],
        answers={free_text.pk: FORMULAS["equals"]},
    )
    client.force_login(world.users["officer"])
    response = client.get(reverse("consultations:responses_export", args=[world.consultation.pk]))
    assert {"no-store", "private"} <= {d.strip() for d in response["Cache-Control"].split(",")}
    rows = _rows(response)
    assert _formula_cells(rows) == []
    assert _neutralised(rows, FORMULAS["equals"]) and _neutralised(rows, FORMULAS["plus"])


@pytest.mark.parametrize("table", ["measures", "areas", "organisations", "targets", "at_risk"])
def test_the_dashboard_tables_neutralise_formulas(client, world, table):
    Area.objects.filter(pk=world.ward.pk).update(name=FORMULAS["equals"])
    Organisation.objects.filter(pk=world.council.pk).update(name=FORMULAS["at"])
    Measure.objects.filter(pk=world.measure.pk).update(name=FORMULAS["plus"])
    Objective.objects.filter(pk=world.objective.pk).update(title=FORMULAS["minus"])
    client.force_login(world.users["officer"])
    response = client.get(reverse("dashboards:dashboard"), {"format": "csv", "table": table})
    assert response.status_code == 200
    rows = _rows(response)
    assert len(rows) > 1
    assert _formula_cells(rows) == []
