"""Writes to proposals: keyword-only, one transaction each, validated by the models' rules and
the named rules in `permissions.py`, every status change recorded as a `ProposalEvent` and in
the history, and everyone involved told by email once the change commits."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.emails import notify as _send
from objectives.models import Objective, Outcome
from objectives.services import objective_create
from people.models import Membership, Organisation, User
from people.permissions import organisation_ids, roles_in
from places.models import Area, Place

from .. import notices
from ..models import (
    Comment,
    Proposal,
    ProposalEvent,
    ProposalFile,
    ProposalLink,
    Support,
    transition_error,
)
from ..permissions import (
    actor_error,
    hide_error,
    proposer_error,
    review_error,
    support_error,
    unhide_error,
)

Status = Proposal.Status

__all__ = [
    "comment_add",
    "comment_hide",
    "proposal_accept_as_new_objective",
    "proposal_accept_into_objective",
    "proposal_add_files",
    "proposal_create",
    "proposal_hide",
    "proposal_note",
    "proposal_remove_file",
    "proposal_transition",
    "proposal_unhide",
    "proposal_update",
    "submission_error",
    "support_add",
    "support_withdraw",
]

TEXT_FIELDS = ("title", "problem", "affected", "change", "measurement", "evidence")


def notify(*, context: dict, **kwargs) -> list[str]:
    """`notifications.emails.notify`, with the site's address for links (when it is set)."""
    site_url = getattr(settings, "SOCIALVALUE_SITE_URL", "").rstrip("/")
    return _send(context={**context, "site_url": site_url}, **kwargs)


def _as_user(instance, by):
    instance._history_user = by
    return instance


def _check_areas(*, place: Place, areas: Iterable[Area]) -> list[Area]:
    areas = list(areas)
    if not areas:
        raise ValidationError({"areas": "Choose at least one neighbourhood or ward"})
    outside = [a.name for a in areas if a.place_id != place.pk]
    if outside:
        raise ValidationError(
            {"areas": f"{', '.join(outside)} is not in {place}. Choose areas in {place}"}
        )
    archived = [a.name for a in areas if a.archived_at]
    if archived:
        raise ValidationError({"areas": f"{', '.join(archived)} has been archived"})
    return areas


def _set_links(proposal: Proposal, links: Iterable[tuple[str, str]] | None, by) -> None:
    if links is None:
        return
    wanted = [(t.strip(), u.strip()) for t, u in links if u and u.strip()]
    if len(wanted) > Proposal.MAX_LINKS:
        raise ValidationError(f"Add up to {Proposal.MAX_LINKS} links")
    existing = {(link.title, link.url): link for link in proposal.links.all()}
    for key, link in existing.items():
        if key not in wanted:
            _as_user(link, by).delete()
    for title, url in wanted:
        if (title, url) not in existing:
            link = ProposalLink(proposal=proposal, title=title or url, url=url)
            link.full_clean()
            _as_user(link, by).save()


def _check_proposer(by: User, organisation: Organisation) -> None:
    if not by.is_superuser and not roles_in(by, organisation):
        raise ValidationError(
            {"organisation": "Choose an organisation you belong to. You can only propose for them"}
        )


def _members(organisation: Organisation):
    return User.objects.filter(
        memberships__organisation=organisation,
        memberships__ended_at__isnull=True,
        is_active=True,
    ).distinct()


def _involved(proposal: Proposal):
    """The proposing organisation's people and the proposal's supporters."""
    return [
        *_members(proposal.organisation),
        *User.objects.filter(proposal_supports__proposal=proposal),
    ]


def _place_officers(proposal: Proposal):
    """Officers of the public bodies serving the place: they review what is submitted."""
    return (
        User.objects.filter(
            memberships__organisation__place_id=proposal.place_id,
            memberships__organisation__kind__in=Organisation.PUBLIC_BODY_KINDS,
            memberships__organisation__archived_at__isnull=True,
            memberships__role=Membership.Role.OFFICER,
            memberships__ended_at__isnull=True,
            is_active=True,
        )
        .exclude(memberships__organisation=proposal.organisation)
        .distinct()
    )


def _acting_organisation(by: User, proposal: Proposal, to: str | None) -> Organisation | None:
    """Whom the person acts for: the proposing organisation, or their public body."""
    if to in Proposal.PROPOSER_MOVES or roles_in(by, proposal.organisation):
        return proposal.organisation
    return (
        Organisation.objects.current()
        .public_bodies()
        .filter(
            place_id=proposal.place_id,
            memberships__user=by,
            memberships__role=Membership.Role.OFFICER,
            memberships__ended_at__isnull=True,
        )
        .order_by("name")
        .first()
    )


