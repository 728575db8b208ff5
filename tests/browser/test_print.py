"""Issue 16: every map prints, and so does what a closed <details> holds; the dashboard's
delivery against need (with the quantities by decile) passes axe. Screenshots are saved when
SOCIALVALUE_SCREENSHOTS names a folder."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_maps import shoot


@pytest.fixture
def full_demo(demo):
    from contracts import demo as contracts_demo

    contracts_demo.load(demo)
    return demo


def test_the_dashboard_prints_every_map_and_definition(
    page, live_server, full_demo, sign_in, axe_check
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "leader@demo.test")
    page.goto(f"{live_server.url}/dashboard/")
    maps = ("#first-screen-map", "#at-risk-map", "#delivery-map")
    for map_id in maps:
        expect(page.locator(f"{map_id} svg")).to_be_visible()
        # No map is inside a closed <details>, which a browser may print shut.
        assert page.evaluate(f"() => !document.querySelector('{map_id}').closest('details')")
    against_need = page.locator("#decile-quantities-caption")
    expect(against_need).to_contain_text("key measures, each in its own unit")
    axe_check(page)

    # Printing: the browser tells the page first (beforeprint), and the closed definitions
    # open for it; afterwards they close again.
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    closed = page.evaluate("() => document.querySelectorAll('details:not([open])').length")
    assert closed == 0
    # A definition closed on screen is on paper.
    expect(page.get_by_text("capped at 100%").first).to_be_visible()
    for map_id in maps:
        expect(page.locator(f"{map_id} svg")).to_be_visible()
        box = page.locator(f"{map_id} svg").bounding_box()
        assert box["width"] > 100 and box["height"] > 100, (map_id, box)
    expect(page.locator(".app-filter")).to_be_hidden()
    assert page.pdf(format="A4").startswith(b"%PDF-")
    shoot(page, "dashboard-print")
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert page.evaluate("() => document.querySelectorAll('details[open]').length") < 5
