"""Community-voice work waiting for a person: proposals to review, drafts to finish, declined
proposals that can be revised, and open consultations."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from people.models import Membership
from people.permissions import organisation_ids, place_ids
from socialvalue.attention import Attention, capped_count

from .models import Consultation, Proposal

Role = Membership.Role


def community_attention(user) -> list[Attention]:
    items = []
    reviewing_places = place_ids(user, Role.OFFICER)
    mine = organisation_ids(user)
    if reviewing_places:
        count = capped_count(
            Proposal.objects.filter(place_id__in=reviewing_places, status="submitted").exclude(
                organisation_id__in=mine
            )
        )
        items.append(
            Attention(
                count,
                "community proposal is waiting for a review to start",
                "community proposals are waiting for a review to start",
                reverse("consultations:proposal_list") + "?status=submitted",
            )
        )
    if mine:
        drafts = capped_count(Proposal.objects.filter(organisation_id__in=mine, status="draft"))
        items.append(
            Attention(
                drafts,
                "draft proposal from your organisation is not submitted",
                "draft proposals from your organisation are not submitted",
                reverse("consultations:proposal_list") + "?status=draft",
            )
        )
        declined = capped_count(
            Proposal.objects.filter(organisation_id__in=mine, status="declined")
        )
        items.append(
            Attention(
                declined,
                "proposal from your organisation was declined and can be revised",
                "proposals from your organisation were declined and can be revised",
                reverse("consultations:proposal_list") + "?status=declined",
            )
        )
    today = timezone.localdate()
    open_now = capped_count(
        Consultation.objects.filter(
            Q(closed_at__isnull=True),
            opens_on__lte=today,
            closes_on__gte=today,
            published_at__isnull=False,
        )
    )
    items.append(
        Attention(
            open_now,
            "consultation is open for responses",
            "consultations are open for responses",
            reverse("consultations:consultation_list"),
        )
    )
    return items
