import pytest

from consultations import services
from consultations.models import Proposal, Question
from people.models import Membership, Organisation
from tests.consultations.factories import ConsultationFactory, ProposalFactory
from tests.objectives.conftest import *  # noqa: F403 - the shared place, groups and objectives
from tests.people.factories import OrganisationFactory, UserFactory

Role = Membership.Role


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def other_vcs(place):
    return OrganisationFactory(
        name="Castle Hill Youth Club", kind=Organisation.Kind.VCS, place=None
    )


@pytest.fixture
def people(
    council,
    nhs_body,
    vcs_group,
    other_vcs,
    supplier_org,
    other_place_council,
    make_member,
    neighbourhoods,
):
    """A user for each row of the permission matrix. `dual` is a member of the proposing group
    and an officer at the council: they may not review their own group's proposal."""
    vcs_group.areas.set(neighbourhoods)  # the group works in the place's neighbourhoods
    dual = make_member(vcs_group, Role.MEMBER)
    Membership.objects.create(user=dual, organisation=council, role=Role.OFFICER)
    return {
        "proposer": make_member(vcs_group, Role.MEMBER),
        "other_group": make_member(other_vcs, Role.MEMBER),
        "resident": UserFactory(),  # signed in, in no organisation
        "supplier": make_member(supplier_org, Role.SUPPLIER_CONTACT),
        "officer": make_member(council, Role.OFFICER),
        "leader": make_member(council, Role.LEADER),
        "partner_officer": make_member(nhs_body, Role.OFFICER),
        "other_officer": make_member(other_place_council, Role.OFFICER),
        "dual": dual,
    }


@pytest.fixture
def make_proposal(place, vcs_group, neighbourhoods, make_objective):
    def make(status="submitted", **kwargs):
        kwargs.setdefault("areas", neighbourhoods[:1])
        if status == Proposal.Status.ACCEPTED:
            kwargs.setdefault("objective", make_objective(status="draft"))
        if status == Proposal.Status.MERGED:
            kwargs.setdefault(
                "merged_into",
                ProposalFactory(place=place, organisation=vcs_group, status="submitted"),
            )
        return ProposalFactory(place=place, organisation=vcs_group, status=status, **kwargs)

    return make


@pytest.fixture
def proposal(make_proposal):
    return make_proposal(status=Proposal.Status.SUBMITTED)


@pytest.fixture
def make_consultation(council, ward):
    def make(**kwargs):
        questions = kwargs.pop("questions", True)
        kwargs.setdefault("areas", [ward])
        consultation = ConsultationFactory(owner=council, place=council.place, **kwargs)
        if questions:
            officer = consultation.created_by
            Membership.objects.get_or_create(user=officer, organisation=council, role=Role.OFFICER)
            published = consultation.published_at
            type(consultation).objects.filter(pk=consultation.pk).update(published_at=None)
            consultation.published_at = None
            services.question_add(
                consultation=consultation,
                by=officer,
                text="Which matters most?",
                kind=Question.Kind.SINGLE,
                options="Jobs\nFood\nSafety",
            )
            services.question_add(
                consultation=consultation,
                by=officer,
                text="Pick all that apply",
                kind=Question.Kind.MULTIPLE,
                options="Buses\nParks\nShops",
            )
            services.question_add(
                consultation=consultation,
                by=officer,
                text="Anything else?",
                kind=Question.Kind.FREE_TEXT,
            )
            if published:
                type(consultation).objects.filter(pk=consultation.pk).update(published_at=published)
                consultation.refresh_from_db()
        return consultation

    return make
