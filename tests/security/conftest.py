"""One seeded world for the security tests: a place with a council, an NHS body, a VCS group
and a supplier; every kind of record the service shows; and one person per row of the
permission matrix, plus an officer of another place's council.

Records are built with the existing factories and services, in the states that make each page
interesting (a draft objective, a draft, a submitted, an under-review and a hidden proposal, an open, a draft and a closed
consultation, contracts in planning, assessing and awarded stages, a return with evidence).
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from consultations import services as consultation_services
from consultations.models import Comment, Proposal, ProposalFile, Question, SummaryEntry
from contracts.models import Assessment, BuyerAlias, Contract, OcdsImport
from objectives.models import Objective
from people.models import Invitation, Membership, Organisation
from tests.consultations.factories import ConsultationFactory, ProposalFactory
from tests.contracts.factories import (
    TINY_PDF,
    AwardedContractFactory,
    CommitmentFactory,
    CommunityGroupFactory,
    ContractFactory,
    DeliveryReturnFactory,
    EvidenceFileFactory,
    SupplierFactory,
)
from tests.objectives.factories import (
    FrameworkFactory,
    MeasureFactory,
    ObjectiveFactory,
    OutcomeFactory,
    TargetFactory,
    ThemeFactory,
)
from tests.people.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.places.factories import AreaFactory, PlaceFactory

Role = Membership.Role
PASSWORD = "correct horse battery staple"
# The rows of the permission matrix, in the order the tests report them.
ROLES = (
    "anonymous",
    "officer",
    "org_admin",
    "leader",
    "resident",
    "vcs_member",
    "supplier_contact",
    "other_org_officer",
    "superuser",
)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files go to a throwaway folder, never the project's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SOCIALVALUE_OPEN_DATA_ROOT = tmp_path / "open-data"


def _member(organisation, role, **fields):
    return MembershipFactory(organisation=organisation, role=role, user=UserFactory(**fields)).user


def _consultation(council, ward, by, **kwargs):
    """A consultation with a free-text and a single-choice question, published or not."""
    published_at = kwargs.pop("published_at", timezone.now())
    consultation = ConsultationFactory(
        owner=council, place=council.place, created_by=by, published_at=None, **kwargs
    )
    consultation.areas.set([ward])
    consultation_services.question_add(
        consultation=consultation,
        by=by,
        text="Which matters most?",
        kind=Question.Kind.SINGLE,
        options="Jobs\nFood\nSafety",
    )
    consultation_services.question_add(
        consultation=consultation, by=by, text="Anything else?", kind=Question.Kind.FREE_TEXT
    )
    if published_at:
        type(consultation).objects.filter(pk=consultation.pk).update(published_at=published_at)
        consultation.refresh_from_db()
    return consultation


@pytest.fixture
def world(db):
    today = timezone.localdate()
    place = PlaceFactory(name="Testborough", slug="testborough")
    council = OrganisationFactory(
        name="Testborough Council", slug="testborough-council", kind="local_authority", place=place
    )
    nhs = OrganisationFactory(name="Testborough NHS", kind=Organisation.Kind.NHS, place=place)
    elsewhere = PlaceFactory(name="Elsewhere", slug="elsewhere")
    other_council = OrganisationFactory(
        name="Elsewhere Council", kind="local_authority", place=elsewhere
    )
    ward = AreaFactory(place=place, kind="ward", name="Castle Hill")
    neighbourhood = AreaFactory(place=place, kind="neighbourhood", name="Keep Lane", parent=ward)
    group = CommunityGroupFactory(name="Castle Hill Pantry", areas=[ward, neighbourhood])
    supplier = SupplierFactory(name="Acme Ltd")

    users = {
        "anonymous": None,
        "officer": _member(council, Role.OFFICER, email="officer@example.org"),
        "org_admin": _member(council, Role.ORG_ADMIN, email="admin@example.org"),
        "leader": _member(council, Role.LEADER, email="leader@example.org"),
        "resident": UserFactory(email="resident@example.org"),  # in no organisation
        "vcs_member": _member(group, Role.MEMBER, email="vcs@example.org"),
        "supplier_contact": _member(supplier, Role.SUPPLIER_CONTACT, email="supplier@example.org"),
        "other_org_officer": _member(other_council, Role.OFFICER, email="other@example.org"),
        "superuser": UserFactory(email="root@example.org", is_superuser=True, is_staff=True),
    }
    officer = users["officer"]
    colleague = _member(council, Role.OFFICER, email="colleague@example.org")

    # Frameworks and objectives.
    framework = FrameworkFactory(place=place, name="Local outcomes")
    theme = ThemeFactory(framework=framework, name="Jobs")
    outcome = OutcomeFactory(theme=theme, framework=framework, name="Good jobs")
    measure = MeasureFactory(
        outcome=outcome,
        framework=framework,
        code="J1",
        name="Local people employed",
        unit="people",
        proxy_value=Decimal("100"),
        proxy_source="Local proxies",
        proxy_year=2025,
    )
    objective = ObjectiveFactory(
        outcome=outcome,
        place=place,
        lead_organisation=council,
        created_by=officer,
        status=Objective.Status.ACTIVE,
        title="More local jobs",
        areas=[ward],
    )
    TargetFactory(objective=objective, measure=measure)
    draft_objective = ObjectiveFactory(
        outcome=outcome,
        place=place,
        lead_organisation=council,
        created_by=officer,
        title="A draft objective",
        areas=[ward],
    )
    draft_target = TargetFactory(objective=draft_objective, measure=measure)

    # Contracts: one in planning, one assessing (draft by the officer), one waiting for sign-off
    # (written by a colleague), one awarded with a commitment, a return and its evidence.
    planning = ContractFactory(place=place, buyer=council, owner=officer, reference="C-PLAN")
    assessing = ContractFactory(
        place=place,
        buyer=council,
        owner=officer,
        reference="C-ASSESS",
        stage=Contract.Stage.ASSESSING,
    )
    draft_assessment = Assessment.objects.create(contract=assessing, author=officer, version=1)
    signing = ContractFactory(
        place=place,
        buyer=council,
        owner=colleague,
        reference="C-SIGN",
        stage=Contract.Stage.ASSESSING,
    )
    submitted_assessment = Assessment.objects.create(
        contract=signing,
        author=colleague,
        version=1,
        status=Assessment.Status.SUBMITTED,
        completed_sections=list(Assessment.SECTION_KEYS),
        submitted_at=timezone.now(),
        submitted_by=colleague,
    )
    exempting = ContractFactory(
        place=place,
        buyer=council,
        owner=colleague,
        reference="C-EXEMPT",
        category=Contract.Category.GOODS,
    )
    from contracts import services as contract_services

    contract_services.exemption_propose(
        contract=exempting, by=colleague, ground="not_services", reason="Road salt only"
    )
    contract = AwardedContractFactory(
        place=place, buyer=council, owner=officer, supplier=supplier, reference="C-ACME"
    )
    approved_assessment = contract.assessments.get()
    commitment = CommitmentFactory(
        contract=contract, measure=measure, objective=objective, area=ward
    )
    delivery_return = DeliveryReturnFactory(
        commitment=commitment,
        period=contract.periods.order_by("start").first(),
        submitted_by=users["supplier_contact"],
        supported_group=group,
    )
    evidence = EvidenceFileFactory(
        delivery_return=delivery_return, uploaded_by=users["supplier_contact"]
    )

    # Proposals: a draft with a file, a submitted one with a question, one under review.
    vcs_member = users["vcs_member"]
    draft_proposal = ProposalFactory(
        place=place, organisation=group, created_by=vcs_member, title="A draft proposal"
    )
    draft_proposal.areas.set([neighbourhood])
    proposal_file = ProposalFile(
        proposal=draft_proposal,
        original_name="survey.pdf",
        kind="PDF",
        size=len(TINY_PDF),
        uploaded_by=vcs_member,
    )
    proposal_file.file.save("survey.pdf", ContentFile(TINY_PDF), save=False)
    proposal_file.save()
    proposal = ProposalFactory(
        place=place,
        organisation=group,
        created_by=vcs_member,
        status=Proposal.Status.SUBMITTED,
        title="Warm spaces",
    )
    proposal.areas.set([neighbourhood])
    question = Comment.objects.create(proposal=proposal, author=colleague, body="How many?")
    reviewing = ProposalFactory(
        place=place,
        organisation=group,
        created_by=vcs_member,
        status=Proposal.Status.UNDER_REVIEW,
        title="Under review",
    )
    reviewing.areas.set([neighbourhood])
    hidden = ProposalFactory(
        place=place,
        organisation=group,
        created_by=vcs_member,
        status=Proposal.Status.SUBMITTED,
        title="Hidden proposal",
        hidden_at=timezone.now(),
        hidden_by=colleague,
        hidden_reason="Abusive language",
    )
    hidden.areas.set([neighbourhood])

    # Consultations: open (published), draft (unpublished) and closed.
    consultation = _consultation(council, ward, officer, title="Open consultation")
    draft_consultation = _consultation(
        council, ward, officer, title="Draft consultation", published_at=None
    )
    closed_consultation = _consultation(
        council,
        ward,
        officer,
        title="Closed consultation",
        opens_on=today - datetime.timedelta(days=40),
        closes_on=today - datetime.timedelta(days=10),
    )
    entry = SummaryEntry.objects.create(
        consultation=closed_consultation, position=1, you_said="More jobs", we_did="Added J1"
    )

    # A joint arrangement recorded by the council's admin with the NHS body, which has not
    # confirmed it yet.
    from contracts.services import governance as services_governance

    arrangement = services_governance.arrangement_record(
        by=users["org_admin"],
        place=place,
        name="Testborough joint commissioning",
        reference="Board minute 7, 1 April 2026",
        bodies=[council, nhs],
    )
    pending_member = arrangement.members.get(organisation=nhs)

    token, token_hash = Invitation.new_token()
    Invitation.objects.create(
        email="newcomer@example.org",
        full_name="New Comer",
        organisation=council,
        role=Role.OFFICER,
        token_hash=token_hash,
        invited_by=users["org_admin"],
        expires_at=Invitation.default_expiry(),
    )

    # OCDS imports: one waiting for the officer's confirmation, one imported; and a name the
    # council publishes under.
    staged_upload = OcdsImport.objects.create(
        by=officer,
        place=place,
        file_name="notices.json",
        size=2,
        sha256="0" * 64,
        content=b"{}",
        expires_at=timezone.now() + OcdsImport.LIFETIME,
    )
    imported_upload = OcdsImport.objects.create(
        by=officer,
        place=place,
        file_name="earlier.json",
        size=2,
        sha256="1" * 64,
        status=OcdsImport.Status.IMPORTED,
        imported_at=timezone.now(),
        expires_at=timezone.now(),
    )
    alias = BuyerAlias.objects.create(
        organisation=council,
        kind=BuyerAlias.Kind.NAME,
        value="Testborough BC",
        key="testborough bc",
        added_by=users["org_admin"],
    )

    # The place's whole open-data CSV, built (publishing).
    from publishing.models import PublishedFile
    from publishing.services import build

    build(place=place, kind=PublishedFile.Kind.COMMITMENTS_CSV)

    # The needs board: the group's published need (with a photo), its draft, and an
    # unanswered pledge from the supplier (community support, not under the contract).
    from django.core.files.uploadedfile import SimpleUploadedFile

    from needs import services as needs_services

    def _need(title, publish):
        return needs_services.need_create(
            group=group,
            place=place,
            by=users["vcs_member"],
            title=title,
            why="For the pantry",
            kind="goods",
            areas=[neighbourhood],
            needed_by=today + datetime.timedelta(days=30),
            publish=publish,
            files=[SimpleUploadedFile("photo.pdf", TINY_PDF, "application/pdf")] if publish else [],
        )

    need = _need("A chest freezer", publish=True)
    draft_need = _need("A draft need", publish=False)
    pledge = needs_services.pledge_make(
        need=need,
        organisation=supplier,
        by=users["supplier_contact"],
        offer="A freezer from our depot",
        by_date=today + datetime.timedelta(days=20),
    )

    # A notification of the officer's (the others have their own, or none).
    from notifications.models import Kind, Notification

    notification = Notification.objects.create(
        recipient=officer,
        kind=Kind.RETURN_VERIFIED,
        title="A return was verified",
        path=contract.get_absolute_url(),
    )

    return SimpleNamespace(
        notification=notification,
        need=need,
        need_file=need.files.get(),
        draft_need=draft_need,
        pledge=pledge,
        staged_upload=staged_upload,
        imported_upload=imported_upload,
        alias=alias,
        users=users,
        place=place,
        elsewhere=elsewhere,
        council=council,
        nhs=nhs,
        other_council=other_council,
        ward=ward,
        neighbourhood=neighbourhood,
        group=group,
        supplier=supplier,
        colleague=colleague,
        framework=framework,
        theme=theme,
        outcome=outcome,
        measure=measure,
        objective=objective,
        draft_objective=draft_objective,
        draft_target=draft_target,
        planning=planning,
        assessing=assessing,
        draft_assessment=draft_assessment,
        signing=signing,
        submitted_assessment=submitted_assessment,
        exempting=exempting,
        contract=contract,
        approved_assessment=approved_assessment,
        commitment=commitment,
        delivery_return=delivery_return,
        evidence=evidence,
        draft_proposal=draft_proposal,
        proposal_file=proposal_file,
        proposal=proposal,
        question=question,
        reviewing=reviewing,
        hidden_proposal=hidden,
        consultation=consultation,
        draft_consultation=draft_consultation,
        draft_question=draft_consultation.questions.first(),
        closed_consultation=closed_consultation,
        entry=entry,
        invitation_token=token,
        officer_membership=Membership.objects.get(user=officer, organisation=council),
        arrangement=arrangement,
        pending_member=pending_member,
    )
