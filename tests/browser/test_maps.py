"""The deprivation maps on the area and place pages: axe, keyboard focus, and layout at 1280
and 320 px (screenshots saved when SOCIALVALUE_SCREENSHOTS names a folder)."""

import os
from pathlib import Path

from playwright.sync_api import expect

from places.models import Area


def shoot(page, name, full_page=True):
    folder = os.environ.get("SOCIALVALUE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=full_page)


def test_area_map_is_accessible_and_keyboard_usable(page, live_server, demo, sign_in, axe_check):
    ward = Area.objects.get(name="Abbey Mills")
    sign_in(page, "officer@demo.test")
    page.goto(f"{live_server.url}{ward.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Abbey Mills")
    figure = page.locator("#area-need-map")
    expect(figure.locator("svg a.app-map__area")).to_have_count(6)
    axe_check(page)

    # Tab from the map's heading into the map: each area takes focus in turn, named with its
    # figures, and shows the focus style.
    page.locator("#area-need-map-heading").click()
    page.keyboard.press("Tab")
    first = page.evaluate(
        "() => [document.activeElement.getAttribute('aria-label'),"
        " getComputedStyle(document.activeElement.querySelector('path')).fill]"
    )
    assert first[0].startswith("Wrenford 001A1: deprivation decile ")
    assert "population" in first[0]
    assert first[1] == "rgb(255, 221, 0)"  # GOV.UK focus yellow
    page.keyboard.press("Tab")
    second = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert second.startswith("Wrenford 001A2: ")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wrenford 001A2")
    axe_check(page)


def test_maps_fit_at_1280_and_320_pixels(page, live_server, demo, sign_in, axe_check):
    sign_in(page, "officer@demo.test")
    pages = {
        "place": "/places/wrenford/",
        "ward": Area.objects.get(name="Abbey Mills").get_absolute_url(),
        "neighbourhood": Area.objects.get(name="Abbey Green").get_absolute_url(),
        "grouping": Area.objects.get(
            name="North Wrenford Community Partnership"
        ).get_absolute_url(),
    }
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(f"{live_server.url}{path}")
            expect(page.locator("figure.app-map svg").first).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
            shoot(page, f"map-{name}-{width}")
            axe_check(page)
