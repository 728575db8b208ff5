"""An officer creates an objective with two targets across two neighbourhoods; a member of the
public finds it by filtering the register. axe checks every page on the way."""

from playwright.sync_api import expect


def select_containing(select, text):
    """Choose the first option whose label contains `text`."""
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value=value)


def fill_date(page, prefix, day, month, year):
    group = page.get_by_role("group", name=prefix)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_officer_creates_objective_and_public_finds_it(
    page, live_server, demo, sign_in, axe_check, browser
):
    sign_in(page, "officer@demo.test")
    page.get_by_role("link", name="Objectives").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Social value objectives")
    axe_check(page)

    page.get_by_role("link", name="Add an objective").click()
    page.get_by_role("button", name="Save objective").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a title for the objective")
    axe_check(page)

    page.get_by_label("Title", exact=True).fill("Cycle repair skills for Keep Lane and Saltings")
    page.get_by_label("What should change, and for whom").fill(
        "Young people learn to repair bikes and find work in the trade."
    )
    select_containing(page.get_by_label("Outcome"), "Skills for the future")
    page.get_by_label("Economic").check()
    page.get_by_label("Social", exact=True).check()
    page.get_by_label("Keep Lane (neighbourhood in Castle Hill)").check()
    page.get_by_label("Saltings (neighbourhood in Marshfield)").check()
    page.get_by_label("Lead organisation").select_option(label="Wrenford Borough Council (demo)")
    page.get_by_label("Eastgate Community Pantry (demo) (voluntary or community group)").check()
    page.get_by_label("High").check()
    page.get_by_role("button", name="Save objective").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved as a draft")
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    axe_check(page)
    objective_url = page.url

    for measure, quantity in (("WR4", "250"), ("WR2", "6")):
        page.get_by_role("link", name="Add a target").click()
        select_containing(page.get_by_label("Measure"), f"{measure} ")
        fill_date(page, "Baseline date", "1", "4", "2026")
        page.get_by_label("Target quantity").fill(quantity)
        fill_date(page, "Target date", "31", "3", "2028")
        axe_check(page)
        page.get_by_role("button", name="Save target").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Target added")
    targets = page.get_by_role("table")
    expect(targets).to_contain_text("WR4")
    expect(targets).to_contain_text("WR2")

    page.get_by_role("link", name="Change status").click()
    page.get_by_label("Active").check()
    axe_check(page)
    page.get_by_role("button", name="Change status").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is now active")
    expect(page.get_by_role("heading", name="History of changes")).to_be_visible()
    axe_check(page)

    # A member of the public, in a fresh browser context with no session.
    public = browser.new_context().new_page()
    public.goto(f"{live_server.url}/objectives/")
    select_containing(
        public.get_by_label("Area (includes the areas inside it)"), "Castle Hill (ward)"
    )
    public.get_by_label("Well-being dimension").select_option(label="Social")
    public.get_by_role("button", name="Apply filters").click()
    result = public.get_by_role("link", name="Cycle repair skills for Keep Lane and Saltings")
    expect(result).to_be_visible()
    expect(
        public.get_by_role("link", name="Warm spaces for older people in Kingsmead")
    ).to_have_count(0)
    axe_check(public)
    result.click()
    expect(public).to_have_url(objective_url)
    expect(public.get_by_role("heading", level=1)).to_have_text(
        "Cycle repair skills for Keep Lane and Saltings"
    )
    expect(public.get_by_role("heading", name="History of changes")).to_have_count(0)
    axe_check(public)
