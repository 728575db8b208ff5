"""Who may do what with proposals and consultations.

Proposals: the proposing organisation's members submit, revise and withdraw; officers of a
public body serving the place review (start the review, accept, merge, decline, hide content
(comments, or the whole proposal), keep private notes), but never a proposal from an
organisation they belong to. Anyone signed in, including residents in no organisation, may
support a live proposal and ask about it. Consultations:
officers of the public body that runs one manage it and alone see its responses.
"""

from people.models import Membership, Organisation
from people.permissions import organisation_ids, organisations_of, place_ids, place_roles, roles_in
from socialvalue.rules import rule

Role = Membership.Role


# --- Who acts for whom ---------------------------------------------------------------------


def reviewer_place_ids(user) -> set[int]:
    """The places where this person is an officer of a public body: they review the proposals
    submitted there and run consultations for them."""
    return place_ids(user, Role.OFFICER)


def reviewing_body_ids(user) -> set[int]:
    """The organisations this person is an officer of: the bodies they review and consult for."""
    return organisation_ids(user, Role.OFFICER)


def reviews_in(user, place_id) -> bool:
    """Whether this person is an officer of a public body serving the place."""
    return Role.OFFICER in place_roles(user, place_id)


def reviewing_body(user, proposal):
    """The public body serving the proposal's place that an officer reviews it for (the first
    by name if several), or None."""
    return (
        Organisation.objects.current()
        .public_bodies()
        .filter(place_id=proposal.place_id, pk__in=reviewing_body_ids(user))
        .order_by("name")
        .first()
    )


def reviewers_of(proposal):
    """The people who review the proposal: active officers of the public bodies serving its
    place, not of the proposing organisation (told when it is submitted)."""
    from people.models import User

    return (
        User.objects.filter(
            memberships__organisation__place_id=proposal.place_id,
            memberships__organisation__kind__in=Organisation.PUBLIC_BODY_KINDS,
            memberships__organisation__archived_at__isnull=True,
            memberships__role=Role.OFFICER,
            memberships__ended_at__isnull=True,
            is_active=True,
        )
        .exclude(memberships__organisation=proposal.organisation)
        .distinct()
    )


def proposing_organisations(user):
    """The organisations this person may propose for: any they belong to (any, for a
    superuser)."""
    return organisations_of(user).current()


def consultation_bodies(user):
    """The public bodies this person may run a consultation for: where they are an officer
    (every one, for a superuser)."""
    return organisations_of(user, Role.OFFICER).current().public_bodies()


@rule("consultations.propose_for")
def can_propose_for(user, organisation) -> bool:
    """Anyone who belongs to an organisation may propose on its behalf."""
    return bool(roles_in(user, organisation))


@rule("consultations.run_consultation")
def can_run_consultation(user, organisation) -> bool:
    """Officers of a public body run its consultations."""
    return Role.OFFICER in roles_in(user, organisation)


# --- Named rules with their messages -------------------------------------------------------

OWN_ORGANISATION = "You cannot review a proposal from your own organisation"


def proposer_error(user, proposal) -> str | None:
    """Only the proposing organisation's people act for the proposer."""
    if user.is_authenticated and user.is_superuser:
        return None
    if not roles_in(user, proposal.organisation):
        return f"Only members of {proposal.organisation} can do this"
    return None


def review_error(user, proposal) -> str | None:
    """Reviewers are officers of a public body serving the place, never from the proposing
    organisation: nobody reviews their own organisation's proposal."""
    if not user.is_authenticated:
        return "Sign in as an officer to review proposals"
    if roles_in(user, proposal.organisation):
        return OWN_ORGANISATION
    if user.is_superuser:
        return None
    if not reviews_in(user, proposal.place_id):
        return f"Only officers of a public body serving {proposal.place} can review proposals"
    return None


def actor_error(user, proposal, to: str) -> str | None:
    """Why `user` may not move `proposal` to status `to` (who does which step)."""
    from .models import Proposal

    if to in Proposal.PROPOSER_MOVES:
        return proposer_error(user, proposal)
    return review_error(user, proposal)


# --- Proposals -----------------------------------------------------------------------------


@rule("consultations.view_proposal", anonymous=True)
def can_view_proposal(user, proposal) -> bool:
    if proposal.is_public:
        return True
    return user.is_authenticated and (
        user.is_superuser or bool(roles_in(user, proposal.organisation))
    )


@rule("consultations.add_proposal")
def can_add_proposal(user, obj=None) -> bool:
    """Anyone who belongs to an organisation may propose on its behalf."""
    return bool(organisation_ids(user))


@rule("consultations.change_proposal")
def can_change_proposal(user, proposal) -> bool:
    return proposal.is_editable and proposer_error(user, proposal) is None


@rule("consultations.submit_proposal")
def can_submit_proposal(user, proposal) -> bool:
    return (
        proposal.Status.SUBMITTED in proposal.next_statuses
        and proposer_error(user, proposal) is None
    )


@rule("consultations.withdraw_proposal")
def can_withdraw_proposal(user, proposal) -> bool:
    return (
        proposal.Status.WITHDRAWN in proposal.next_statuses
        and proposer_error(user, proposal) is None
    )


@rule("consultations.review_proposal")
def can_review_proposal(user, proposal) -> bool:
    """Review at all: see private notes, write them, hide content."""
    return review_error(user, proposal) is None


