import re

import pytest
from playwright.sync_api import expect

DEMO_ROLES = [
    ("officer@demo.test", "Olivia", "Wrenford Borough Council (demo)"),
    ("leader@demo.test", "Cllr", "Wrenford Borough Council (demo)"),
    ("nhs@demo.test", "Nadia", "Wrenford Health and Care Partnership (demo)"),
    ("vcs@demo.test", "Vic", "Eastgate Community Pantry (demo)"),
    ("supplier@demo.test", "Sam", "Brightway Facilities Ltd (demo)"),
    ("admin@demo.test", "Ada", None),
]


@pytest.mark.parametrize(("email", "first_name", "organisation"), DEMO_ROLES)
def test_each_demo_role_signs_in_and_out(
    page, live_server, demo, sign_in, axe_check, email, first_name, organisation
):
    # The site root is the public landing page; its sign-in button leads to the sign-in page.
    page.goto(f"{live_server.url}/")
    page.locator("#main-content").get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Social value")
    axe_check(page)

    sign_in(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {first_name}")
    if organisation:
        expect(page.locator("#main-content").get_by_role("link", name=organisation)).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    page.goto(f"{live_server.url}/organisations/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next="))


def test_wrong_password_shows_error_summary_then_throttles(
    page, live_server, demo, sign_in, axe_check
):
    sign_in(page, "officer@demo.test", "not-the-password")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe_check(page)

    for _ in range(4):
        sign_in(page, "officer@demo.test", "still-wrong")
    # Now locked out, even with the right password.
    sign_in(page, "officer@demo.test", "demo")
    expect(summary).to_contain_text("too many attempts to sign in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Social value")
    axe_check(page)