@transaction.atomic
def proposal_create(
    *,
    by: User,
    organisation: Organisation,
    place: Place,
    title: str,
    problem: str,
    areas: Iterable[Area],
    affected: str = "",
    change: str = "",
    measurement: str = "",
    evidence: str = "",
    suggested_outcome: Outcome | None = None,
    links: Iterable[tuple[str, str]] = (),
    files: Iterable = (),
    submit: bool = False,
) -> Proposal:
    """A new draft, private to the organisation until it is submitted (at once, when
    `submit` is true: in the same transaction, so an incomplete proposal is not saved)."""
    _check_proposer(by, organisation)
    proposal = Proposal(
        place=place,
        organisation=organisation,
        title=(title or "").strip(),
        problem=(problem or "").strip(),
        affected=(affected or "").strip(),
        change=(change or "").strip(),
        measurement=(measurement or "").strip(),
        evidence=(evidence or "").strip(),
        suggested_outcome=suggested_outcome,
        created_by=by,
    )
    areas = _check_areas(place=place, areas=areas)
    proposal.full_clean()
    _as_user(proposal, by).save()
    proposal.areas.set(areas)
    _set_links(proposal, links, by)
    proposal_add_files(proposal=proposal, by=by, files=files)
    if submit:
        proposal = proposal_transition(proposal=proposal, to=Status.SUBMITTED, by=by)
    return proposal


