"""Design point: sign-off within the body.

An NHS body's assessment (bought jointly with the council) was offered for sign-off to the
council's officer and leader. Decided: a body's legal record (an assessment, an exemption) is
signed off by an officer or leader of the contract's buyer, unless the place records a joint
arrangement between bodies that each body's own organisation admin has confirmed. Every page
agrees: the sign-off page, the assessment page, the home page's count and the contracts list's
"waiting for my sign-off" filter.
"""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts import services, signoff
from contracts.models import Assessment
from people.models import Membership, Organisation
from tests.contracts.pipeline_helpers import complete_assessment, make_contract
from tests.people.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role


def _gov():
    """The arrangement services, imported when a test needs them: the finding's first tests run
    (and failed) on the code from before arrangements existed."""
    from contracts.services import governance as services_governance

    return services_governance


def _models():
    from contracts.models import ArrangementMember, JointArrangement

    return ArrangementMember, JointArrangement


@pytest.fixture
def bodies(place, council, make_member):
    nhs = OrganisationFactory(name="Testborough NHS", kind=Organisation.Kind.NHS, place=place)
    return SimpleNamespace(
        council=council,
        nhs=nhs,
        council_officer=make_member(council, Role.OFFICER),
        council_leader=make_member(council, Role.LEADER),
        council_admin=make_member(council, Role.ORG_ADMIN),
        nhs_officer=make_member(nhs, Role.OFFICER),
        nhs_colleague=make_member(nhs, Role.OFFICER),
        nhs_admin=make_member(nhs, Role.ORG_ADMIN),
    )


@pytest.fixture
def nhs_assessment(bodies):
    """The NHS body's contract, bought jointly with the council, submitted for sign-off."""
    contract = make_contract(buyer=bodies.nhs, by=bodies.nhs_officer, joint_buyers=[bodies.council])
    return services.assessment_submit(
        assessment=complete_assessment(contract, author=bodies.nhs_officer), by=bodies.nhs_officer
    )


def _offered(client, person, assessment) -> dict:
    """Everything a page says about whether `person` may sign off `assessment`."""
    client.force_login(person)
    detail = client.get(assessment.get_absolute_url())
    texts = [item.text for item in client.get(reverse("home")).context["attention"]]
    listed = client.get(reverse("contracts:contract_list"), {"sign_off": "mine"})
    sign_off = client.get(
        reverse(
            "contracts:assessment_sign_off",
            kwargs={"pk": assessment.contract_id, "version": assessment.version},
        )
    )
    return {
        "button": "Sign off or send back" in detail.content.decode(),
        "counted": any("waiting for your sign-off" in t for t in texts),
        "listed": [c.pk for c in listed.context["contracts"]] == [assessment.contract_id],
        "page": sign_off.status_code == 200,
        "rule": signoff.may_sign_off(person, assessment),
    }


NOWHERE = dict.fromkeys(["button", "counted", "listed", "page", "rule"], False)
EVERYWHERE = dict.fromkeys(["button", "counted", "listed", "page", "rule"], True)


@pytest.mark.parametrize("who", ["council_officer", "council_leader"])
def test_the_council_is_not_offered_the_nhs_bodys_sign_off(client, bodies, nhs_assessment, who):
    """The reported finding: without a joint arrangement, no page offers the council's people
    the NHS body's sign-off, and the service refuses them."""
    person = getattr(bodies, who)
    assert _offered(client, person, nhs_assessment) == NOWHERE
    with pytest.raises(ValidationError, match="Only an officer or leader of Testborough NHS"):
        services.assessment_approve(assessment=nhs_assessment, by=person)
    assert Assessment.objects.get(pk=nhs_assessment.pk).status == "submitted"


def test_a_colleague_in_the_nhs_body_is_offered_it_everywhere(client, bodies, nhs_assessment):
    assert _offered(client, bodies.nhs_colleague, nhs_assessment) == EVERYWHERE
    services.assessment_approve(assessment=nhs_assessment, by=bodies.nhs_colleague)


def _arrangement(bodies, *, confirmed: bool):
    arrangement = _gov().arrangement_record(
        by=bodies.council_admin,
        place=bodies.council.place,
        name="Joint commissioning",
        reference="Board minute 7",
        bodies=[bodies.council, bodies.nhs],
    )
    if confirmed:
        member = arrangement.members.get(organisation=bodies.nhs)
        _gov().arrangement_confirm(member=member, by=bodies.nhs_admin)
    return arrangement


