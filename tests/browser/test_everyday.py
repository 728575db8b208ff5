"""The everyday flow in a browser (issue 17), axe on every page: the public landing page; the
home page's task list leading to a queue; verifying several returns with one confirmation;
signing off from the contract page; a file kept across a form error."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from contracts import services
from people.models import Membership, Organisation
from tests.browser.test_delivery import PASSWORD, shoot
from tests.contracts.factories import TINY_PDF, AwardedContractFactory, CommitmentFactory
from tests.contracts.pipeline_helpers import complete_assessment, make_contract
from tests.people.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.places.factories import AreaFactory, PlaceFactory

Role = Membership.Role


def _member(organisation, role, email, name):
    user = UserFactory(email=email, full_name=name)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def everyday(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    place = PlaceFactory(name="Wrenford", slug="wrenford")
    council = OrganisationFactory(
        name="Wrenford Council", kind=Organisation.Kind.LOCAL_AUTHORITY, place=place
    )
    supplier = OrganisationFactory(
        name="Acme Cleaning Ltd", kind=Organisation.Kind.SUPPLIER, size="sme"
    )
    officer = _member(council, Role.OFFICER, "olive@council.test", "Olive Officer")
    _member(council, Role.LEADER, "lena@council.test", "Lena Leader")
    contact = _member(supplier, Role.SUPPLIER_CONTACT, "sam@acme.test", "Sam Supplier")
    contract = AwardedContractFactory(
        place=place, buyer=council, owner=officer, supplier=supplier, reference="WR-CLEAN-01"
    )
    ward = AreaFactory(place=place, kind="ward", name="Castle Hill")
    period = contract.periods.order_by("start").first()
    for code in ("WR2", "WR3", "WR4"):
        commitment = CommitmentFactory(
            contract=contract, area=ward, quantity=Decimal("12"), measure__code=code
        )
        services.return_submit(
            commitment=commitment,
            by=contact,
            period=period,
            quantity=Decimal("3"),
            evidence_text="Seen",
            attested=True,
        )
    planned = make_contract(buyer=council, by=officer, reference="WR-PARKS-02")
    services.assessment_submit(assessment=complete_assessment(planned, author=officer), by=officer)
    fresh = CommitmentFactory(contract=contract, area=ward, measure__code="WR5")
    return {"contract": contract, "planned": planned, "commitment": fresh}


def test_the_public_landing_page(page, live_server, axe_check):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Social value")
    expect(page.get_by_role("link", name="Consultations open now")).to_be_visible()
    axe_check(page)
    shoot(page, "landing")


def test_an_officer_verifies_several_returns_from_the_home_page(
    page, live_server, sign_in, axe_check, everyday
):
    sign_in(page, "lena@council.test", PASSWORD)
    expect(page.get_by_role("link", name="1 social value assessment is waiting")).to_be_visible()
    page.goto(live_server.url + everyday["planned"].get_absolute_url())
    expect(page.get_by_role("heading", name="Waiting for your sign-off")).to_be_visible()
    axe_check(page)
    shoot(page, "contract_sign_off")
    page.get_by_label("Approve: section 1 has been properly considered").check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Assessment approved"
    )

    page.context.clear_cookies()
    sign_in(page, "olive@council.test", PASSWORD)
    axe_check(page)
    shoot(page, "home_officer")
    page.get_by_role("link", name="3 delivery returns are waiting to be verified").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Returns waiting for you to verify")
    axe_check(page)
    shoot(page, "return_queue")
    checkboxes = page.locator('input[name="returns"]')
    expect(checkboxes).to_have_count(3)
    checkboxes.nth(0).check()
    checkboxes.nth(1).check()
    page.get_by_role("button", name="Verify the selected returns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify 2 returns")
    axe_check(page)
    shoot(page, "return_bulk_verify")
    page.get_by_role("button", name="Verify 2 returns").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "2 returns verified"
    )
    expect(page.locator('input[name="returns"]')).to_have_count(1)
    axe_check(page)


def test_a_file_is_kept_across_a_form_error(page, live_server, sign_in, axe_check, everyday):
    sign_in(page, "sam@acme.test", PASSWORD)
    page.goto(f"{live_server.url}/commitments/{everyday['commitment'].pk}/returns/new/")
    page.locator('input[name="period"]').first.check()
    page.get_by_label("Quantity delivered").fill("2")
    page.get_by_label("Evidence file 1 (optional)").set_input_files(
        files=[{"name": "starts.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}]
    )
    page.get_by_role("button", name="Submit return").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Describe the evidence")
    expect(page.get_by_text("Kept from your last attempt: starts.pdf")).to_be_visible()
    axe_check(page)
    shoot(page, "return_form_kept_file")
    page.get_by_label("Evidence", exact=True).fill("Two more starts.")
    page.get_by_label("I confirm this delivery relates only").check()
    page.get_by_role("button", name="Submit return").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Return submitted")
    expect(page.get_by_role("link", name="starts.pdf")).to_be_visible()


def test_searching_from_the_header(page, live_server, axe_check, everyday):
    from objectives.models import Objective
    from tests.objectives.factories import ObjectiveFactory

    contract = everyday["contract"]
    ObjectiveFactory(
        place=contract.place,
        lead_organisation=contract.buyer,
        title="Apprenticeships for young people",
        status=Objective.Status.ACTIVE,
    )
    page.goto(live_server.url + "/")
    page.get_by_label("Search the site").fill("apprenticeships")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(page.get_by_role("link", name="Apprenticeships for young people")).to_be_visible()
    axe_check(page)
    shoot(page, "search")
