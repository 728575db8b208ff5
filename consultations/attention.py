"""Community-voice work waiting for a person: proposals to review, drafts to finish, declined
proposals that can be revised, answers to their proposals, and open consultations. Each count
is of the queue its link lists (`consultations.waiting`), so the two always agree."""

from django.urls import reverse

from socialvalue.attention import Attention, queue_attention

from . import waiting

DAYS = waiting.ANSWERED_RECENTLY_DAYS


def community_attention(user) -> list[Attention]:
    proposals = reverse("consultations:proposal_list") + "?waiting="
    return queue_attention(
        user,
        [
            (
                waiting.proposals_to_review,
                "community proposal is waiting for a review to start",
                "community proposals are waiting for a review to start",
                proposals + "review",
            ),
            (
                waiting.draft_proposals,
                "draft proposal from your organisation is not submitted",
                "draft proposals from your organisation are not submitted",
                proposals + "drafts",
            ),
            (
                waiting.declined_proposals,
                "proposal from your organisation was declined and can be revised",
                "proposals from your organisation were declined and can be revised",
                proposals + "declined",
            ),
            (
                waiting.answered_proposals,
                f"proposal from your organisation was answered in the last {DAYS} days",
                f"proposals from your organisation were answered in the last {DAYS} days",
                proposals + "answered",
            ),
            (
                waiting.open_consultations,
                "consultation is open for responses",
                "consultations are open for responses",
                reverse("consultations:consultation_list") + "?waiting=open",
            ),
        ],
    )
