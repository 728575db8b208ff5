"""What the community adds to a proposal: support, and questions with their answers."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from people.models import Organisation, User
from people.permissions import organisation_ids, roles_in
from socialvalue.history import as_user

from .. import notices
from ..models import (
    Comment,
    Proposal,
    ProposalEvent,
    Support,
)
from ..permissions import (
    review_error,
    support_error,
)
from .proposal_common import _acting_organisation, _members, notify


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
    as_user(comment, by).save()
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
    as_user(comment, by).save()
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


__all__ = ["comment_add", "comment_hide", "support_add", "support_withdraw"]
