"""Tells an objective's page where it came from: the proposals adopted into it, and the
consultations whose published "You said, we did" summary links to it."""

from objectives.origins import Origin


def objective_origins(objective, user) -> list[Origin]:
    from .models import Consultation, Proposal

    found = [
        Origin(
            kind="Community proposal",
            title=proposal.title,
            url=proposal.get_absolute_url(),
            detail=f"{proposal.reference}, proposed by {proposal.organisation.name}",
        )
        for proposal in Proposal.objects.listed_for(user)
        .filter(objective=objective)
        .select_related("organisation")
        .order_by("submitted_at", "pk")
    ]
    found += [
        Origin(
            kind="Consultation",
            title=consultation.title,
            url=consultation.get_absolute_url(),
            detail=f"Run by {consultation.owner.name}; closed {consultation.closes_on:%-d %B %Y}",
        )
        for consultation in Consultation.objects.visible_to(user)
        .filter(summary_published_at__isnull=False, summary_entries__objective=objective)
        .select_related("owner")
        .distinct()
        .order_by("closes_on", "pk")
    ]
    return found
