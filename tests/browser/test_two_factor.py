"""Two-factor sign-in in a browser: an officer whose place requires it is sent to set it up
when they try to administer their organisation, scans (here: types) the key, keeps the
recovery codes, goes back, then signs in again with a code and with a recovery code. axe checks
every page on the way."""

import base64
import re
import time

from django_otp.oath import TOTP
from playwright.sync_api import expect

from places.models import Place


def _code(key_text: str, steps_ahead: int = 0) -> str:
    key = key_text.replace(" ", "")
    totp = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _password(page, live_server, email="officer@demo.test"):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()


def test_an_officer_sets_up_two_factor_sign_in_and_uses_it(
    page, live_server, demo, sign_in, axe_check
):
    Place.objects.filter(pk=demo.pk).update(two_factor_required=True)
    sign_in(page, "officer@demo.test")

    # Administering the organisation needs two-factor sign-in here: set it up first.
    page.goto(f"{live_server.url}/organisations/")
    page.locator("#main-content").get_by_role(
        "link", name="Wrenford Borough Council (demo)"
    ).click()
    page.get_by_role("link", name=re.compile("Change .* details")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        "Your organisation requires two-factor sign-in"
    )
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    axe_check(page)

    page.get_by_text("I cannot scan the QR code").click()
    key = page.locator(".govuk-details__text dd span").inner_text()
    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe_check(page)

    page.get_by_label("Code from the app").fill(_code(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in is on")
    recovery = page.locator("ol li").all_inner_texts()
    assert len(recovery) == 10
    axe_check(page)

    # Back to what they were doing.
    page.get_by_role("button", name="I have kept my codes safe: continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change")
    axe_check(page)

    page.goto(f"{live_server.url}/account/")
    expect(page.locator("#main-content")).to_contain_text("10 of 10")
    axe_check(page)

    # Signing in again: the password, then a code.
    page.get_by_role("button", name="Sign out").click()
    _password(page, live_server)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    axe_check(page)
    page.get_by_label("Code from your authenticator app").fill("123456")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    axe_check(page)
    page.wait_for_timeout(1100)  # django-otp's own delay after a wrong code
    page.get_by_label("Code from your authenticator app").fill(_code(key, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Olivia")

    # And with a recovery code, which then stops working.
    page.get_by_role("button", name="Sign out").click()
    _password(page, live_server)
    page.get_by_label("Code from your authenticator app").fill(recovery[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You used a recovery code. It will not work again. You have 9 left"
    )
    axe_check(page)
