"""Assessment notices under a joint arrangement (issue 17): the partner bodies whose officers
and leaders may sign off the buyer's assessment (`contracts.signoff.signing_bodies`) are told
it is waiting, and hear when it is approved or sent back, as the buyer's own people are. A
body outside the arrangement, one that has not confirmed it, an ended arrangement, a partner's
organisation admin or supplier contact, and the author are not told."""

from types import SimpleNamespace

import pytest

from contracts import services
from contracts.services import governance as services_governance
from notifications.models import Kind, Notification
from people.models import Membership, Organisation
from tests.contracts.pipeline_helpers import complete_assessment, make_contract
from tests.people.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role


def told(kind) -> set:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


@pytest.fixture
def bodies(place, council, make_member):
    nhs = OrganisationFactory(name="Testborough NHS", kind=Organisation.Kind.NHS, place=place)
    police = OrganisationFactory(
        name="Testborough Police", kind=Organisation.Kind.POLICE, place=place
    )
    return SimpleNamespace(
        council=council,
        nhs=nhs,
        police=police,
        council_author=make_member(council, Role.OFFICER),
        council_colleague=make_member(council, Role.OFFICER),
        council_admin=make_member(council, Role.ORG_ADMIN),
        nhs_officer=make_member(nhs, Role.OFFICER),
        nhs_leader=make_member(nhs, Role.LEADER),
        nhs_admin=make_member(nhs, Role.ORG_ADMIN),
        police_officer=make_member(police, Role.OFFICER),
    )


def _arrangement(bodies, *, confirmed=True, ended=False):
    arrangement = services_governance.arrangement_record(
        by=bodies.council_admin,
        place=bodies.council.place,
        name="Joint commissioning",
        reference="Board minute 7",
        bodies=[bodies.council, bodies.nhs],
    )
    if confirmed:
        member = arrangement.members.get(organisation=bodies.nhs)
        services_governance.arrangement_confirm(member=member, by=bodies.nhs_admin)
    if ended:
        services_governance.arrangement_end(arrangement=arrangement, by=bodies.council_admin)
    return arrangement


def _submitted(bodies):
    contract = make_contract(buyer=bodies.council, by=bodies.council_author, reference="C-JOINT")
    assessment = complete_assessment(contract, author=bodies.council_author)
    return services.assessment_submit(assessment=assessment, by=bodies.council_author)


def _emails(*people) -> set:
    return {p.email for p in people}


def test_partner_officers_and_leaders_are_told_an_assessment_waits_for_sign_off(bodies):
    _arrangement(bodies)
    _submitted(bodies)
    assert told(Kind.ASSESSMENT_SUBMITTED) == _emails(
        bodies.council_colleague, bodies.nhs_officer, bodies.nhs_leader
    )


@pytest.mark.parametrize(
    "arrangement",
    [
        pytest.param(None, id="no arrangement"),
        pytest.param({"confirmed": False}, id="not confirmed by the partner"),
        pytest.param({"ended": True}, id="ended"),
    ],
)
def test_without_a_current_confirmed_arrangement_only_the_buyer_is_told(bodies, arrangement):
    if arrangement is not None:
        _arrangement(bodies, **arrangement)
    _submitted(bodies)
    assert told(Kind.ASSESSMENT_SUBMITTED) == _emails(bodies.council_colleague)


def test_a_body_outside_the_arrangement_and_a_partners_admin_are_not_told(bodies):
    _arrangement(bodies)
    assessment = _submitted(bodies)
    services.assessment_approve(assessment=assessment, by=bodies.nhs_officer)
    everyone = set(Notification.objects.values_list("recipient__email", flat=True))
    for outside in (bodies.police_officer, bodies.nhs_admin, bodies.council_admin):
        assert outside.email not in everyone


@pytest.mark.parametrize("approve", [True, False], ids=["approved", "sent back"])
def test_the_decision_reaches_the_author_and_the_partners_who_could_have_signed(bodies, approve):
    _arrangement(bodies)
    assessment = _submitted(bodies)
    if approve:
        services.assessment_approve(assessment=assessment, by=bodies.nhs_leader)
        kind = Kind.ASSESSMENT_APPROVED
    else:
        services.assessment_return(assessment=assessment, by=bodies.nhs_leader, reason="Add a KPI")
        kind = Kind.ASSESSMENT_RETURNED
    # The decider is not told of their own decision; everyone offered the sign-off is.
    assert told(kind) == _emails(
        bodies.council_author, bodies.council_colleague, bodies.nhs_officer
    )


def test_the_partner_officer_told_can_open_the_sign_off_and_an_outsider_cannot(client, bodies):
    """The notice links to a page its reader may open: an arrangement partner's officer sees
    the buyer's contract (to sign off its decisions); a body outside it still gets 404."""
    from django.urls import reverse

    _arrangement(bodies)
    assessment = _submitted(bodies)
    url = reverse(
        "contracts:assessment_sign_off",
        kwargs={"pk": assessment.contract_id, "version": assessment.version},
    )
    client.force_login(bodies.nhs_officer)
    assert client.get(url).status_code == 200
    note = Notification.objects.get(recipient=bodies.nhs_officer)
    assert client.get(note.path).status_code == 200
    client.force_login(bodies.police_officer)
    assert client.get(url).status_code == 404
    assert client.get(assessment.get_absolute_url()).status_code == 404
