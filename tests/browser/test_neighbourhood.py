"""Issue 16: the leader's first screen, the neighbourhood page and reflow at 320 px, in a
real browser with axe. Screenshots are saved when SOCIALVALUE_SCREENSHOTS names a folder."""

import pytest
from playwright.sync_api import expect

from contracts.models import Contract
from places.models import Area
from tests.browser.test_maps import shoot

FIRST_SCREEN = (1280, 900)


@pytest.fixture
def full_demo(demo):
    """The demo with its contracts, returns and verified delivery (as `make run` loads it)."""
    from contracts import demo as contracts_demo

    contracts_demo.load(demo)
    return demo


def test_first_screen_fits_1280_by_900(page, live_server, full_demo, sign_in, axe_check):
    page.set_viewport_size({"width": FIRST_SCREEN[0], "height": FIRST_SCREEN[1]})
    sign_in(page, "leader@demo.test")
    page.goto(f"{live_server.url}/dashboard/")
    section = page.locator(".app-first-screen")
    expect(section.locator(".app-glance__item")).to_have_count(5)
    expect(section.locator("#first-screen-map svg a.app-map__area").first).to_be_visible()
    for heading in ("Largest gaps against need", "Objectives behind", "Contracts not compliant"):
        expect(section.get_by_role("heading", name=heading)).to_be_visible()
    bottom = page.evaluate(
        "() => Math.max(...['.app-glance', '#first-screen-map svg',"
        " '.app-first-screen__decisions'].map("
        " s => document.querySelector(s).getBoundingClientRect().bottom))"
    )
    shoot(page, "dashboard-first-screen-1280", full_page=False)
    assert bottom <= FIRST_SCREEN[1], f"the first screen ends at {bottom}px"
    axe_check(page)
    # Every figure and decision links to its detail on the page or elsewhere.
    expect(section.locator(".app-glance__item a")).to_have_count(5)
    page.set_viewport_size({"width": 320, "height": 900})
    page.reload()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    shoot(page, "dashboard-320")


def test_neighbourhood_page_for_anyone(page, live_server, full_demo, axe_check):
    ward = Area.objects.get(name="Eastgate")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}{ward.get_absolute_url()}")  # not signed in
    expect(page.get_by_role("heading", level=1)).to_have_text("Eastgate")
    for heading in (
        "Need",
        "Social value delivered here",
        "Objectives for Eastgate",
        "Proposals from Eastgate",
        "Consultations about Eastgate",
        "Contracts with commitments here",
    ):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.locator("#area-delivery-map svg a.app-map__area")).to_have_count(3)
    axe_check(page)
    shoot(page, "neighbourhood-1280")
    page.set_viewport_size({"width": 320, "height": 900})
    page.reload()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    shoot(page, "neighbourhood-320")


def main_pages():
    """The pages every role uses most, as the demo's officer reaches them."""
    contract = Contract.objects.filter(stage__in=["awarded", "in_delivery"]).first()
    area = Area.objects.get(name="Eastgate Centre")
    return [
        "/",
        "/dashboard/",
        "/transparency/wrenford/",
        "/contracts/",
        f"/contracts/{contract.pk}/",
        "/returns/",
        "/objectives/",
        "/proposals/",
        "/proposals/new/",
        "/consultations/",
        "/places/wrenford/",
        area.get_absolute_url(),
        "/organisations/",
        "/account/",
        Area.objects.get(name="Eastgate").get_absolute_url(),
    ]


def test_main_pages_reflow_at_320_pixels(page, live_server, full_demo, sign_in):
    """WCAG 1.4.10: no page scrolls sideways at 320 px; wide tables scroll in their own region."""
    sign_in(page, "officer@demo.test")
    page.set_viewport_size({"width": 320, "height": 900})
    wide = {}
    for path in main_pages():
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 320:
            wide[path] = width
            shoot(page, "wide" + path.replace("/", "-"))
    assert not wide, f"pages wider than 320 px: {wide}"


def test_no_table_is_cut_off_on_a_desktop_screen(page, live_server, full_demo, sign_in):
    """At 1280 px every table of the main pages fits its region: a region that scrolls
    sideways there hides columns behind a scrollbar many browsers do not show until used (the
    neighbourhood page's delivery table lost its last columns in two-thirds of the width)."""
    sign_in(page, "officer@demo.test")
    page.set_viewport_size({"width": 1280, "height": 900})
    cut = {}
    for path in main_pages():
        page.goto(f"{live_server.url}{path}")
        regions = page.evaluate(
            "() => [...document.querySelectorAll('.app-table-region, .app-table-wrapper')]"
            ".filter(r => r.scrollWidth > r.clientWidth + 1)"
            ".map(r => r.getAttribute('aria-labelledby') || r.id || r.className)"
        )
        if regions:
            cut[path] = regions
            shoot(page, "cut" + path.replace("/", "-"))
    assert not cut, f"tables cut off at 1280 px: {cut}"
