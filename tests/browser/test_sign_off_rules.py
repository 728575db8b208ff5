"""Who signs off, exemptions, and the other hardening of issue 13, end to end in a browser: the
"Who signs off" page and its forms; an exemption proposed by the council's officer and
confirmed by its leader; a returned quantity far above its commitment, confirmed by the
supplier; the dashboard naming the body to ask where a viewer may not open a contract. axe on
every page; screenshots to $SOCIALVALUE_SCREENSHOTS when it is set."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_contracts import sign_out


@pytest.fixture
def demo_contracts(demo):
    from contracts import demo as contracts_demo

    contracts_demo.load(demo)
    return demo


def shot(page, name, locator=None):
    folder = os.environ.get("SOCIALVALUE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        if locator is not None:
            locator.screenshot(path=f"{folder}/{name}.png")
        else:
            page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_who_signs_off_and_an_exemption_confirmed_by_a_second_person(
    page, live_server, demo_contracts, sign_in, axe_check
):
    sign_in(page, "officer@demo.test")
    page.get_by_role("link", name="Contracts", exact=True).click()
    page.get_by_role("link", name="Who signs off social value decisions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Who signs off social value decisions"
    )
    expect(
        page.get_by_role("heading", name="Wrenford Partnership joint commissioning (demo)")
    ).to_be_visible()
    axe_check(page)
    shot(page, "sign-off-overview")

    page.get_by_role("link", name="Record a joint arrangement in Wrenford").click()
    page.get_by_label("Name").fill("Blue light collaboration")
    page.get_by_label("Where it is recorded").fill("Collaboration agreement, 1 April 2026")
    page.get_by_label("Wrenford Borough Council (demo)").check()
    page.get_by_label("Wrenford and District Police (demo)").check()
    axe_check(page)
    shot(page, "arrangement-form")
    page.get_by_role("button", name="Record the arrangement").click()
    expect(page.get_by_text("Waiting for its admin to confirm")).to_be_visible()
    axe_check(page)

    page.get_by_role(
        "link", name=re.compile("^Change.*Wrenford Borough Council.*threshold")
    ).click()
    expect(page.get_by_text("(in force)")).to_be_visible()
    axe_check(page)
    shot(page, "threshold-form")

    # Propose: the library book supply is estimated below the council's £100,000 threshold.
    page.goto(f"{live_server.url}/contracts/?q=WBC-2026-001")
    page.get_by_role("link", name="Library book supply").click()
    page.get_by_role("link", name="The Act does not apply to this contract").click()
    page.get_by_role("button", name="Propose the exemption").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose why the Act does not apply"
    )
    axe_check(page)
    page.get_by_label(re.compile("Below the threshold the buying body")).check()
    page.get_by_label("Reason").fill("£90,000 of books a year, below our policy's threshold.")
    axe_check(page)
    shot(page, "exemption-propose")
    page.get_by_role("button", name="Propose the exemption").click()
    expect(page.get_by_text("Exemption proposed, waiting for confirmation")).to_be_visible()
    expect(page.get_by_role("link", name="Confirm or decline the exemption")).to_have_count(0)
    axe_check(page)
    contract_url = page.url
    sign_out(page)

    sign_in(page, "leader@demo.test")
    page.get_by_role(
        "link", name="1 exemption from the Act is waiting for your confirmation"
    ).click()
    expect(page.get_by_role("link", name="Library book supply")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Library book supply").click()
    page.get_by_role("link", name="Confirm or decline the exemption").click()
    axe_check(page)
    shot(page, "exemption-decide")
    page.get_by_label(re.compile("Confirm: the Act does not apply")).check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("heading", name="Not in scope of the Social Value Act")).to_be_visible()
    assert page.url == contract_url
    axe_check(page)
    shot(page, "exemption-confirmed")


def test_a_quantity_far_above_the_commitment_is_confirmed(
    page, live_server, demo_contracts, sign_in, axe_check
):
    """The supplier answers a query with a corrected quantity far above the commitment."""
    sign_in(page, "supplier@demo.test")
    page.get_by_role("link", name="Returns", exact=True).click()
    page.locator("a[href$='#answer']").first.click()
    page.get_by_label("Your answer").fill("We recounted the sign-in sheets.")
    page.get_by_label("Corrected quantity delivered (optional)").fill("9,999")
    page.get_by_role("button", name="Send your answer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("You entered 9,999")
    axe_check(page)
    shot(page, "return-confirm-quantity")
    page.get_by_label("I have checked the quantity: it is right").check()
    page.get_by_role("button", name="Send your answer").click()
    expect(page.get_by_text("More than remained of the commitment")).to_be_visible()
    axe_check(page)
    shot(page, "return-above-commitment")


def test_the_dashboard_names_the_body_to_ask_where_a_contract_is_not_theirs(
    page, live_server, demo_contracts, sign_in, axe_check
):
    # Bodies in a joint arrangement see each other's contracts (they sign off each other's
    # decisions), and the demo's three bodies share one: end it, so the council's contracts
    # are no longer the NHS officer's to open.
    from contracts.models import JointArrangement
    from contracts.services.governance import arrangement_end
    from people.models import User

    officer = User.objects.get(email="officer@demo.test")
    for arrangement in JointArrangement.objects.filter(ended_at__isnull=True):
        arrangement_end(arrangement=arrangement, by=officer)
    sign_in(page, "nhs@demo.test")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    at_risk = page.locator("#table-at_risk")
    expect(at_risk).to_contain_text("Ask Wrenford Borough Council (demo) about it")
    axe_check(page)
    shot(page, "dashboard-rows", at_risk)
    sign_out(page)

    sign_in(page, "officer@demo.test")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    link = page.locator("#table-at_risk a.govuk-link[href^='/contracts/']").first
    link.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(page)