@transaction.atomic
def proposal_update(*, proposal: Proposal, by: User, submit: bool = False, **fields) -> Proposal:
    """Drafts, and declined proposals being revised, can be changed by their organisation;
    with `submit`, the revised proposal is submitted (again) in the same transaction."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    problem = proposer_error(by, proposal)
    if problem:
        raise ValidationError(problem)
    if not proposal.is_editable:
        raise ValidationError(
            f"This proposal is {proposal.get_status_display().lower()}: it can no longer be changed"
        )
    areas = fields.pop("areas", None)
    links = fields.pop("links", None)
    files = fields.pop("files", ())
    fields.pop("organisation", None)  # a proposal stays with the organisation that made it
    for name, value in fields.items():
        setattr(proposal, name, value.strip() if isinstance(value, str) else value)
    if areas is not None:
        areas = _check_areas(place=proposal.place, areas=areas)
    proposal.full_clean()
    _as_user(proposal, by).save()
    if areas is not None:
        proposal.areas.set(areas)
    _set_links(proposal, links, by)
    proposal_add_files(proposal=proposal, by=by, files=files)
    if submit:
        proposal = proposal_transition(proposal=proposal, to=Status.SUBMITTED, by=by)
    return proposal


def proposal_add_files(*, proposal: Proposal, by: User, files: Iterable) -> list[ProposalFile]:
    """Attach evidence files (already checked by `EvidenceFileField`), up to the limit."""
    files = [f for f in files if f]
    if not files:
        return []
    current = proposal.files.filter(removed_at__isnull=True).count()
    if current + len(files) > Proposal.MAX_FILES:
        raise ValidationError(
            {
                "files": f"A proposal can have up to {Proposal.MAX_FILES} files. "
                f"It has {current}: remove one before adding another"
            }
        )
    saved = []
    for upload in files:
        kind = getattr(upload, "detected_type", None)
        record = ProposalFile(
            proposal=proposal,
            file=upload,
            original_name=upload.name[:200],
            kind=kind.label if kind else "",
            size=upload.size,
            uploaded_by=by,
        )
        _as_user(record, by).save()
        saved.append(record)
    return saved


@transaction.atomic
def proposal_remove_file(*, file: ProposalFile, by: User) -> ProposalFile:
    """Removed from the proposal; the stored file stays, as the record of what was shown."""
    problem = proposer_error(by, file.proposal)
    if problem:
        raise ValidationError(problem)
    if not file.proposal.is_editable:
        raise ValidationError("Files can only be removed while the proposal can be changed")
    file.removed_at = timezone.now()
    _as_user(file, by).save()
    return file


def submission_error(proposal: Proposal) -> dict | None:
    """A named rule: a proposal is submitted only when it says what the problem is, what
    should change and where. Returns errors by field, or None."""
    errors = {}
    if not proposal.problem.strip():
        errors["problem"] = "Describe the problem before you submit the proposal"
    if not proposal.change.strip():
        errors["change"] = "Say what should change before you submit the proposal"
    if not proposal.areas.exists():
        errors["areas"] = "Choose at least one neighbourhood or ward before you submit"
    return errors or None


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
    """Move a proposal one step along its life cycle, recording who, when and why."""
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("organisation", "place")
        .get(pk=proposal.pk)
    )
    problem = transition_error(proposal, to) or actor_error(by, proposal, to)
    if problem:
        raise ValidationError({"status": problem})
    reason = (reason or "").strip()
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
    now = timezone.now()
    from_status = proposal.status
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
    proposal.full_clean()
    _as_user(proposal, by).save()
    acting_for = _acting_organisation(by, proposal, to)
    ProposalEvent.objects.create(
        proposal=proposal,
        kind=ProposalEvent.Kind.TRANSITION,
        from_status=from_status,
        to_status=to,
        by=by,
        by_organisation=acting_for,
        at=now,
        public_reason=reason,
    )
    if note.strip():
        ProposalEvent.objects.create(
            proposal=proposal,
            kind=ProposalEvent.Kind.NOTE,
            from_status=to,
            to_status=to,
            by=by,
            by_organisation=acting_for,
            at=now,
            note=note.strip(),
            is_private=True,
        )
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
            recipients=[u for u in _place_officers(proposal) if u.pk != by.pk and u.pk not in told],
            subject=subject,
            template="consultations/email/proposal_status.txt",
            context={
                **context,
                "why": f"you review proposals for {proposal.place.name} as an officer",
            },
        )
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
    event = ProposalEvent(
        proposal=proposal,
        kind=ProposalEvent.Kind.NOTE,
        from_status=proposal.status,
        to_status=proposal.status,
        by=by,
        by_organisation=_acting_organisation(by, proposal, None),
        note=note,
        is_private=True,
    )
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def support_add(
    *, proposal: Proposal, by: User, organisation: Organisation | None = None
) -> Support:
    problem = support_error(by, proposal)
    if problem:
        raise ValidationError(problem)
    if organisation is not None and organisation.pk not in organisation_ids(by):
        raise ValidationError({"organisation": "Choose an organisation you belong to"})
    if Support.objects.filter(proposal=proposal, user=by).exists():
        raise ValidationError("You already support this proposal")
    try:
        with transaction.atomic():
            return Support.objects.create(proposal=proposal, user=by, organisation=organisation)
    except IntegrityError:  # two clicks at once: the constraint is the last word
        raise ValidationError("You already support this proposal") from None


@transaction.atomic
def support_withdraw(*, proposal: Proposal, by: User) -> None:
    deleted, _ = Support.objects.filter(proposal=proposal, user=by).delete()
    if not deleted:
        raise ValidationError("You do not support this proposal")


def _author_organisation(by: User, proposal: Proposal) -> Organisation | None:
    """Shown in place of a person's name: the organisation they speak for, if any."""
    if roles_in(by, proposal.organisation):
        return proposal.organisation
    acting = (
        _acting_organisation(by, proposal, None) if review_error(by, proposal) is None else None
    )
    if acting:
        return acting
    return (
        Organisation.objects.current().filter(pk__in=organisation_ids(by)).order_by("name").first()
    )


