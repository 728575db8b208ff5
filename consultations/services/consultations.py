"""Writes to consultations, their questions, responses and published summaries."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from objectives.models import Objective
from people.models import Membership, Organisation, User
from people.permissions import roles_in
from places.models import Area
from socialvalue.history import as_user

from ..models import (
    AGREEMENT_SCALE,
    Answer,
    Consultation,
    Option,
    Proposal,
    Question,
    Response,
    SummaryEntry,
)
from ..permissions import response_error

__all__ = [
    "ANONYMOUS_LIMIT",
    "consultation_close",
    "consultation_create",
    "consultation_publish",
    "consultation_update",
    "ip_hash",
    "question_add",
    "question_remove",
    "response_save",
    "summary_entry_add",
    "summary_entry_remove",
    "summary_publish",
    "summary_update",
]

# Anonymous responses from one connection to one consultation, per window.
ANONYMOUS_LIMIT = 5
ANONYMOUS_WINDOW = timedelta(hours=1)
MAX_OPTIONS = 20


def _check_officer(by: User, consultation: Consultation) -> None:
    if not by.is_superuser and Membership.Role.OFFICER not in roles_in(by, consultation.owner):
        raise ValidationError(f"Only officers of {consultation.owner} can change this consultation")


def _check_areas(place, areas: Iterable[Area]) -> list[Area]:
    areas = list(areas)
    if not areas:
        raise ValidationError({"areas": "Choose at least one area the consultation is about"})
    outside = [a.name for a in areas if a.place_id != place.pk]
    if outside:
        raise ValidationError({"areas": f"{', '.join(outside)} is not in {place}"})
    return areas


def _check_objectives(place, objectives: Iterable[Objective]) -> list[Objective]:
    objectives = list(objectives or ())
    outside = [o.title for o in objectives if o.place_id != place.pk]
    if outside:
        raise ValidationError({"objectives": f"{', '.join(outside)} is not in {place}"})
    return objectives


@transaction.atomic
def consultation_create(
    *,
    by: User,
    owner: Organisation,
    title: str,
    purpose: str,
    areas: Iterable[Area],
    opens_on: date,
    closes_on: date,
    objectives: Iterable[Objective] = (),
    planned_contract_reference: str = "",
    planned_contract_title: str = "",
    allow_anonymous: bool = False,
) -> Consultation:
    """A draft consultation: questions are added before it is published."""
    if not owner.is_public_body or not owner.place_id:
        raise ValidationError({"owner": "Choose a public body to run the consultation"})
    if not by.is_superuser and Membership.Role.OFFICER not in roles_in(by, owner):
        raise ValidationError({"owner": "Choose a public body where you are an officer"})
    consultation = Consultation(
        place=owner.place,
        owner=owner,
        title=(title or "").strip(),
        purpose=(purpose or "").strip(),
        opens_on=opens_on,
        closes_on=closes_on,
        planned_contract_reference=(planned_contract_reference or "").strip(),
        planned_contract_title=(planned_contract_title or "").strip(),
        allow_anonymous=allow_anonymous,
        created_by=by,
    )
    areas = _check_areas(owner.place, areas)
    objectives = _check_objectives(owner.place, objectives)
    consultation.full_clean()
    as_user(consultation, by).save()
    consultation.areas.set(areas)
    consultation.objectives.set(objectives)
    return consultation


@transaction.atomic
def consultation_update(*, consultation: Consultation, by: User, **fields) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    _check_officer(by, consultation)
    if consultation.is_closed and consultation.published_at:
        raise ValidationError("This consultation has closed: its details can no longer change")
    areas = fields.pop("areas", None)
    objectives = fields.pop("objectives", None)
    fields.pop("owner", None)
    for name, value in fields.items():
        setattr(consultation, name, value.strip() if isinstance(value, str) else value)
    if areas is not None:
        areas = _check_areas(consultation.place, areas)
    if objectives is not None:
        objectives = _check_objectives(consultation.place, objectives)
    consultation.full_clean()
    as_user(consultation, by).save()
    if areas is not None:
        consultation.areas.set(areas)
    if objectives is not None:
        consultation.objectives.set(objectives)
    return consultation


def _check_questions_editable(consultation: Consultation) -> None:
    if consultation.published_at is not None:
        raise ValidationError(
            "The consultation has been published: its questions can no longer change"
        )


def _parse_options(kind: str, options: Iterable[str] | str) -> list[str]:
    if kind == Question.Kind.AGREEMENT:
        return list(AGREEMENT_SCALE)
    if kind == Question.Kind.FREE_TEXT:
        return []
    if isinstance(options, str):
        options = options.splitlines()
    labels: list[str] = []
    for label in options:
        label = label.strip()
        if label and label.lower() not in {x.lower() for x in labels}:
            labels.append(label[:200])
    if len(labels) < 2:
        raise ValidationError({"options": "Enter at least 2 options, one on each line"})
    if len(labels) > MAX_OPTIONS:
        raise ValidationError({"options": f"Enter at most {MAX_OPTIONS} options"})
    return labels


@transaction.atomic
def question_add(
    *,
    consultation: Consultation,
    by: User,
    text: str,
    kind: str,
    hint: str = "",
    required: bool = False,
    options: Iterable[str] | str = (),
) -> Question:
    _check_officer(by, consultation)
    _check_questions_editable(consultation)
    labels = _parse_options(kind, options)
    last = consultation.questions.order_by("-position").values_list("position", flat=True).first()
    question = Question(
        consultation=consultation,
        position=(last or 0) + 1,
        text=(text or "").strip(),
        hint=(hint or "").strip(),
        kind=kind,
        required=required,
    )
    question.full_clean()
    as_user(question, by).save()
    Option.objects.bulk_create(
        Option(question=question, position=i, label=label) for i, label in enumerate(labels, 1)
    )
    return question


@transaction.atomic
def question_remove(*, question: Question, by: User) -> None:
    _check_officer(by, question.consultation)
    _check_questions_editable(question.consultation)
    as_user(question, by).delete()


@transaction.atomic
def consultation_publish(*, consultation: Consultation, by: User) -> Consultation:
    """Make the consultation public. It takes responses between its opening and closing dates."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    _check_officer(by, consultation)
    if consultation.published_at:
        raise ValidationError("The consultation is already published")
    if not consultation.questions.exists():
        raise ValidationError("Add at least one question before publishing the consultation")
    if consultation.closes_on < timezone.localdate():
        raise ValidationError(
            {"closes_on": "The closing date has passed. Change it before publishing"}
        )
    consultation.published_at = timezone.now()
    as_user(consultation, by).save()
    return consultation


