"""Turning recurring needs into a community proposal: the council learns from the board."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from consultations.models import Proposal
from consultations.services import proposal_create
from people.models import User
from places.models import Place
from socialvalue.rules import allowed

from ..models import Need, NeedStep
from ..permissions import proposing_body


@transaction.atomic
def needs_to_proposal(
    *, place: Place, by: User, needs: Iterable[Need], title: str, problem: str
) -> Proposal:
    """A draft proposal, from the officer's or leader's body, for the areas of the chosen
    needs, with the needs listed as its evidence; each need keeps a link to it (and a step in
    its history). Needs already in a proposal are refused, so one need backs one proposal."""
    if not allowed(by, "needs.propose_from_needs", place):
        raise PermissionDenied
    body = proposing_body(by, place)
    if body is None:
        raise ValidationError("Only an officer or leader of a body serving the place can propose")
    chosen = list(
        Need.objects.select_for_update(of=("self",))
        .filter(pk__in=[n.pk for n in needs], place=place, status__in=Need.PUBLIC)
        .prefetch_related("areas")
        .select_related("group")
        .order_by("pk")
    )
    if not chosen:
        raise ValidationError({"needs": "Choose at least one published need"})
    taken = [n.reference for n in chosen if n.proposal_id]
    if taken:
        raise ValidationError({"needs": f"{', '.join(taken)} is already part of a proposal"})
    areas = {area.pk: area for n in chosen for area in n.areas.all()}
    evidence = "\n".join(
        f"{n.reference} ({reverse('needs:need_detail', kwargs={'pk': n.pk})}): {n.title}, "
        f"from {n.group}, {n.get_kind_display().lower()}, published "
        f"{n.opened_at:%-d %B %Y}"
        if n.opened_at
        else f"{n.reference}: {n.title}"
        for n in chosen
    )
    proposal = proposal_create(
        by=by,
        organisation=body,
        place=place,
        title=title,
        problem=problem,
        areas=list(areas.values()),
        evidence=f"Needs posted on the community needs board:\n{evidence}",
    )
    for need in chosen:
        need.proposal = proposal
        need._history_user = by
        need.save(update_fields=["proposal"])
        NeedStep.objects.create(
            need=need, kind=NeedStep.Kind.PROPOSED, by=by, note=proposal.reference
        )
    return proposal