@transaction.atomic
def comment_add(
    *, proposal: Proposal, by: User, body: str, reply_to: Comment | None = None
) -> Comment:
    """A question, or an answer in the visible thread."""
    from ..permissions import can_answer_question, can_comment_proposal

    if not can_comment_proposal(by, proposal):
        raise ValidationError("Questions can only be asked about a submitted proposal")
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Enter your answer" if reply_to else "Enter your question"})
    if reply_to is not None and reply_to.reply_to_id:
        reply_to = reply_to.reply_to  # answers stay one level deep
    comment = Comment(
        proposal=proposal,
        reply_to=reply_to,
        author=by,
        author_organisation=_author_organisation(by, proposal),
        is_answer=reply_to is not None and can_answer_question(by, proposal),
        body=body,
    )
    comment.full_clean()
    _as_user(comment, by).save()
    if reply_to is None:
        notify(
            recipients=[u for u in _members(proposal.organisation) if u.pk != by.pk],
            subject=f"A question about proposal {proposal.reference}",
            template="consultations/email/proposal_question.txt",
            context={"proposal": proposal, "comment": comment},
        )
    else:
        notices.proposal_answered(comment=comment, question=reply_to, by=by)
        notify(
            recipients=[
                u
                for u in _members(proposal.organisation)
                if u.pk not in (by.pk, reply_to.author_id)
            ],
            subject=f"An answer about proposal {proposal.reference}",
            template="consultations/email/proposal_answer.txt",
            context={"proposal": proposal, "comment": comment, "question": reply_to},
        )
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, by: User, reason: str) -> Comment:
    """Hide abusive content with a public reason. Nothing is deleted; the author is told."""
    comment = (
        Comment.objects.select_for_update().select_related("proposal", "author").get(pk=comment.pk)
    )
    problem = review_error(by, comment.proposal)
    if problem:
        raise ValidationError(problem)
    if comment.hidden_at:
        raise ValidationError("This comment is already hidden")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": "Explain why the comment is hidden: this is shown publicly"}
        )
    comment.hidden_at = timezone.now()
    comment.hidden_by = by
    comment.hidden_reason = reason
    comment.full_clean()
    _as_user(comment, by).save()
    ProposalEvent.objects.create(
        proposal=comment.proposal,
        kind=ProposalEvent.Kind.HIDDEN,
        from_status=comment.proposal.status,
        to_status=comment.proposal.status,
        by=by,
        by_organisation=_acting_organisation(by, comment.proposal, None),
        note=f"Comment hidden: {reason}",
        is_private=True,
    )
    notify(
        recipients=[comment.author],
        subject=f"Your comment on proposal {comment.proposal.reference} was hidden",
        template="consultations/email/comment_hidden.txt",
        context={"proposal": comment.proposal, "comment": comment, "reason": reason},
    )
    return comment


def _proposal_visibility_event(
    *, proposal: Proposal, by: User, kind: str, reason: str, now
) -> ProposalEvent:
    event = ProposalEvent(
        proposal=proposal,
        kind=kind,
        from_status=proposal.status,
        to_status=proposal.status,
        by=by,
        by_organisation=_acting_organisation(by, proposal, None),
        at=now,
        public_reason=reason,
    )
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def proposal_hide(*, proposal: Proposal, by: User, reason: str) -> Proposal:
    """Hide a whole proposal (abusive content) with a reason shown publicly in its place.
    Nothing is deleted: the proposing organisation still sees it, with the reason, and its
    people are told by email."""
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("organisation", "place")
        .get(pk=proposal.pk)
    )
    problem = hide_error(by, proposal)
    if problem:
        raise ValidationError(problem)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": "Explain why the proposal is hidden: this is shown publicly"}
        )
    now = timezone.now()
    proposal.hidden_at = now
    proposal.hidden_by = by
    proposal.hidden_reason = reason
    proposal.full_clean()
    _as_user(proposal, by).save()
    _proposal_visibility_event(
        proposal=proposal, by=by, kind=ProposalEvent.Kind.HIDDEN, reason=reason, now=now
    )
    notify(
        recipients=[u for u in _members(proposal.organisation) if u.pk != by.pk],
        subject=f"Proposal {proposal.reference} was hidden",
        template="consultations/email/proposal_hidden.txt",
        context={"proposal": proposal, "reason": reason, "hidden": True},
    )
    return proposal


@transaction.atomic
def proposal_unhide(*, proposal: Proposal, by: User, reason: str = "") -> Proposal:
    """Show a hidden proposal again. Why it was hidden stays in its events and history."""
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("organisation", "place")
        .get(pk=proposal.pk)
    )
    problem = unhide_error(by, proposal)
    if problem:
        raise ValidationError(problem)
    reason = (reason or "").strip()
    proposal.hidden_at = None
    proposal.hidden_by = None
    proposal.hidden_reason = ""
    proposal.full_clean()
    _as_user(proposal, by).save()
    _proposal_visibility_event(
        proposal=proposal, by=by, kind=ProposalEvent.Kind.SHOWN, reason=reason, now=timezone.now()
    )
    notify(
        recipients=[u for u in _members(proposal.organisation) if u.pk != by.pk],
        subject=f"Proposal {proposal.reference} is shown again",
        template="consultations/email/proposal_hidden.txt",
        context={"proposal": proposal, "reason": reason, "hidden": False},
    )
    return proposal
