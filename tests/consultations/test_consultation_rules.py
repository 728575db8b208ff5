"""Consultations at service level: set-up, responses, throttling, closing and the summary."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultations import services
from consultations.models import Answer, Consultation, Question, RespondentType, Response
from consultations.summary import summarise
from socialvalue.rules import allowed

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def answers_for(consultation, single="Jobs", multiple=("Buses",), text=""):
    questions = {q.kind: q for q in consultation.questions.prefetch_related("options")}
    by_label = {kind: {o.label: o.pk for o in q.options.all()} for kind, q in questions.items()}
    return {
        questions["single"].pk: by_label["single"][single] if single else None,
        questions["multiple"].pk: [by_label["multiple"][m] for m in multiple],
        questions["free_text"].pk: text,
    }


def respond(consultation, by, **kwargs):
    area = kwargs.pop("area", None) or consultation.areas.first()
    kind = kwargs.pop("kind", RespondentType.RESIDENT)
    ip = kwargs.pop("ip", None)
    return services.response_save(
        consultation=consultation,
        by=by,
        respondent_type=kind,
        area=area,
        answers=answers_for(consultation, **kwargs),
        ip=ip,
    )


def test_create_publish_close(people, council, ward):
    officer = people["officer"]
    consultation = services.consultation_create(
        by=officer,
        owner=council,
        title="Transport",
        purpose="What should it do?",
        areas=[ward],
        opens_on=TODAY,
        closes_on=TODAY + datetime.timedelta(days=10),
        planned_contract_reference="WBC-1",
    )
    assert consultation.stage == Consultation.Stage.DRAFT
    with pytest.raises(ValidationError, match="Add at least one question"):
        services.consultation_publish(consultation=consultation, by=officer)
    with pytest.raises(ValidationError, match="Enter at least 2 options"):
        services.question_add(
            consultation=consultation, by=officer, text="Q", kind="single", options="Only one"
        )
    scale = services.question_add(
        consultation=consultation, by=officer, text="Agree?", kind=Question.Kind.AGREEMENT
    )
    assert next(o.label for o in scale.options.all()) == "Strongly agree"
    services.consultation_publish(consultation=consultation, by=officer)
    consultation.refresh_from_db()
    assert consultation.stage == Consultation.Stage.OPEN
    with pytest.raises(ValidationError, match="its questions can no longer change"):
        services.question_add(consultation=consultation, by=officer, text="Late", kind="free_text")
    services.consultation_close(consultation=consultation, by=officer)
    consultation.refresh_from_db()
    assert consultation.stage == Consultation.Stage.CLOSED
    assert consultation.history.latest().history_user == officer


def test_only_officers_of_a_public_body_run_consultations(people, council, vcs_group, ward):
    with pytest.raises(ValidationError, match="Choose a public body where you are an officer"):
        services.consultation_create(
            by=people["leader"],
            owner=council,
            title="T",
            purpose="P",
            areas=[ward],
            opens_on=TODAY,
            closes_on=TODAY,
        )
    with pytest.raises(ValidationError, match="Choose a public body"):
        services.consultation_create(
            by=people["proposer"],
            owner=vcs_group,
            title="T",
            purpose="P",
            areas=[ward],
            opens_on=TODAY,
            closes_on=TODAY,
        )


def test_closing_before_opening_is_refused(people, council, ward):
    with pytest.raises(
        ValidationError, match="The closing date must be on or after the opening date"
    ):
        services.consultation_create(
            by=people["officer"],
            owner=council,
            title="T",
            purpose="P",
            areas=[ward],
            opens_on=TODAY,
            closes_on=TODAY - datetime.timedelta(days=1),
        )


def test_signed_in_people_respond_once_and_can_edit(people, make_consultation):
    consultation = make_consultation()
    first = respond(consultation, people["resident"], single="Jobs")
    second = respond(consultation, people["resident"], single="Food", multiple=("Parks", "Shops"))
    assert first.pk == second.pk
    assert Response.objects.filter(consultation=consultation).count() == 1
    chosen = set(Answer.objects.filter(response=second).values_list("option__label", flat=True))
    assert chosen == {"Food", "Parks", "Shops"}


def test_answering_a_closed_consultation_is_refused(people, make_consultation):
    consultation = make_consultation(
        opens_on=TODAY - datetime.timedelta(days=10), closes_on=TODAY - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="This consultation closed on"):
        respond(consultation, people["resident"])
    assert not Response.objects.exists()


def test_anonymous_only_when_allowed(make_consultation):
    consultation = make_consultation(allow_anonymous=False)
    with pytest.raises(ValidationError, match="Sign in to respond"):
        respond(consultation, None, ip="10.0.0.1")
    allowed_one = make_consultation(allow_anonymous=True)
    response = respond(allowed_one, None, ip="10.0.0.1")
    assert response.user is None
    assert response.ip_hash and "10.0.0.1" not in response.ip_hash


def test_anonymous_flood_is_throttled(make_consultation):
    consultation = make_consultation(allow_anonymous=True)
    for _ in range(services.ANONYMOUS_LIMIT):
        respond(consultation, None, ip="10.0.0.2")
    with pytest.raises(ValidationError, match="too many responses from your internet connection"):
        respond(consultation, None, ip="10.0.0.2")
    respond(consultation, None, ip="10.0.0.3")  # another connection is fine
    assert Response.objects.count() == services.ANONYMOUS_LIMIT + 1


def test_choice_must_be_one_of_the_options(people, make_consultation):
    consultation = make_consultation()
    single = consultation.questions.get(kind="single")
    with pytest.raises(ValidationError) as error:
        services.response_save(
            consultation=consultation,
            by=people["resident"],
            respondent_type="resident",
            area=consultation.areas.first(),
            answers={single.pk: 999999},
        )
    assert f"question_{single.pk}" in error.value.message_dict


def test_an_empty_response_is_refused(people, make_consultation):
    consultation = make_consultation()
    with pytest.raises(ValidationError, match="Answer at least one question"):
        services.response_save(
            consultation=consultation,
            by=people["resident"],
            respondent_type="resident",
            area=consultation.areas.first(),
            answers={},
        )


def test_summary_counts_in_sql(people, make_consultation, neighbourhoods):
    consultation = make_consultation(allow_anonymous=True)
    respond(
        consultation,
        people["resident"],
        kind="resident",
        single="Jobs",
        multiple=("Buses", "Parks"),
    )
    respond(consultation, people["proposer"], kind="vcs", single="Jobs", multiple=("Buses",))
    respond(
        consultation,
        None,
        kind="staff",
        single="Food",
        multiple=(),
        area=neighbourhoods[0],
        ip="1.1.1.1",
    )
    summary = summarise(consultation)
    assert summary["total"] == 3
    assert {(r.label, r.count) for r in summary["by_type"]} == {
        ("A resident", 1),
        ("A voluntary or community group", 1),
        ("Staff", 1),
    }
    single, multiple, _free = summary["questions"]
    assert [(r.label, r.count, r.percent) for r in single.rows] == [
        ("Jobs", 2, 67),
        ("Food", 1, 33),
        ("Safety", 0, 0),
    ]
    assert multiple.answered == 2
    assert [(r.label, r.count, r.percent) for r in multiple.rows] == [
        ("Buses", 2, 100),
        ("Parks", 1, 50),
        ("Shops", 0, 0),
    ]


def test_summary_needs_a_closed_consultation_and_content(people, make_consultation):
    consultation = make_consultation()
    officer = consultation.created_by
    with pytest.raises(ValidationError, match="once the consultation has closed"):
        services.summary_update(consultation=consultation, by=officer, summary_intro="x")
    services.consultation_close(consultation=consultation, by=officer)
    consultation.refresh_from_db()
    with pytest.raises(ValidationError, match="Write the summary or add"):
        services.summary_publish(consultation=consultation, by=officer)
    services.summary_entry_add(
        consultation=consultation, by=officer, you_said="More buses", we_did="Added a route"
    )
    services.summary_publish(consultation=consultation, by=officer)
    consultation.refresh_from_db()
    assert consultation.stage == Consultation.Stage.SUMMARY
    assert allowed(AnonymousUser(), "consultations.view_summary", consultation)


MATRIX = {
    # rule -> roles allowed on an open consultation run by the council
    "consultations.view_consultation": {
        "anonymous",
        "proposer",
        "resident",
        "officer",
        "leader",
        "other_officer",
    },
    "consultations.manage_consultation": {"officer"},
    "consultations.export_responses": {"officer"},
    "consultations.respond": {"proposer", "resident", "officer", "leader", "other_officer"},
    "consultations.view_summary": {"officer"},
}


@pytest.mark.parametrize("rule_name", MATRIX)
def test_consultation_matrix(rule_name, people, make_consultation, council):
    consultation = make_consultation()
    roles = ["anonymous", "proposer", "resident", "officer", "leader", "other_officer"]
    users = {r: AnonymousUser() if r == "anonymous" else people[r] for r in roles}
    # The officer in `people` is an officer of the owner (the council).
    result = {r for r, u in users.items() if allowed(u, rule_name, consultation)}
    assert result == MATRIX[rule_name]


def test_drafts_are_seen_by_the_owner_only(people, make_consultation):
    draft = make_consultation(published_at=None)
    assert draft not in Consultation.objects.visible_to(AnonymousUser())
    assert draft not in Consultation.objects.visible_to(people["other_officer"])
    assert draft in Consultation.objects.visible_to(people["officer"])
