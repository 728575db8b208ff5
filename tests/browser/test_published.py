"""The transparency page's open data: the whole-place files as built by the task, with their
size, build time and checksum, beside the live filtered downloads; axe on the page."""

import pytest
from playwright.sync_api import expect


@pytest.fixture
def built(demo, settings, tmp_path, run_tasks):
    from contracts import demo as contracts_demo
    from publishing import tasks

    settings.SOCIALVALUE_OPEN_DATA_ROOT = tmp_path / "open-data"
    contracts_demo.load(demo)
    tasks.open_data_when_changed.enqueue()
    run_tasks()  # the scheduler's check queues each file's build
    run_tasks()  # the builds
    return demo


def test_the_transparency_page_links_the_built_files(page, live_server, axe_check, built):
    from publishing.models import PublishedFile

    page.goto(f"{live_server.url}/transparency/{built.slug}/#open-data")
    section = page.locator("#open-data ~ ul").first
    for published in PublishedFile.objects.filter(place=built):
        expect(page.get_by_text(published.sha256)).to_be_visible()
    expect(section.get_by_role("link").first).to_have_attribute(
        "href", f"/transparency/{built.slug}/open-data/commitments.csv"
    )
    page.locator("#open-data").scroll_into_view_if_needed()
    page.screenshot(path="var/screenshots/transparency-open-data.png", full_page=False)
    axe_check(page)
    response = page.request.get(f"{live_server.url}/transparency/{built.slug}/open-data/ocds.json")
    assert response.ok and response.json()["releases"]
