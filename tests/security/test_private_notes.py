"""Who reads officers' private notes on a proposal (issue 13, design point: any officer in the
place read other bodies' private notes).

Decided (SECURITY.md): a private note is read by officers of the public body that wrote it,
and by officers of the bodies reviewing the proposal (a body whose officer started its review
or decided it); superusers too. Nobody in the proposing organisation, no leader or
organisation admin as such, nobody else. The rule lives in `ProposalEventQuerySet.visible_to`
and is tested here as a role matrix, through the page and through the queryset.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from consultations import services
from consultations.models import Proposal, ProposalEvent
from people.models import Membership, Organisation
from tests.people.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role

COUNCIL_NOTE = "Council: the cost estimate looks low"
NHS_NOTE = "NHS: overlaps with our social prescribing pilot"
HIDING_NOTE = "Comment hidden: Names a private individual"


@pytest.fixture
def notes(world):
    """The council reviews the proposal and notes something; an NHS officer notes something
    too; a council officer hides a comment (a private record of why)."""
    nhs_officer = MembershipFactory(organisation=world.nhs, role=Role.OFFICER).user
    fire = OrganisationFactory(
        name="Testborough Fire", kind=Organisation.Kind.FIRE, place=world.place
    )
    people = {
        **world.users,
        "council_colleague": world.colleague,
        "nhs_officer": nhs_officer,
        "nhs_colleague": MembershipFactory(organisation=world.nhs, role=Role.OFFICER).user,
        "nhs_leader": MembershipFactory(organisation=world.nhs, role=Role.LEADER).user,
        "fire_officer": MembershipFactory(organisation=fire, role=Role.OFFICER).user,
        "council_officer_in_the_group": MembershipFactory(
            organisation=world.group,
            role=Role.MEMBER,
            user=MembershipFactory(organisation=world.council, role=Role.OFFICER).user,
        ).user,
    }
    proposal = world.proposal
    services.proposal_transition(
        proposal=proposal, to=Proposal.Status.UNDER_REVIEW, by=world.users["officer"]
    )
    services.proposal_note(proposal=proposal, by=world.colleague, note=COUNCIL_NOTE)
    services.proposal_note(proposal=proposal, by=nhs_officer, note=NHS_NOTE)
    services.comment_hide(
        comment=world.question, by=world.users["officer"], reason="Names a private individual"
    )
    return people


# Who reads which note: C the council's notes (the reviewing body), N the NHS officer's note.
READS = {
    "anonymous": "",
    "officer": "CN",  # started the review for the council, so reads what informs it
    "council_colleague": "CN",
    "org_admin": "",  # the council's organisation admin is not an officer
    "leader": "",
    "resident": "",
    "vcs_member": "",  # the proposer
    "supplier_contact": "",
    "other_org_officer": "",  # an officer in another place
    "nhs_officer": "N",  # wrote a note, but the NHS is not reviewing it
    "nhs_colleague": "N",
    "nhs_leader": "",
    "fire_officer": "",  # an officer in the place, with nothing to do with it
    "council_officer_in_the_group": "",  # an officer of the reviewing body, but a proposer too
    "superuser": "CN",
}


def _reads(text: str) -> str:
    return "".join(code for code, note in (("C", COUNCIL_NOTE), ("N", NHS_NOTE)) if note in text)


@pytest.mark.parametrize("who", sorted(READS))
def test_who_reads_private_notes_on_the_proposals_page(world, notes, who):
    client = Client()
    if notes[who] is not None:
        client.force_login(notes[who])

    page = client.get(world.proposal.get_absolute_url()).content.decode()

    assert _reads(page) == READS[who]
    assert (HIDING_NOTE in page) == ("C" in READS[who])


@pytest.mark.parametrize("who", sorted(READS))
def test_who_reads_private_notes_in_the_queryset(world, notes, who):
    user = notes[who] or AnonymousUser()

    visible = ProposalEvent.objects.visible_to(user).filter(proposal=world.proposal)

    notes_seen = " ".join(e.note for e in visible if e.is_private)
    assert _reads(notes_seen) == READS[who]
    # Everyone sees the public record: the review started.
    assert visible.filter(is_private=False, to_status=Proposal.Status.UNDER_REVIEW).exists()


def test_a_body_that_decides_the_proposal_reads_the_notes_that_informed_it(world, notes):
    nhs_officer = notes["nhs_officer"]
    services.proposal_transition(
        proposal=world.proposal,
        to=Proposal.Status.DECLINED,
        by=nhs_officer,
        reason="Already covered by the NHS pilot",
    )

    visible = ProposalEvent.objects.visible_to(nhs_officer).filter(proposal=world.proposal)

    assert _reads(" ".join(e.note for e in visible)) == "CN"


def test_writing_a_note_does_not_open_the_others(world, notes):
    """The fire service's officer writes a note: they read their own, not the council's."""
    fire_officer = notes["fire_officer"]
    services.proposal_note(proposal=world.proposal, by=fire_officer, note="Fire: noted")

    visible = ProposalEvent.objects.visible_to(fire_officer).filter(proposal=world.proposal)
    private = [e.note for e in visible if e.is_private]

    assert private == ["Fire: noted"]
