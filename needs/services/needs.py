"""Writes to needs: posting, the life cycle, moderation and files."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from consultations.services.proposals import _check_areas as check_areas
from objectives.models import Measure
from people.models import Organisation, User
from places.models import Area, Place
from socialvalue.rules import allowed
from socialvalue.uploads import validate_evidence_file

from ..models import Need, NeedFile, NeedStep
from ..models.needs import transition_error

Status = Need.Status
MAX_FILES = 3


def _as(instance, by):
    instance._history_user = by
    return instance


def _check_needed_by(needed_by: datetime.date | None) -> None:
    if needed_by is None:
        raise ValidationError({"needed_by": "Enter the date it is needed by"})
    if needed_by < timezone.localdate():
        raise ValidationError({"needed_by": "The date it is needed by must be today or later"})


def _check_measure(place: Place, measure: Measure | None, quantity: Decimal | None) -> None:
    if measure is not None and measure.framework.place_id != place.pk:
        raise ValidationError({"measure": "Choose a measure from this place's frameworks"})
    if quantity is not None and quantity <= 0:
        raise ValidationError({"quantity": "The quantity needed must be more than 0"})


def _step(need: Need, by: User, *, kind=NeedStep.Kind.STATUS, frm="", to="", note="") -> None:
    step = NeedStep(need=need, kind=kind, from_status=frm, to_status=to, by=by, note=note)
    step.full_clean()
    step.save()


@transaction.atomic
def need_create(
    *,
    group: Organisation,
    place: Place,
    by: User,
    title: str,
    why: str,
    kind: str,
    areas: Iterable[Area],
    needed_by: datetime.date | None,
    measure: Measure | None = None,
    quantity: Decimal | None = None,
    files=(),
    publish: bool = False,
) -> Need:
    """Post a need as a draft (or straight away, with `publish`): only for a group the poster
    belongs to, in neighbourhoods of the group's place."""
    if not allowed(by, "needs.add_need", group):
        raise ValidationError({"group": "Choose a group you belong to. You can only post for it"})
    chosen = check_areas(place=place, areas=areas)
    _check_needed_by(needed_by)
    _check_measure(place, measure, quantity)
    need = Need(
        place=place,
        group=group,
        title=title.strip(),
        why=why.strip(),
        kind=kind,
        measure=measure,
        quantity=quantity,
        needed_by=needed_by,
        created_by=by,
    )
    need.full_clean()
    _as(need, by).save()
    need.areas.set(chosen)
    _step(need, by, to=Status.DRAFT)
    _add_files(need, files, by)
    if publish:
        need = need_transition(need=need, by=by, to=Status.OPEN)
    return need


@transaction.atomic
def need_update(*, need: Need, by: User, areas: Iterable[Area], **fields) -> Need:
    """Change a draft (a published need is what suppliers pledged to: it stays as it is)."""
    need = Need.objects.select_for_update(of=("self",)).get(pk=need.pk)
    if not allowed(by, "needs.edit_need", need):
        raise PermissionDenied
    chosen = check_areas(place=need.place, areas=areas)
    _check_needed_by(fields.get("needed_by", need.needed_by))
    _check_measure(need.place, fields.get("measure"), fields.get("quantity"))
    for name in ("title", "why", "kind", "measure", "quantity", "needed_by"):
        if name in fields:
            value = fields[name]
            setattr(need, name, value.strip() if isinstance(value, str) else value)
    need.full_clean()
    _as(need, by).save()
    need.areas.set(chosen)
    return need


RULE_FOR = {
    Status.OPEN: "needs.publish_need",
    Status.WITHDRAWN: "needs.withdraw_need",
    Status.MET: "needs.mark_met",
    Status.CLOSED: "needs.close_need",
}


def move(need: Need, by: User, to: str, note: str = "") -> Need:
    """Move a locked need to `to` under the life-cycle rule, recording the step. Used by the
    group's own moves and by a confirmed receipt (partly met or met)."""
    problem = transition_error(need, to)
    if problem:
        raise ValidationError(problem)
    frm = need.status
    need.status = to
    if to == Status.OPEN and need.opened_at is None:
        need.opened_at = timezone.now()
    need.full_clean()
    _as(need, by).save()
    _step(need, by, frm=frm, to=to, note=note)
    return need


@transaction.atomic
def need_transition(*, need: Need, by: User, to: str, note: str = "") -> Need:
    """The group publishes, marks met, closes or withdraws its need."""
    need = Need.objects.select_for_update(of=("self",)).get(pk=need.pk)
    rule = RULE_FOR.get(to)
    problem = transition_error(need, to)
    if problem:
        raise ValidationError(problem)
    if rule is None or not allowed(by, rule, need):
        raise PermissionDenied
    if to == Status.OPEN:
        _check_needed_by(need.needed_by)
    return move(need, by, to, note.strip())


@transaction.atomic
def need_hide(*, need: Need, by: User, reason: str) -> Need:
    """Hide a published need (abusive content) with a reason shown publicly; nothing is
    deleted, and the group still sees it."""
    need = Need.objects.select_for_update(of=("self",)).get(pk=need.pk)
    if need.hidden_at or not need.is_public:
        raise ValidationError("Only a published need that is shown can be hidden")
    if not allowed(by, "needs.hide_need", need):
        raise ValidationError("You cannot hide this need")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Explain why the need is hidden: this is shown publicly"})
    need.hidden_at, need.hidden_by, need.hidden_reason = timezone.now(), by, reason
    need.full_clean()
    _as(need, by).save()
    _step(need, by, kind=NeedStep.Kind.HIDDEN, note=reason)
    return need


@transaction.atomic
def need_unhide(*, need: Need, by: User) -> Need:
    need = Need.objects.select_for_update(of=("self",)).get(pk=need.pk)
    if need.hidden_at is None:
        raise ValidationError("This need is not hidden")
    if not allowed(by, "needs.unhide_need", need):
        raise PermissionDenied
    need.hidden_at, need.hidden_by, need.hidden_reason = None, None, ""
    need.full_clean()
    _as(need, by).save()
    _step(need, by, kind=NeedStep.Kind.SHOWN)
    return need


def _add_files(need: Need, files, by: User) -> None:
    files = list(files)
    if need.files.count() + len(files) > MAX_FILES:
        raise ValidationError({"files": f"Add up to {MAX_FILES} photos or documents"})
    for upload in files:
        kind = getattr(upload, "detected_type", None) or validate_evidence_file(upload)
        NeedFile.objects.create(
            need=need,
            file=upload,
            original_name=upload.name[:200],
            content_type=kind.content_type,
            size=upload.size,
            uploaded_by=by,
        )


@transaction.atomic
def need_add_files(*, need: Need, by: User, files) -> Need:
    if not (allowed(by, "needs.view_need", need) and need.group_id in _groups(by)):
        raise PermissionDenied
    _add_files(need, files, by)
    return need


def _groups(user) -> set[int]:
    from ..permissions import group_ids

    return group_ids(user)
