"""Writes to a consultation's responses and to its published summary."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from objectives.models import Objective
from people.models import User
from places.models import Area
from socialvalue.history import as_user

from ..models import (
    Answer,
    Consultation,
    Proposal,
    Question,
    Response,
    SummaryEntry,
)
from ..permissions import response_error
from .consultations import _check_officer

__all__ = [
    "ANONYMOUS_LIMIT",
    "ip_hash",
    "response_save",
    "summary_entry_add",
    "summary_entry_remove",
    "summary_publish",
    "summary_update",
]

# Anonymous responses from one connection to one consultation, per window.
ANONYMOUS_LIMIT = 5
ANONYMOUS_WINDOW = timedelta(hours=1)


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
