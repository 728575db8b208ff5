"""Importing published notices, end to end: an officer uploads a download that mixes buyers,
reads the preview, says which of their bodies an unrecognised buyer is, imports, and finds the
contracts; the names their body publishes under now include the one learnt. axe on every page.
Screenshots go to the test's temporary folder (pass --basetemp to keep them)."""

import json

from playwright.sync_api import expect

COUNCIL = "Wrenford Borough Council (demo)"
NHS = "Wrenford Health and Care Partnership (demo)"


def _release(n: int, buyer: str, title: str, value=None, **extra) -> dict:
    ocid = f"ocds-b5fd17-0fake{n:02d}"
    tender = {"id": f"WBC-N{n}", "title": title, "status": "active"}
    if value is not None:
        tender["value"] = {"amount": value, "currency": "GBP"}
    return {
        "ocid": ocid,
        "id": f"{ocid}-1",
        "date": f"2025-06-{n:02d}T10:00:00Z",
        "tag": ["tender"],
        "buyer": {"id": f"GB-SRS-demo/{n}", "name": buyer},
        "parties": [{"id": f"GB-SRS-demo/{n}", "name": buyer, "roles": ["buyer"]}],
        "tender": tender,
        **extra,
    }


def download(tmp_path):
    releases = [
        _release(1, COUNCIL, "Befriending older residents", 120000),
        _release(2, "Wrenford BC – Adult Social Care", "Day opportunities", 90000),
        _release(3, NHS, "Community nursing", 700000),
        _release(4, "Somewhere Else Council", "Street lighting", 500000),
        _release(5, COUNCIL, "Youth outreach"),
        _release(6, COUNCIL, "Twinning visit", None),
    ]
    releases[5]["tender"]["value"] = {"amount": 8000, "currency": "EUR"}
    path = tmp_path / "contracts-finder-download.json"
    path.write_text(json.dumps({"version": "1.1", "releases": releases}))
    return path


def _worker_runs(page, run_tasks):
    """The worker runs what the page queued; the person checks progress."""
    run_tasks()
    page.get_by_role("link", name="Check progress").click()


def test_an_officer_imports_their_notices_from_a_mixed_download(
    page, live_server, demo, sign_in, axe_check, tmp_path, run_tasks
):
    sign_in(page, "officer@demo.test")
    page.goto(f"{live_server.url}/contracts/")
    page.get_by_role("link", name="Import published notices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import contracts from published notices"
    )
    axe_check(page)
    page.screenshot(path=tmp_path / "1-upload.png", full_page=True)

    page.get_by_label("OCDS release package").set_input_files(download(tmp_path))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your file is being checked")
    expect(page.get_by_text("Waiting to start")).to_be_visible()
    axe_check(page)
    page.screenshot(path=tmp_path / "2-checking.png", full_page=True)
    _worker_runs(page, run_tasks)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import before saving it")
    expect(page.get_by_role("button", name="Import 2 releases")).to_be_visible()
    expect(page.get_by_text('the currency is "EUR"')).to_be_visible()
    axe_check(page)
    page.screenshot(path=tmp_path / "2-preview.png", full_page=True)

    buyer = page.get_by_role("group", name="Wrenford BC – Adult Social Care (GB-SRS-demo/2)")
    buyer.get_by_label(COUNCIL).check()
    page.get_by_role("button", name="Update the preview").click()
    _worker_runs(page, run_tasks)
    expect(page.get_by_role("button", name="Import 3 releases")).to_be_visible()
    axe_check(page)
    page.screenshot(path=tmp_path / "3-matched.png", full_page=True)

    page.get_by_role("button", name="Import 3 releases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your file is being imported")
    axe_check(page)
    page.screenshot(path=tmp_path / "4-importing.png", full_page=True)
    _worker_runs(page, run_tasks)
    expect(page.get_by_role("heading", level=1)).to_have_text("Import saved")
    expect(page.get_by_text("Wrenford BC – Adult Social Care is now recognised as")).to_be_visible()
    axe_check(page)
    page.screenshot(path=tmp_path / "4-imported.png", full_page=True)

    page.get_by_role("link", name="View WBC-N5").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Youth outreach")
    expect(page.get_by_text("Value not published")).to_be_visible()
    axe_check(page)

    page.goto(f"{live_server.url}/organisations/wrenford-council/publishing-names/")
    expect(page.get_by_text("Learnt from a confirmed import").first).to_be_visible()
    axe_check(page)
    page.screenshot(path=tmp_path / "5-names.png", full_page=True)


def test_a_failed_import_says_nothing_was_changed(
    page, live_server, demo, sign_in, axe_check, tmp_path, run_tasks, monkeypatch
):
    from contracts.ocds import importer

    sign_in(page, "officer@demo.test")
    page.goto(f"{live_server.url}/contracts/import/")
    page.get_by_label("OCDS release package").set_input_files(download(tmp_path))
    page.get_by_role("button", name="Upload and preview").click()
    _worker_runs(page, run_tasks)
    page.get_by_role("button", name="Import 2 releases").click()

    def broken(releases, ctx):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(importer, "_apply_in_order", broken)
    _worker_runs(page, run_tasks)
    expect(page.get_by_role("heading", level=1)).to_have_text("The import failed")
    expect(page.get_by_text("nothing was changed").first).to_be_visible()
    axe_check(page)
    page.screenshot(path=tmp_path / "failed.png", full_page=True)
