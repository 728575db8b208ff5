"""The notifications consultations raise, through `notifications.services.notify`."""

from notifications.models import Kind
from notifications.services import notify

from .models import Proposal


def proposal_answered(*, comment, question, by) -> None:
    """Whoever asked a question about a proposal hears it was answered, if they may still see
    the proposal."""
    proposal = comment.proposal
    notify(
        kind=Kind.PROPOSAL_ANSWERED,
        recipients=[question.author] if question.author_id != by.pk else [],
        may_see=lambda user: Proposal.objects.visible_to(user).filter(pk=proposal.pk).exists(),
        title=f"Your question about proposal {proposal.reference} was answered",
        body=comment.body,
        path=f"{proposal.get_absolute_url()}#comment-{comment.pk}",
    )
