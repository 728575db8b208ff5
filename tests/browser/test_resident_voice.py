"""A resident creates their own account from a proposal's page (confirming it from the email), supports it and asks a question,
appearing publicly only as "A resident"; an officer then hides the proposal and the public sees
only the reason. axe checks every page on the way."""

import re

from django.core import mail
from playwright.sync_api import expect

from consultations.models import Proposal

STRONG = "plum kettle orbit lantern"


def test_resident_registers_supports_asks_then_an_officer_hides(
    browser, live_server, demo, sign_in, axe_check, run_tasks
):
    proposal = Proposal.objects.public().filter(status="submitted").order_by("pk").first()
    url = f"{live_server.url}{proposal.get_absolute_url()}"

    resident = browser.new_context().new_page()
    resident.goto(url)
    resident.get_by_role("link", name="create an account").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("Create an account")
    axe_check(resident)

    resident.get_by_role("button", name="Create account").click()
    expect(resident.locator(".govuk-error-summary")).to_contain_text("Enter your full name")
    axe_check(resident)

    resident.get_by_label("Full name").fill("Zebedee Quartermain")
    resident.get_by_label("Email address").fill("zebedee@example.org")
    resident.get_by_label("Create a password").fill(STRONG)
    resident.get_by_label("Confirm password").fill(STRONG)
    resident.get_by_label("I agree to the privacy notice").check()
    resident.get_by_role("button", name="Create account").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("Check your email")
    axe_check(resident)

    # The account is made from the link emailed to the address (sent by the worker; the link is
    # at the service's configured address, here the live server's).
    assert not any("zebedee@example.org" in m.to for m in mail.outbox)
    run_tasks()
    link = re.search(r"https?://[^/\s]+(/register/confirm/\S+/)", mail.outbox[-1].body).group(1)
    resident.goto(live_server.url + link)
    expect(resident.get_by_role("heading", level=1)).to_have_text("Create your account")
    axe_check(resident)
    resident.get_by_role("button", name="Create my account").click()
    expect(resident).to_have_url(url)
    expect(resident.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your account has been created"
    )
    axe_check(resident)

    resident.get_by_role("button", name="Support this proposal").click()
    expect(resident.get_by_text("You support this proposal.")).to_be_visible()
    resident.get_by_label("Your question").fill("Will this run in the school holidays?")
    resident.get_by_role("button", name="Post question").click()
    expect(resident.get_by_text("Will this run in the school holidays?")).to_be_visible()
    axe_check(resident)

    public = browser.new_context().new_page()
    public.goto(url)
    expect(public.get_by_text("Question from A resident")).to_be_visible()
    expect(public.locator("body")).not_to_contain_text("Zebedee")

    officer = browser.new_context().new_page()
    sign_in(officer, "officer@demo.test")
    officer.goto(url)
    officer.get_by_role("link", name="Hide proposal").click()
    axe_check(officer)
    officer.get_by_label("Why is it being hidden?").fill("It names a private individual")
    officer.get_by_role("button", name="Hide proposal").click()
    expect(officer.locator(".govuk-notification-banner--success")).to_contain_text("is hidden")
    axe_check(officer)

    public.goto(url)
    expect(public.get_by_role("heading", level=1)).to_have_text("This proposal has been hidden")
    expect(public.locator(".govuk-inset-text")).to_have_text(
        "This proposal was hidden by an officer: It names a private individual"
    )
    expect(public.locator("body")).not_to_contain_text(proposal.title)
    axe_check(public)