@rule("consultations.start_review")
def can_start_review(user, proposal) -> bool:
    return proposal.status == proposal.Status.SUBMITTED and review_error(user, proposal) is None


@rule("consultations.decide_proposal")
def can_decide_proposal(user, proposal) -> bool:
    """Accept, merge or decline: only once the review has started."""
    return proposal.status == proposal.Status.UNDER_REVIEW and review_error(user, proposal) is None


def support_error(user, proposal) -> str | None:
    if not user.is_authenticated:
        return "Sign in to support a proposal"
    if proposal.hidden_at:
        return "This proposal has been hidden by an officer: it can no longer be supported"
    if proposal.status not in proposal.OPEN_STATUSES:
        return (
            f"This proposal is {proposal.get_status_display().lower()}: "
            "it can no longer be supported"
        )
    if roles_in(user, proposal.organisation):
        return "You cannot support your own organisation's proposal"
    return None


@rule("consultations.support_proposal")
def can_support_proposal(user, proposal) -> bool:
    return support_error(user, proposal) is None


@rule("consultations.comment_proposal")
def can_comment_proposal(user, proposal) -> bool:
    """Any signed-in person may ask about a public proposal that is still live and shown."""
    return (
        proposal.is_public
        and proposal.status != proposal.Status.WITHDRAWN
        and proposal.hidden_at is None
    )


@rule("consultations.answer_question")
def can_answer_question(user, proposal) -> bool:
    """The proposer and reviewing officers answer questions; their replies are marked."""
    return proposer_error(user, proposal) is None or review_error(user, proposal) is None


@rule("consultations.hide_comment")
def can_hide_comment(user, comment) -> bool:
    return comment.hidden_at is None and review_error(user, comment.proposal) is None


@rule("consultations.view_evidence_file", anonymous=True)
def can_view_evidence_file(user, proposal) -> bool:
    if proposal.hidden_at and not can_view_hidden_proposal(user, proposal):
        return False
    return can_view_proposal(user, proposal)


def hide_error(user, proposal) -> str | None:
    """A named rule: an officer of a public body serving the place may hide a submitted
    proposal (abusive content), never one from their own organisation. Drafts are private
    already, so there is nothing to hide."""
    if not proposal.is_public:
        return "Only a submitted proposal can be hidden"
    if proposal.hidden_at:
        return "This proposal is already hidden"
    return review_error(user, proposal)


def unhide_error(user, proposal) -> str | None:
    """Whoever may hide a proposal may show it again."""
    if not proposal.hidden_at:
        return "This proposal is not hidden"
    return review_error(user, proposal)


@rule("consultations.hide_proposal")
def can_hide_proposal(user, proposal) -> bool:
    return hide_error(user, proposal) is None


@rule("consultations.unhide_proposal")
def can_unhide_proposal(user, proposal) -> bool:
    return unhide_error(user, proposal) is None


@rule("consultations.view_hidden_proposal")
def can_view_hidden_proposal(user, proposal) -> bool:
    """A hidden proposal's content stays visible to its own organisation's people and to the
    officers who review proposals in the place; everyone else sees only why it was hidden."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or bool(roles_in(user, proposal.organisation))
        or review_error(user, proposal) is None
    )


# --- Consultations -------------------------------------------------------------------------


def _officer_of_owner(user, consultation) -> bool:
    return can_run_consultation(user, consultation.owner)


@rule("consultations.view_consultation", anonymous=True)
def can_view_consultation(user, consultation) -> bool:
    if consultation.published_at is not None:
        return True
    return user.is_authenticated and bool(roles_in(user, consultation.owner))


@rule("consultations.add_consultation")
def can_add_consultation(user, obj=None) -> bool:
    """Officers of a public body run consultations."""
    return bool(reviewer_place_ids(user))


@rule("consultations.manage_consultation")
def can_manage_consultation(user, consultation) -> bool:
    return _officer_of_owner(user, consultation)


@rule("consultations.change_questions")
def can_change_questions(user, consultation) -> bool:
    """Questions are fixed once the consultation is published, so every response answers the
    same questions."""
    return consultation.published_at is None and _officer_of_owner(user, consultation)


def response_error(user, consultation) -> str | None:
    if consultation.published_at is None:
        return "This consultation has not been published"
    if consultation.is_closed:
        return f"This consultation closed on {consultation.closes_on:%-d %B %Y}. Responses can no longer be sent or changed"
    if not consultation.is_open:
        return f"This consultation opens on {consultation.opens_on:%-d %B %Y}"
    if not user.is_authenticated and not consultation.allow_anonymous:
        return "Sign in to respond to this consultation"
    return None


@rule("consultations.respond", anonymous=True)
def can_respond(user, consultation) -> bool:
    return response_error(user, consultation) is None


@rule("consultations.export_responses")
def can_export_responses(user, consultation) -> bool:
    """Responses hold personal data: only the owning body's officers download them."""
    return _officer_of_owner(user, consultation)


@rule("consultations.view_summary", anonymous=True)
def can_view_summary(user, consultation) -> bool:
    if consultation.summary_published_at is not None:
        return True
    return user.is_authenticated and _officer_of_owner(user, consultation)


@rule("consultations.edit_summary")
def can_edit_summary(user, consultation) -> bool:
    return (
        consultation.published_at is not None
        and consultation.is_closed
        and _officer_of_owner(user, consultation)
    )
