"""Needs-board work for the home page, each count the queue its link lists (`waiting`)."""

from django.urls import reverse

from socialvalue.attention import Attention, queue_attention

from . import waiting


def pledge_attention(user) -> list[Attention]:
    pledges = reverse("needs:pledge_list") + "?waiting="
    return queue_attention(
        user,
        [
            (
                waiting.pledges_to_decide,
                "pledge to your group is waiting for your answer",
                "pledges to your group are waiting for your answer",
                pledges + "decide",
            ),
            (
                waiting.pledges_to_confirm,
                "accepted pledge is waiting for your group to confirm it was received",
                "accepted pledges are waiting for your group to confirm they were received",
                pledges + "confirm",
            ),
            (
                waiting.pledges_to_deliver,
                "pledge your organisation made was accepted and is waiting to be delivered",
                "pledges your organisation made were accepted and are waiting to be delivered",
                pledges + "deliver",
            ),
        ],
    )
