"""A proposal's review: its life cycle, accepting it into an objective, officers' private notes,
and hiding it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from objectives.models import Objective
from objectives.services import objective_create
from people.models import User
from socialvalue.history import as_user

from ..models import (
    Proposal,
    ProposalEvent,
    transition_error,
)
from ..permissions import (
    actor_error,
    hide_error,
    review_error,
    reviewers_of,
    unhide_error,
)
from .proposal_common import (
    Status,
    _acting_organisation,
    _involved,
    _members,
    notify,
    submission_error,
)


def _check_step(proposal, to, reason, objective, merged_into) -> None:
    """Refuses the step when what it needs is missing or wrong: a complete proposal to
    submit, a public reason to decline, an open proposal in the same place to merge into, an
    objective in the same place to accept into."""
    if to == Status.SUBMITTED:
        errors = submission_error(proposal)
        if errors:
            raise ValidationError(errors)
    elif to == Status.DECLINED and not reason:
        raise ValidationError(
            {"reason": "Explain why the proposal is declined: this is shown publicly"}
        )
    elif to == Status.MERGED:
        if merged_into is None:
            raise ValidationError({"merged_into": "Choose the proposal this one joins"})
        if merged_into.pk == proposal.pk:
            raise ValidationError({"merged_into": "A proposal cannot be merged into itself"})
        if merged_into.place_id != proposal.place_id or not merged_into.is_public:
            raise ValidationError({"merged_into": "Choose a submitted proposal in the same place"})
        if merged_into.hidden_at:
            raise ValidationError(
                {"merged_into": "That proposal has been hidden by an officer. Choose another"}
            )
        if merged_into.status in (Status.WITHDRAWN, Status.MERGED):
            raise ValidationError(
                {
                    "merged_into": f"That proposal is "
                    f"{merged_into.get_status_display().lower()}. Choose another"
                }
            )
    elif to == Status.ACCEPTED:
        if objective is None:
            raise ValidationError({"objective": "Choose the objective the proposal becomes"})
        if objective.place_id != proposal.place_id:
            raise ValidationError({"objective": "Choose an objective in the same place"})


def _take_step(proposal, to, now, reason, objective, merged_into) -> None:
    """Set the proposal's new status and what goes with it (not yet saved): when it changed,
    the public reason, and the objective it became or the proposal it joined."""
    proposal.status = to
    proposal.status_changed_at = now
    if to == Status.SUBMITTED:
        proposal.submitted_at = proposal.submitted_at or now
        proposal.public_reason = ""
    else:
        proposal.public_reason = reason
    if to == Status.ACCEPTED:
        proposal.objective = objective
    if to == Status.MERGED:
        proposal.merged_into = merged_into


def _notify_transition(proposal, to, by, reason, acting_for) -> None:
    """Tell the proposal's group and supporters of its new status and, when it is submitted,
    the officers who review it; never the person who moved it."""
    context = {
        "proposal": proposal,
        "status": proposal.get_status_display(),
        "reason": reason,
        "acting_for": acting_for,
    }
    subject = f"Proposal {proposal.reference} is now {proposal.get_status_display().lower()}"
    # Each reader is told the true reason they receive it: an officer reviewing proposals
    # does not "belong to" the proposing group.
    involved = [u for u in _involved(proposal) if u.pk != by.pk]
    notify(
        recipients=involved,
        subject=subject,
        template="consultations/email/proposal_status.txt",
        context={
            **context,
            "why": f"you belong to {proposal.organisation.name} or support this proposal",
        },
    )
    if to == Status.SUBMITTED:
        told = {u.pk for u in involved}
        notify(
            recipients=[u for u in reviewers_of(proposal) if u.pk != by.pk and u.pk not in told],
            subject=subject,
            template="consultations/email/proposal_status.txt",
            context={
                **context,
                "why": f"you review proposals for {proposal.place.name} as an officer",
            },
        )


def _locked(proposal: Proposal) -> Proposal:
    """The proposal as it is now, its row locked until the transaction ends."""
    return (
        Proposal.objects.select_for_update()
        .select_related("organisation", "place")
        .get(pk=proposal.pk)
    )


@transaction.atomic
def proposal_transition(
    *,
    proposal: Proposal,
    to: str,
    by: User,
    reason: str = "",
    note: str = "",
    objective: Objective | None = None,
    merged_into: Proposal | None = None,
) -> Proposal:
    """Move a proposal one step along its life cycle, recording who, when and why.

    Every step goes through here, under one row lock, so none can be taken by a path that
    skips its checks (who may take it, and what it needs: `_check_step`)."""
    proposal = _locked(proposal)
    problem = transition_error(proposal, to) or actor_error(by, proposal, to)
    if problem:
        raise ValidationError({"status": problem})
    reason = (reason or "").strip()
    _check_step(proposal, to, reason, objective, merged_into)
    now = timezone.now()
    from_status = proposal.status
    _take_step(proposal, to, now, reason, objective, merged_into)
    proposal.full_clean()
    as_user(proposal, by).save()
    acting_for = _acting_organisation(by, proposal, to)
    who_when = {"proposal": proposal, "by": by, "by_organisation": acting_for, "at": now}
    ProposalEvent.objects.create(
        **who_when,
        kind=ProposalEvent.Kind.TRANSITION,
        from_status=from_status,
        to_status=to,
        public_reason=reason,
    )
    if note.strip():
        ProposalEvent.objects.create(
            **who_when,
            kind=ProposalEvent.Kind.NOTE,
            from_status=to,
            to_status=to,
            note=note.strip(),
            is_private=True,
        )
    _notify_transition(proposal, to, by, reason, acting_for)
    return proposal


def _check_can_accept(proposal: Proposal, by: User) -> Proposal:
    """Check before creating anything; returns the proposal as it is now, locked."""
    proposal = (
        Proposal.objects.select_for_update().select_related("organisation").get(pk=proposal.pk)
    )
    problem = transition_error(proposal, Status.ACCEPTED) or review_error(by, proposal)
    if problem:
        raise ValidationError({"status": problem})
    return proposal


@transaction.atomic
def proposal_accept_as_new_objective(
    *, proposal: Proposal, by: User, reason: str = "", **objective_fields
) -> tuple[Proposal, Objective]:
    """Adopt the proposal as a new (draft) objective and link the two, in one transaction."""
    proposal = _check_can_accept(proposal, by)
    objective = objective_create(place=proposal.place, by=by, **objective_fields)
    proposal = proposal_transition(
        proposal=proposal,
        to=Status.ACCEPTED,
        by=by,
        reason=reason or f"Adopted as objective {objective.reference}: {objective.title}",
        objective=objective,
    )
    return proposal, objective


@transaction.atomic
def proposal_accept_into_objective(
    *, proposal: Proposal, by: User, objective: Objective, reason: str = ""
) -> Proposal:
    """Attach the proposal to an existing objective the officer may change."""
    proposal = _check_can_accept(proposal, by)
    if not Objective.objects.editable_by(by).filter(pk=objective.pk).exists():
        raise ValidationError({"objective": "Choose an objective you can change"})
    return proposal_transition(
        proposal=proposal,
        to=Status.ACCEPTED,
        by=by,
        reason=reason or f"Added to objective {objective.reference}: {objective.title}",
        objective=objective,
    )


@transaction.atomic
def proposal_note(*, proposal: Proposal, by: User, note: str) -> ProposalEvent:
    """An officer's private note: never shown to the proposer or the public."""
    problem = review_error(by, proposal)
    if problem:
        raise ValidationError(problem)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Enter the note"})
    return _event_in_place(
        proposal=proposal, by=by, kind=ProposalEvent.Kind.NOTE, note=note, is_private=True
    )


