"""Writes to frameworks, objectives and targets: keyword-only, one transaction each, validated
by the models' own rules, with the acting person recorded in the history."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import Organisation, User
from places.models import Area, Place
from socialvalue.history import as_user
from socialvalue.links import replace_links

from ..models import EvidenceLink, Measure, Objective, Outcome, Target


def _check_areas(*, place: Place, areas: Iterable[Area]) -> list[Area]:
    areas = list(areas)
    if not areas:
        raise ValidationError({"areas": "Choose at least one area the objective is for"})
    outside = [a.name for a in areas if a.place_id != place.pk]
    if outside:
        raise ValidationError(
            {
                "areas": f"{', '.join(outside)} {'is' if len(outside) == 1 else 'are'} not in "
                f"{place}. Choose areas in the same place"
            }
        )
    archived = [a.name for a in areas if a.archived_at]
    if archived:
        raise ValidationError({"areas": f"{', '.join(archived)} has been archived"})
    return areas


def _check_partners(*, lead: Organisation, partners: Iterable[Organisation]) -> list:
    partners = [p for p in partners if p.pk != lead.pk]
    return partners


def _set_dimensions(objective: Objective, dimensions: Iterable[str]) -> None:
    dimensions = set(dimensions or ())
    if not dimensions:
        raise ValidationError(
            {
                "dimensions": "Choose at least one well-being dimension: economic, social or "
                "environmental"
            }
        )
    objective.set_dimensions(dimensions)


def _set_links(objective: Objective, links: Iterable[tuple[str, str]] | None, by) -> None:
    if links is not None:
        replace_links(
            objective.links.all(),
            links,
            by=by,
            make=lambda title, url: EvidenceLink(objective=objective, title=title, url=url),
        )


@transaction.atomic
def objective_create(
    *,
    place: Place,
    by: User,
    title: str,
    description: str,
    outcome: Outcome,
    dimensions: Iterable[str],
    areas: Iterable[Area],
    lead_organisation: Organisation,
    partners: Iterable[Organisation] = (),
    priority: str = Objective.Priority.MEDIUM,
    evidence_of_need: str = "",
    links: Iterable[tuple[str, str]] = (),
) -> Objective:
    objective = Objective(
        place=place,
        title=title.strip(),
        description=description.strip(),
        outcome=outcome,
        lead_organisation=lead_organisation,
        priority=priority,
        evidence_of_need=evidence_of_need.strip(),
        created_by=by,
    )
    _set_dimensions(objective, dimensions)
    areas = _check_areas(place=place, areas=areas)
    objective.full_clean()
    as_user(objective, by).save()
    objective.areas.set(areas)
    objective.partners.set(_check_partners(lead=lead_organisation, partners=partners))
    _set_links(objective, links, by)
    return objective


@transaction.atomic
def objective_update(*, objective: Objective, by: User, **fields) -> Objective:
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    if objective.status in (Objective.Status.ACHIEVED, Objective.Status.RETIRED):
        raise ValidationError(
            f"This objective is {objective.get_status_display().lower()}: it can no longer be "
            "changed"
        )
    areas = fields.pop("areas", None)
    partners = fields.pop("partners", None)
    dimensions = fields.pop("dimensions", None)
    links = fields.pop("links", None)
    fields.pop("status", None)  # status moves only through objective_change_status
    for name, value in fields.items():
        setattr(objective, name, value.strip() if isinstance(value, str) else value)
    if dimensions is not None:
        _set_dimensions(objective, dimensions)
    if areas is not None:
        areas = _check_areas(place=objective.place, areas=areas)
    objective.full_clean()
    as_user(objective, by).save()
    if areas is not None:
        objective.areas.set(areas)
    if partners is not None:
        objective.partners.set(_check_partners(lead=objective.lead_organisation, partners=partners))
    _set_links(objective, links, by)
    return objective


def activation_error(objective: Objective) -> str | None:
    """A named rule: an objective says by how much, so it needs at least one target before it
    becomes active."""
    if not objective.targets.current().exists():
        return "Add at least one target before making the objective active"
    return None


@transaction.atomic
def objective_change_status(
    *, objective: Objective, to: str, by: User, reason: str = ""
) -> Objective:
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    problem = objective.status_change_error(to)
    if problem is None and to == objective.status:
        problem = f"The objective is already {objective.get_status_display().lower()}"
    if problem:
        raise ValidationError({"status": problem})
    reason = (reason or "").strip()
    if to in (Objective.Status.ACHIEVED, Objective.Status.RETIRED) and not reason:
        raise ValidationError(
            {
                "reason": f"Explain why the objective is "
                f"{Objective.Status(to).label.lower()}: this is shown publicly"
            }
        )
    if to == Objective.Status.ACTIVE:
        problem = activation_error(objective)
        if problem:
            raise ValidationError({"status": problem})
    now = timezone.now()
    objective.status = to
    objective.status_reason = reason
    objective.status_changed_at = now
    setattr(
        objective,
        {"active": "activated_at", "achieved": "achieved_at", "retired": "retired_at"}[to],
        now,
    )
    objective.full_clean()
    as_user(objective, by).save()
    return objective


@transaction.atomic
def target_add(
    *,
    objective: Objective,
    by: User,
    measure: Measure,
    target_quantity: Decimal,
    target_date: date,
    baseline: Decimal = Decimal("0"),
    baseline_date: date | None = None,
    notes: str = "",
) -> Target:
    if objective.status in (Objective.Status.ACHIEVED, Objective.Status.RETIRED):
        raise ValidationError(
            f"This objective is {objective.get_status_display().lower()}: targets can no longer "
            "be added"
        )
    target = Target(
        objective=objective,
        measure=measure,
        target_quantity=target_quantity,
        target_date=target_date,
        baseline=baseline if baseline is not None else Decimal("0"),
        baseline_date=baseline_date or timezone.localdate(),
        notes=notes.strip(),
    )
    target.full_clean()
    as_user(target, by).save()
    Objective.objects.filter(pk=objective.pk).update(updated_at=timezone.now())
    return target


@transaction.atomic
def target_update(*, target: Target, by: User, **fields) -> Target:
    target = Target.objects.select_for_update().get(pk=target.pk)
    for name, value in fields.items():
        setattr(target, name, value)
    target.full_clean()
    as_user(target, by).save()
    Objective.objects.filter(pk=target.objective_id).update(updated_at=timezone.now())
    return target


@transaction.atomic
def target_archive(*, target: Target, by: User) -> Target:
    """Targets are archived, not deleted, so the history of what was promised survives."""
    target = Target.objects.select_for_update().get(pk=target.pk)
    objective = target.objective
    if (
        objective.status == Objective.Status.ACTIVE
        and not objective.targets.current().exclude(pk=target.pk).exists()
    ):
        raise ValidationError("An active objective must keep at least one target")
    target.archived_at = timezone.now()
    as_user(target, by).save()
    return target
