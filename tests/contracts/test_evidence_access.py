"""Who may download a return's evidence files, and who may not.

Evidence files can hold personal data about the people a supplier helped, so they go only to
the officers of a buying organisation (who verify returns) and to the supplier contacts of the
organisation reporting the return (the delivering organisation, or the main supplier, which
reports and answers for its subcontractors). Leaders see the return and how many files it has,
never the files. Everyone else is told the file is not found (404), as for any hidden record.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import Contract, DeliveryReturn
from people.models import Membership, Organisation
from socialvalue.rules import allowed
from tests.contracts.factories import (
    TINY_PDF,
    CommitmentFactory,
    DeliveryReturnFactory,
    EvidenceFileFactory,
    SupplierFactory,
)
from tests.people.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role
FILE_NAME = "jo-bloggs-payslip.pdf"


@pytest.fixture
def cast(world, council, make_member):
    """The world's people, plus a joint buyer, a partner body's leader, both sides' org admins,
    a subcontractor delivering its own commitment, and a second subcontractor."""
    nhs = OrganisationFactory(name="Testborough NHS", kind=Organisation.Kind.NHS, place=world.place)
    police = OrganisationFactory(
        name="Testborough Police", kind=Organisation.Kind.POLICE, place=world.place
    )
    world.contract.joint_buyers.add(nhs)
    sub = SupplierFactory(name="Sub Ltd")
    other_sub = SupplierFactory(name="Other Sub Ltd")
    world.contract.subcontractors.add(sub, other_sub)
    sub_commitment = CommitmentFactory(
        contract=world.contract,
        delivered_by=sub,
        measure=world.measure,
        objective=world.objective,
        area=world.ward,
    )
    people = {
        "officer": world.officer,
        "colleague": world.colleague,
        "joint_buyer_officer": make_member(nhs, Role.OFFICER),
        "leader": world.leader,
        "partner_leader": make_member(police, Role.LEADER),
        "council_admin": make_member(council, Role.ORG_ADMIN),
        "supplier_contact": world.supplier_contact,
        "supplier_admin": make_member(world.supplier, Role.ORG_ADMIN),
        "sub_contact": make_member(sub, Role.SUPPLIER_CONTACT),
        "other_sub_contact": make_member(other_sub, Role.SUPPLIER_CONTACT),
        "rival_contact": world.rival_contact,
        "vcs_member": world.vcs_member,  # of the group the return says it supported
        "outsider": world.outsider,
        "resident": UserFactory(),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    main_return = DeliveryReturnFactory(
        commitment=world.commitment,
        period=world.periods[0],
        submitted_by=world.supplier_contact,
        supported_group=world.group,
    )
    sub_return = DeliveryReturnFactory(
        commitment=sub_commitment, period=world.periods[0], submitted_by=people["sub_contact"]
    )
    return {
        "people": people,
        "main": EvidenceFileFactory(delivery_return=main_return, original_name=FILE_NAME),
        "sub": EvidenceFileFactory(delivery_return=sub_return, original_name=FILE_NAME),
    }


def _download(client, evidence):
    return client.get(reverse("contracts:evidence_download", kwargs={"pk": evidence.pk}))


MAY_DOWNLOAD = {
    # The main supplier's own return: the buying officers and the supplier's people.
    "main": {
        "officer",
        "colleague",
        "joint_buyer_officer",
        "supplier_contact",
        "supplier_admin",
        "superuser",
    },
    # A subcontractor's return: the buying officers, the subcontractor, and the main supplier
    # who reports for it; not the other subcontractor.
    "sub": {
        "officer",
        "colleague",
        "joint_buyer_officer",
        "supplier_contact",
        "supplier_admin",
        "sub_contact",
        "superuser",
    },
}
PEOPLE = [
    "officer",
    "colleague",
    "joint_buyer_officer",
    "leader",
    "partner_leader",
    "council_admin",
    "supplier_contact",
    "supplier_admin",
    "sub_contact",
    "other_sub_contact",
    "rival_contact",
    "vcs_member",
    "outsider",
    "resident",
    "superuser",
]


@pytest.mark.parametrize("which", ["main", "sub"])
@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_download_evidence(client, cast, which, person):
    evidence = cast[which]
    user = cast["people"][person]
    client.force_login(user)

    response = _download(client, evidence)

    if person in MAY_DOWNLOAD[which]:
        assert response.status_code == 200, person
        assert b"".join(response.streaming_content) == TINY_PDF
        assert "attachment" in response["Content-Disposition"]
    else:
        assert response.status_code == 404, person
    # The named rule and the queryset give the same answer.
    delivery_return = evidence.delivery_return
    in_queryset = (
        DeliveryReturn.objects.evidence_downloadable_by(user).filter(pk=delivery_return.pk).exists()
    )
    assert allowed(user, "contracts.download_evidence", delivery_return) is in_queryset
    assert in_queryset is (person in MAY_DOWNLOAD[which])


def test_anonymous_people_are_sent_to_sign_in(client, cast):
    response = _download(client, cast["main"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login"))
    anonymous = response.wsgi_request.user
    assert not DeliveryReturn.objects.evidence_downloadable_by(anonymous).exists()


def test_a_leader_sees_that_evidence_is_held_but_no_link_or_file_name(client, cast):
    evidence = cast["main"]
    EvidenceFileFactory(delivery_return=evidence.delivery_return, original_name=FILE_NAME)
    url = reverse("contracts:return_detail", kwargs={"pk": evidence.delivery_return.pk})
    client.force_login(cast["people"]["leader"])

    page = client.get(url)

    assert page.status_code == 200
    html = page.content.decode()
    assert "2 files held" in html
    assert FILE_NAME not in html
    assert reverse("contracts:evidence_download", kwargs={"pk": evidence.pk}) not in html
    assert page.context["may_see_evidence"] is False


@pytest.mark.parametrize("person", ["officer", "supplier_contact"])
def test_those_who_may_download_see_the_links(client, cast, person):
    evidence = cast["main"]
    client.force_login(cast["people"][person])

    page = client.get(
        reverse("contracts:return_detail", kwargs={"pk": evidence.delivery_return.pk})
    )

    html = page.content.decode()
    assert FILE_NAME in html
    assert reverse("contracts:evidence_download", kwargs={"pk": evidence.pk}) in html
    assert "files held" not in html and "file held" not in html


def test_a_supplier_loses_the_files_with_the_contract_but_the_buyer_keeps_them(client, cast):
    """Suppliers see a contract only from award on; a cancelled one (deny by default) hides
    its evidence from them too."""
    Contract.objects.filter(pk=cast["main"].delivery_return.commitment.contract_id).update(
        stage=Contract.Stage.CANCELLED
    )
    client.force_login(cast["people"]["supplier_contact"])
    assert _download(client, cast["main"]).status_code == 404
    client.force_login(cast["people"]["officer"])
    assert _download(client, cast["main"]).status_code == 200


def test_an_officer_who_leaves_the_buyer_can_no_longer_download(client, cast):
    officer = cast["people"]["colleague"]
    client.force_login(officer)
    assert _download(client, cast["main"]).status_code == 200

    Membership.objects.filter(user=officer).update(ended_at=timezone.now())

    assert _download(client, cast["main"]).status_code == 404
