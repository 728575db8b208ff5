"""Walk every page the foundation serves, as the roles that use them, with axe on each."""

import re

from playwright.sync_api import expect


def test_officer_walks_organisations_and_places(page, live_server, demo, sign_in, axe_check):
    sign_in(page, "officer@demo.test")
    page.get_by_role("link", name="Organisations").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    axe_check(page)

    page.get_by_label("Name contains").fill("pantry")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name="Eastgate Community Pantry (demo)")).to_be_visible()
    expect(
        page.locator("#main-content").get_by_role("link", name="Wrenford Borough Council (demo)")
    ).to_have_count(0)

    page.goto(f"{live_server.url}/organisations/wrenford-council/")
    expect(page.get_by_role("heading", name="People")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Invite someone").click()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the full name of the person you are inviting"
    )
    axe_check(page)
    page.get_by_label("Their full name").fill("Priya Patel")
    page.get_by_label("Their email address").fill("priya@example.org")
    page.get_by_label("Officer (procurement or commissioning)").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Invitation sent to priya@example.org"
    )
    expect(page.get_by_text("Priya Patel (priya@example.org)")).to_be_visible()
    axe_check(page)

    page.goto(f"{live_server.url}/places/")
    axe_check(page)
    page.get_by_role("link", name="Wrenford (fictional borough)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wrenford (fictional borough)")
    axe_check(page)

    page.get_by_role("link", name="Castle Hill", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Castle Hill")
    expect(page.get_by_role("link", name="Keep Lane").first).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name=re.compile("^Change")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Castle Hill")
    axe_check(page)

    page.goto(f"{live_server.url}/places/wrenford/areas/new/")
    page.get_by_role("button", name="Save area").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the kind of area")
    axe_check(page)


def test_public_and_error_pages(page, live_server, demo, sign_in, axe_check):
    for path, heading in [
        ("/accessibility/", "Accessibility statement for Social value"),
        ("/privacy/", "Privacy notice"),
        ("/password-reset/", "Reset your password"),
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        axe_check(page)

    sign_in(page, "vcs@demo.test")
    response = page.goto(f"{live_server.url}/organisations/no-such-organisation/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    axe_check(page)

    response = page.goto(f"{live_server.url}/organisations/wrenford-council/invite/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You do not have permission to do that"
    )
    axe_check(page)
