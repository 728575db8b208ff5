"""What waits for a person in community voice, one queryset per queue: the rows of the list
the home page links to (`?waiting=<name>` on the proposals and consultations lists), already
narrowed to what the person may see, so the home page's count and the list are one truth."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from people.permissions import organisation_ids

from .models import Consultation, Proposal
from .permissions import reviewer_place_ids

Status = Proposal.Status

# Proposals answered within this many days stay on the proposing organisation's home page.
ANSWERED_RECENTLY_DAYS = 30
ANSWERED = (Status.ACCEPTED, Status.MERGED, Status.DECLINED)


def _own_proposals(user) -> QuerySet:
    mine = organisation_ids(user)
    if not mine:
        return Proposal.objects.none()
    return Proposal.objects.listed_for(user).filter(organisation_id__in=mine)


def proposals_to_review(user) -> QuerySet:
    """Submitted proposals in the places where the person is an officer, not their own."""
    places = reviewer_place_ids(user)
    if not places:
        return Proposal.objects.none()
    return (
        Proposal.objects.listed_for(user)
        .filter(place_id__in=places, status=Status.SUBMITTED)
        .exclude(organisation_id__in=organisation_ids(user))
    )


def draft_proposals(user) -> QuerySet:
    return _own_proposals(user).filter(status=Status.DRAFT)


def declined_proposals(user) -> QuerySet:
    """Declined proposals of the person's organisations: they can be revised."""
    return _own_proposals(user).filter(status=Status.DECLINED)


def answered_proposals(user) -> QuerySet:
    """Proposals of the person's organisations accepted, merged or declined recently."""
    since = timezone.now() - datetime.timedelta(days=ANSWERED_RECENTLY_DAYS)
    return _own_proposals(user).filter(status__in=ANSWERED, status_changed_at__gte=since)


PROPOSAL_QUEUES = {
    "review": proposals_to_review,
    "drafts": draft_proposals,
    "declined": declined_proposals,
    "answered": answered_proposals,
}


def open_consultations(user) -> QuerySet:
    """Published consultations open for responses today."""
    today = timezone.localdate()
    return Consultation.objects.visible_to(user).filter(
        Q(closed_at__isnull=True),
        opens_on__lte=today,
        closes_on__gte=today,
        published_at__isnull=False,
    )


CONSULTATION_QUEUES = {"open": open_consultations}