@transaction.atomic
def consultation_close(*, consultation: Consultation, by: User) -> Consultation:
    """Close early ("close now"). A consultation also closes by itself after its closing date."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    _check_officer(by, consultation)
    if consultation.published_at is None:
        raise ValidationError("A draft consultation cannot be closed. Publish it first")
    if consultation.is_closed:
        raise ValidationError("The consultation is already closed")
    consultation.closed_at = timezone.now()
    as_user(consultation, by).save()
    return consultation


def ip_hash(consultation: Consultation, ip: str | None) -> str:
    """A keyed hash of the address: enough to count repeats, useless to identify anyone."""
    if not ip:
        return ""
    return salted_hmac(
        "consultations.response-ip", f"{consultation.pk}:{ip}", algorithm="sha256"
    ).hexdigest()


def throttle_error(consultation: Consultation, hashed_ip: str) -> str | None:
    """A named rule: at most ANONYMOUS_LIMIT anonymous responses per connection per
    consultation per hour, so one person cannot flood a consultation."""
    if not hashed_ip:
        return None
    recent = Response.objects.filter(
        consultation=consultation,
        user__isnull=True,
        ip_hash=hashed_ip,
        created_at__gte=timezone.now() - ANONYMOUS_WINDOW,
    ).count()
    if recent >= ANONYMOUS_LIMIT:
        return (
            "There have been too many responses from your internet connection in the last hour. "
            "Wait an hour, then try again, or sign in to respond"
        )
    return None


def _answers_for(consultation: Consultation, answers: dict) -> list[Answer]:
    """Check the answers against the questions; return unsaved Answer rows."""
    questions = list(consultation.questions.prefetch_related("options"))
    rows: list[Answer] = []
    errors = {}
    for question in questions:
        value = answers.get(question.pk)
        key = f"question_{question.pk}"
        if question.kind == Question.Kind.FREE_TEXT:
            text = (value or "").strip()
            if question.required and not text:
                errors[key] = f"Answer ‘{question.text}’"
            elif len(text) > 5000:
                errors[key] = "Your answer must be 5,000 characters or fewer"
            elif text:
                rows.append(Answer(question=question, text=text))
            continue
        options = {o.pk: o for o in question.options.all()}
        chosen = value if isinstance(value, list | tuple | set) else ([value] if value else [])
        chosen_ids = []
        for item in chosen:
            pk = getattr(item, "pk", item)
            try:
                pk = int(pk)
            except (TypeError, ValueError):
                pk = None
            if pk not in options:
                errors[key] = f"Choose one of the options for ‘{question.text}’"
                break
            chosen_ids.append(pk)
        if key in errors:
            continue
        if question.kind != Question.Kind.MULTIPLE and len(chosen_ids) > 1:
            errors[key] = f"Choose only one option for ‘{question.text}’"
        elif question.required and not chosen_ids:
            errors[key] = f"Answer ‘{question.text}’"
        else:
            rows.extend(Answer(question=question, option=options[pk]) for pk in chosen_ids)
    if errors:
        raise ValidationError(errors)
    return rows


@transaction.atomic
def response_save(
    *,
    consultation: Consultation,
    by: User | None,
    respondent_type: str,
    area: Area,
    answers: dict,
    organisation_name: str = "",
    ip: str | None = None,
) -> Response:
    """Record a response. Signed-in people have one response each, which they can change
    until the consultation closes; anonymous responses are throttled by connection."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    user = by if by is not None and by.is_authenticated else None
    from django.contrib.auth.models import AnonymousUser

    problem = response_error(user or AnonymousUser(), consultation)
    if problem:
        raise ValidationError(problem)
    if area is None:
        raise ValidationError({"area": "Choose the area you live or work in"})
    if area.place_id != consultation.place_id:
        raise ValidationError({"area": f"Choose an area in {consultation.place}"})
    rows = _answers_for(consultation, answers)
    if not rows:
        raise ValidationError("Answer at least one question before sending your response")
    response = None
    hashed = ""
    if user is not None:
        response = Response.objects.filter(consultation=consultation, user=user).first()
    else:
        hashed = ip_hash(consultation, ip)
        problem = throttle_error(consultation, hashed)
        if problem:
            raise ValidationError(problem)
    if response is None:
        response = Response(consultation=consultation, user=user, ip_hash=hashed)
    response.respondent_type = respondent_type
    response.area = area
    response.organisation_name = (organisation_name or "").strip()[:200]
    response.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        raise ValidationError("You have already responded to this consultation") from None
    response.answers.all().delete()
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    return response