def test_a_confirmed_joint_arrangement_lets_the_council_sign_off(client, bodies, nhs_assessment):
    _arrangement(bodies, confirmed=True)
    assert _offered(client, bodies.council_leader, nhs_assessment) == EVERYWHERE
    approved = services.assessment_approve(assessment=nhs_assessment, by=bodies.council_leader)
    assert approved.approved_by == bodies.council_leader


def test_one_body_cannot_sign_itself_into_anothers_decisions(client, bodies, nhs_assessment):
    """The council's admin records an arrangement naming the NHS body: until the NHS body's
    own admin confirms, it changes nothing, and the council's admin cannot confirm for it."""
    arrangement = _arrangement(bodies, confirmed=False)
    assert _offered(client, bodies.council_leader, nhs_assessment) == NOWHERE
    member = arrangement.members.get(organisation=bodies.nhs)
    with pytest.raises(ValidationError, match="Only an organisation admin of Testborough NHS"):
        _gov().arrangement_confirm(member=member, by=bodies.council_admin)
    client.force_login(bodies.council_admin)
    url = reverse("contracts:arrangement_answer", kwargs={"pk": member.pk})
    assert client.post(url, {"answer": "confirm"}).status_code == 403
    assert _models()[0].objects.get(pk=member.pk).confirmed_at is None


def test_an_ended_arrangement_no_longer_counts(client, bodies, nhs_assessment):
    arrangement = _arrangement(bodies, confirmed=True)
    _gov().arrangement_end(arrangement=arrangement, by=bodies.nhs_admin)
    assert _offered(client, bodies.council_leader, nhs_assessment) == NOWHERE
    assert _models()[1].objects.get(pk=arrangement.pk).ended_by == bodies.nhs_admin


def test_a_declined_invitation_changes_nothing(bodies, nhs_assessment):
    arrangement = _arrangement(bodies, confirmed=False)
    member = arrangement.members.get(organisation=bodies.nhs)
    _gov().arrangement_decline(member=member, by=bodies.nhs_admin)
    assert not signoff.may_sign_off(bodies.council_leader, nhs_assessment)
    assert _models()[0].objects.get(pk=member.pk).ended_by == bodies.nhs_admin


def test_an_arrangement_joins_public_bodies_of_the_place_only(bodies, place):
    from tests.contracts.factories import SupplierFactory
    from tests.places.factories import PlaceFactory

    supplier = SupplierFactory()
    elsewhere = OrganisationFactory(
        kind=Organisation.Kind.POLICE, place=PlaceFactory(name="Elsewhere", slug="elsewhere")
    )
    for outsider in (supplier, elsewhere):
        with pytest.raises(ValidationError, match="Choose a public body serving Testborough"):
            _gov().arrangement_record(
                by=bodies.council_admin,
                place=place,
                name="Wider",
                reference="Minute 1",
                bodies=[bodies.council, outsider],
            )
    with pytest.raises(ValidationError, match="Include a body you are an organisation admin"):
        _gov().arrangement_record(
            by=bodies.council_officer,
            place=place,
            name="Not mine",
            reference="Minute 2",
            bodies=[bodies.council, bodies.nhs],
        )
    assert _models()[1].objects.count() == 0


def test_the_arrangement_pages_record_answer_and_keep_history(client, bodies, place):
    client.force_login(bodies.council_admin)
    response = client.post(
        reverse("contracts:arrangement_create", kwargs={"slug": place.slug}),
        {
            "name": "Joint commissioning",
            "reference": "Board minute 7",
            "bodies": [bodies.council.pk, bodies.nhs.pk],
        },
    )
    assert response.status_code == 302
    arrangement = _models()[1].objects.get()
    overview = client.get(reverse("contracts:sign_off_overview")).content.decode()
    assert "Waiting for its admin to confirm" in overview
    member = arrangement.members.get(organisation=bodies.nhs)
    client.force_login(bodies.nhs_admin)
    url = reverse("contracts:arrangement_answer", kwargs={"pk": member.pk})
    assert client.get(url).status_code == 200
    assert client.post(url, {"answer": "confirm"}).status_code == 302
    member.refresh_from_db()
    assert member.confirmed_by == bodies.nhs_admin
    assert [h.history_user for h in member.history.order_by("history_date")] == [
        bodies.council_admin,
        bodies.nhs_admin,
    ]


def test_the_overview_costs_the_same_for_one_arrangement_or_many(
    client, bodies, place, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(bodies.council_admin)
    _arrangement(bodies, confirmed=True)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("contracts:sign_off_overview")).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for n in range(4):
        _gov().arrangement_record(
            by=bodies.council_admin,
            place=place,
            name=f"Arrangement {n}",
            reference=f"Minute {n}",
            bodies=[bodies.council, bodies.nhs],
        )
    assert count() == one