def _event_in_place(*, proposal: Proposal, by: User, kind: str, **fields) -> ProposalEvent:
    """An event that leaves the proposal's status where it is (a private note, hiding or
    showing it), from the organisation the person acts for, checked and saved."""
    event = ProposalEvent(
        proposal=proposal,
        kind=kind,
        from_status=proposal.status,
        to_status=proposal.status,
        by=by,
        by_organisation=_acting_organisation(by, proposal, None),
        **fields,
    )
    event.full_clean()
    event.save()
    return event


def _set_hidden(proposal: Proposal, by: User, *, hidden: bool, reason: str, at) -> Proposal:
    """Hide the proposal (or show it again) with the public reason, record the step as an
    event, and tell the proposing organisation's people (not the person acting) by email."""
    proposal.hidden_at = at if hidden else None
    proposal.hidden_by = by if hidden else None
    proposal.hidden_reason = reason if hidden else ""
    proposal.full_clean()
    as_user(proposal, by).save()
    _event_in_place(
        proposal=proposal,
        by=by,
        kind=ProposalEvent.Kind.HIDDEN if hidden else ProposalEvent.Kind.SHOWN,
        at=at,
        public_reason=reason,
    )
    notify(
        recipients=[u for u in _members(proposal.organisation) if u.pk != by.pk],
        subject=f"Proposal {proposal.reference} {'was hidden' if hidden else 'is shown again'}",
        template="consultations/email/proposal_hidden.txt",
        context={"proposal": proposal, "reason": reason, "hidden": hidden},
    )
    return proposal


@transaction.atomic
def proposal_hide(*, proposal: Proposal, by: User, reason: str) -> Proposal:
    """Hide a whole proposal (abusive content) with a reason shown publicly in its place.
    Nothing is deleted: the proposing organisation still sees it, with the reason, and its
    people are told by email."""
    proposal = _locked(proposal)
    if problem := hide_error(by, proposal):
        raise ValidationError(problem)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": "Explain why the proposal is hidden: this is shown publicly"}
        )
    return _set_hidden(proposal, by, hidden=True, reason=reason, at=timezone.now())


@transaction.atomic
def proposal_unhide(*, proposal: Proposal, by: User, reason: str = "") -> Proposal:
    """Show a hidden proposal again. Why it was hidden stays in its events and history."""
    proposal = _locked(proposal)
    if problem := unhide_error(by, proposal):
        raise ValidationError(problem)
    reason = (reason or "").strip()
    return _set_hidden(proposal, by, hidden=False, reason=reason, at=timezone.now())


__all__ = [
    "proposal_accept_as_new_objective",
    "proposal_accept_into_objective",
    "proposal_hide",
    "proposal_note",
    "proposal_transition",
    "proposal_unhide",
]
