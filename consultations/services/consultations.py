"""Writes to consultations and their questions (responses and published summaries are in
`consultation_responses`)."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from objectives.models import Objective
from people.models import Organisation, User
from places.models import Area
from socialvalue.history import as_user
from socialvalue.rules import allowed

from ..models import (
    AGREEMENT_SCALE,
    Consultation,
    Option,
    Question,
)

__all__ = [
    "consultation_close",
    "consultation_create",
    "consultation_publish",
    "consultation_update",
    "question_add",
    "question_remove",
]

MAX_OPTIONS = 20


def _check_officer(by: User, consultation: Consultation) -> None:
    if not allowed(by, "consultations.run_consultation", consultation.owner):
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
    if not allowed(by, "consultations.run_consultation", owner):
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
