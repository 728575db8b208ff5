"""The notifications list and the email choices, in a browser, with axe."""

from playwright.sync_api import expect

from notifications.models import Kind, Notification
from people.models import User

SHOTS = "var/screenshots"


def test_notifications_list_and_preferences(page, live_server, demo, sign_in, axe_check):
    officer = User.objects.get(email="officer@demo.test")
    Notification.objects.create(
        recipient=officer,
        kind=Kind.ASSESSMENT_SUBMITTED,
        title="Assessment for Office cleaning is waiting for your sign-off",
        path="/contracts/",
    )
    Notification.objects.create(
        recipient=officer,
        kind=Kind.RETURN_VERIFIED,
        title="A return for Grounds maintenance was verified",
        body="Counted as delivered.",
        path="/returns/",
    )
    sign_in(page, "officer@demo.test")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.locator(".app-unread-count")).to_contain_text("2")
    page.screenshot(path=f"{SHOTS}/notifications-list.png", full_page=True)
    axe_check(page)

    page.get_by_role("button", name="Assessment for Office cleaning").click()
    expect(page).to_have_url(f"{live_server.url}/contracts/")
    expect(page.locator(".app-unread-count")).to_contain_text("1")

    page.goto(f"{live_server.url}/notifications/preferences/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Email choices for notifications")
    axe_check(page)
    page.get_by_role("group", name="A delivery return is due").get_by_label(
        "Email me a daily summary"
    ).check()
    page.get_by_role("button", name="Save choices").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved")
    page.screenshot(path=f"{SHOTS}/notifications-preferences.png", full_page=True)
    axe_check(page)
    assert officer.notification_preferences.get(kind=Kind.RETURN_DUE).delivery == "digest"
