"""A supplier reports delivery with a PDF as evidence; an officer verifies it; the objective's
page shows the verified quantity moved. axe checks every page on the way.

The awarded contract is made here with factories, so the journey does not depend on the
pipeline pages that lead up to an award."""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from people.models import Membership, Organisation
from tests.contracts.factories import TINY_PDF, AwardedContractFactory, CommitmentFactory
from tests.objectives.factories import TargetFactory
from tests.people.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.places.factories import AreaFactory, PlaceFactory

PASSWORD = "correct horse battery staple"


def shoot(page, name):
    """Save a screenshot when SOCIALVALUE_SCREENSHOTS names a folder (for reviewing layout)."""
    folder = os.environ.get("SOCIALVALUE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


@pytest.fixture
def awarded(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the uploaded evidence is thrown away after
    place = PlaceFactory(name="Wrenford", slug="wrenford")
    council = OrganisationFactory(
        name="Wrenford Council", kind=Organisation.Kind.LOCAL_AUTHORITY, place=place
    )
    supplier = OrganisationFactory(
        name="Acme Cleaning Ltd", kind=Organisation.Kind.SUPPLIER, size="sme"
    )
    officer = UserFactory(email="olive@council.test", full_name="Olive Officer")
    contact = UserFactory(email="sam@acme.test", full_name="Sam Supplier")
    MembershipFactory(user=officer, organisation=council, role=Membership.Role.OFFICER)
    MembershipFactory(user=contact, organisation=supplier, role=Membership.Role.SUPPLIER_CONTACT)
    contract = AwardedContractFactory(
        place=place, buyer=council, owner=officer, supplier=supplier, reference="WR-CLEAN-01"
    )
    commitment = CommitmentFactory(
        contract=contract,
        area=AreaFactory(place=place, kind="ward", name="Castle Hill"),
        quantity=Decimal("12"),
        measure__code="WR2",
        measure__name="Apprenticeships for local residents",
    )
    target = TargetFactory(
        objective=commitment.objective,
        measure=commitment.measure,
        target_quantity=Decimal("12"),
        baseline_date=contract.contract_start,
        target_date=contract.contract_end,
    )
    return {"commitment": commitment, "objective": commitment.objective, "target": target}


def test_supplier_reports_officer_verifies_objective_moves(
    page, browser, live_server, sign_in, axe_check, awarded
):
    sign_in(page, "sam@acme.test", PASSWORD)
    page.goto(f"{live_server.url}/returns/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Returns")
    axe_check(page)
    shoot(page, "return_list_supplier")

    page.get_by_role("link", name="Report for").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Make a return")
    page.get_by_label("Quantity delivered").fill("-3")
    page.get_by_role("button", name="Submit return").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The quantity delivered cannot be negative")
    expect(summary).to_contain_text("Describe the evidence for what was delivered")
    expect(summary).to_contain_text("Confirm the delivery relates only to this contract")
    axe_check(page)
    shoot(page, "return_form_errors")

    page.get_by_label("Quantity delivered").fill("3")
    page.get_by_label("Evidence", exact=True).fill("Three residents started apprenticeships.")
    page.get_by_label("Evidence file 1 (optional)").set_input_files(
        files=[{"name": "starts.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}]
    )
    page.get_by_label("I confirm this delivery relates only").check()
    page.get_by_role("button", name="Submit return").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Return submitted")
    expect(page.locator(".govuk-tag").first).to_have_text("Waiting for verification")
    expect(page.get_by_role("link", name="starts.pdf")).to_be_visible()
    axe_check(page)
    shoot(page, "return_detail_supplier")

    officer = browser.new_context().new_page()
    officer.set_default_timeout(8000)
    sign_in(officer, "olive@council.test", PASSWORD)
    officer.goto(f"{live_server.url}/returns/")
    expect(officer.get_by_role("heading", name="Waiting for you to verify")).to_be_visible()
    axe_check(officer)
    officer.get_by_role("link", name="WR2 Apprenticeships for local residents").first.click()
    expect(officer.get_by_role("heading", name="Check this return")).to_be_visible()
    axe_check(officer)
    shoot(officer, "return_detail_officer")
    officer.get_by_role("button", name="Verify this return").click()
    expect(officer.locator(".govuk-notification-banner--success")).to_contain_text(
        "Return verified"
    )
    expect(officer.locator(".govuk-tag").first).to_have_text("Verified")
    axe_check(officer)

    officer.get_by_role("link", name="WR2 in Castle Hill").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text("12 apprenticeship starts")
    expect(officer.get_by_role("row", name="Verified delivered")).to_contain_text("3")
    axe_check(officer)
    shoot(officer, "commitment_detail_officer")

    officer.goto(f"{live_server.url}/objectives/{awarded['objective'].pk}/")
    targets = officer.get_by_role("table")
    expect(targets).to_contain_text("Verified delivered")
    expect(targets.get_by_role("row").nth(1)).to_contain_text("3 (25%)")
    axe_check(officer)


def test_officer_allows_returns_before_a_period_ends(
    page, live_server, sign_in, axe_check, awarded
):
    """The reporting periods page, its error, and the period once opened early: axe on each."""
    contract = awarded["commitment"].contract
    sign_in(page, "olive@council.test", PASSWORD)
    page.goto(f"{live_server.url}{contract.get_absolute_url()}")
    page.get_by_role("link", name="Reporting periods and early returns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reporting periods")
    axe_check(page)

    page.get_by_role("button", name="Allow returns before this period ends").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Explain why returns may be made before the period ends")
    assert page.title().startswith("Error: ")
    axe_check(page)
    shoot(page, "contract_periods_error")

    page.get_by_role("radio").first.check()
    page.get_by_label("Why may returns be made before the period ends?").fill(
        "The contract ends early, on 1 March"
    )
    page.get_by_role("button", name="Allow returns before this period ends").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "before it ends. The supplier sees why"
    )
    expect(page.locator("table")).to_contain_text(
        "Early returns allowed by Olive Officer of Wrenford Council on"
    )
    expect(page.locator("table")).to_contain_text("The contract ends early, on 1 March")
    axe_check(page)
    shoot(page, "contract_periods_allowed")