def _check_summary_editable(by: User, consultation: Consultation) -> Consultation:
    """Returns the consultation as it is now in the database."""
    consultation = Consultation.objects.select_related("owner").get(pk=consultation.pk)
    _check_officer(by, consultation)
    if consultation.published_at is None or not consultation.is_closed:
        raise ValidationError("The summary can be written once the consultation has closed")
    return consultation


@transaction.atomic
def summary_update(*, consultation: Consultation, by: User, summary_intro: str) -> Consultation:
    consultation = _check_summary_editable(by, consultation)
    consultation.summary_intro = (summary_intro or "").strip()
    consultation.full_clean()
    as_user(consultation, by).save()
    return consultation


@transaction.atomic
def summary_entry_add(
    *,
    consultation: Consultation,
    by: User,
    you_said: str,
    we_did: str,
    objective: Objective | None = None,
    proposal: Proposal | None = None,
    assessment_url: str = "",
) -> SummaryEntry:
    """One "You said, we did" line, linked to the objective, proposal or contract assessment
    that changed."""
    consultation = _check_summary_editable(by, consultation)
    if objective is not None and objective.place_id != consultation.place_id:
        raise ValidationError({"objective": f"Choose an objective in {consultation.place}"})
    if proposal is not None and (
        proposal.place_id != consultation.place_id or not proposal.is_public
    ):
        raise ValidationError({"proposal": "Choose a submitted proposal in the same place"})
    last = consultation.summary_entries.order_by("-position").values_list("position", flat=True)
    entry = SummaryEntry(
        consultation=consultation,
        position=(last.first() or 0) + 1,
        you_said=(you_said or "").strip(),
        we_did=(we_did or "").strip(),
        objective=objective,
        proposal=proposal,
        assessment_url=(assessment_url or "").strip(),
    )
    entry.full_clean()
    as_user(entry, by).save()
    return entry


@transaction.atomic
def summary_entry_remove(*, entry: SummaryEntry, by: User) -> None:
    _check_summary_editable(by, entry.consultation)
    if entry.consultation.summary_published_at:
        raise ValidationError("The summary is published: its entries can no longer be removed")
    as_user(entry, by).delete()


@transaction.atomic
def summary_publish(*, consultation: Consultation, by: User) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    _check_summary_editable(by, consultation)
    if consultation.summary_published_at:
        raise ValidationError("The summary is already published")
    if not consultation.summary_intro and not consultation.summary_entries.exists():
        raise ValidationError(
            "Write the summary or add a ‘You said, we did’ entry before publishing"
        )
    consultation.summary_published_at = timezone.now()
    as_user(consultation, by).save()
    return consultation
