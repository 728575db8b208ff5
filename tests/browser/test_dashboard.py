"""A council leader reads the dashboard, filters it, downloads a table, and checks the public
page; axe runs on every page visited."""

import re

import pytest
from playwright.sync_api import expect


@pytest.fixture
def demo_contracts(demo):
    from contracts import demo as contracts_demo

    contracts_demo.load(demo)
    return demo


def test_leader_reads_the_dashboard(page, live_server, sign_in, axe_check, demo_contracts):
    sign_in(page, "leader@demo.test")
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Social value dashboard")
    expect(page.get_by_role("heading", name="Spend in scope")).to_be_visible()
    expect(
        page.get_by_role("table", name=re.compile("Committed and delivered quantities"))
    ).to_be_visible()
    axe_check(page)

    # A definition is one click away.
    page.locator("summary", has_text="Definition").first.click()
    expect(
        page.get_by_text(re.compile('Contracts at the "awarded" or "in delivery" stage'))
    ).to_be_visible()

    # Filter to one neighbourhood's ward and one dimension.
    page.get_by_text("Filter the dashboard").click()
    page.get_by_label("Well-being dimension").select_option("social")
    page.get_by_role("button", name="Apply filters").click()
    expect(
        page.locator(".app-report-scope").get_by_text(re.compile("Dimension: social"))
    ).to_be_visible()
    axe_check(page)

    # Each table downloads as CSV.
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download this table as CSV")).first.click()
    assert download.value.suggested_filename.endswith(".csv")

    # Print: the report keeps its figures and drops the filters.
    page.emulate_media(media="print")
    expect(page.locator(".app-filter")).to_be_hidden()
    page.emulate_media(media="screen")

    page.get_by_role("link", name=re.compile("public transparency page")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Social value in")
    axe_check(page)


def test_public_sees_transparency_without_signing_in(page, live_server, axe_check, demo_contracts):
    page.goto(f"{live_server.url}/transparency/")
    expect(
        page.get_by_role("heading", name="Contracts with social value commitments")
    ).to_be_visible()
    expect(page.get_by_text("not yet verified")).to_have_count(0)
    axe_check(page)
    page.goto(f"{live_server.url}/dashboard/")
    expect(page).to_have_url(re.compile("/sign-in/"))
