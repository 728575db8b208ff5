"""What the proposal services share: who is involved, who acts for which organisation, the
emails, and the checks on areas, links and a submission."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError

from notifications.emails import notify as _send
from people.models import Organisation, User
from people.permissions import roles_in
from places.models import Area, Place
from socialvalue.links import replace_links, wanted_links
from socialvalue.rules import allowed

from ..models import (
    Proposal,
    ProposalLink,
)
from ..permissions import reviewing_body

Status = Proposal.Status


TEXT_FIELDS = ("title", "problem", "affected", "change", "measurement", "evidence")


def notify(*, context: dict, **kwargs) -> list[str]:
    """`notifications.emails.notify`, with the site's address for links (when it is set)."""
    site_url = getattr(settings, "SOCIALVALUE_SITE_URL", "").rstrip("/")
    return _send(context={**context, "site_url": site_url}, **kwargs)


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
    wanted = wanted_links(links)
    if len(wanted) > Proposal.MAX_LINKS:
        raise ValidationError(f"Add up to {Proposal.MAX_LINKS} links")
    replace_links(
        proposal.links.all(),
        wanted,
        by=by,
        make=lambda title, url: ProposalLink(proposal=proposal, title=title, url=url),
    )


def _check_proposer(by: User, organisation: Organisation) -> None:
    if not allowed(by, "consultations.propose_for", organisation):
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


def _acting_organisation(by: User, proposal: Proposal, to: str | None) -> Organisation | None:
    """Whom the person acts for: the proposing organisation, or their public body."""
    if to in Proposal.PROPOSER_MOVES or roles_in(by, proposal.organisation):
        return proposal.organisation
    return reviewing_body(by, proposal)


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


__all__ = ["submission_error"]
