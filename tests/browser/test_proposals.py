"""A VCS member proposes an objective with a file; an officer reviews it and adopts it as a new
objective; the VCS member sees the outcome, and the objective shows where it came from. axe
checks every page on the way."""

import re

from playwright.sync_api import expect

PDF = b"%PDF-1.4\n% a small evidence file\n"


def select_containing(select, text):
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value=value)


def test_proposal_from_submission_to_objective(
    browser, live_server, demo, sign_in, axe_check, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    vcs = browser.new_context().new_page()
    sign_in(vcs, "vcs@demo.test")
    vcs.goto(f"{live_server.url}/proposals/")
    expect(vcs.get_by_role("heading", level=1)).to_have_text("Community proposals")
    axe_check(vcs)

    vcs.get_by_role("link", name="Make a proposal").click()
    vcs.get_by_role("button", name="Submit proposal").click()
    expect(vcs.locator(".govuk-error-summary")).to_contain_text("Enter a title for your proposal")
    axe_check(vcs)

    vcs.get_by_label("Give your proposal a short title").fill("Homework club at the pantry")
    vcs.get_by_label("Eastgate Centre (neighbourhood in Eastgate)").check()
    vcs.get_by_label("What is the problem?").fill("Children have nowhere quiet to do homework.")
    vcs.get_by_label("Who is affected?").fill("Primary school children in Eastgate.")
    vcs.get_by_label("What should change?").fill("A weekly homework club with volunteers.")
    select_containing(
        vcs.get_by_label("Which outcome does it fit best? (optional)"), "Better health"
    )
    vcs.get_by_label("File 1 (optional)").set_input_files(
        {"name": "survey.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    vcs.get_by_role("button", name="Submit proposal").click()
    expect(vcs.locator(".govuk-notification-banner--success")).to_contain_text("has been submitted")
    expect(vcs.get_by_role("link", name="survey.pdf")).to_be_visible()
    axe_check(vcs)
    proposal_url = vcs.url

    officer = browser.new_context().new_page()
    sign_in(officer, "officer@demo.test")
    officer.goto(proposal_url)
    officer.get_by_role("link", name="Start review").click()
    officer.get_by_label("Message to the proposer (optional)").fill(
        "Thank you, we are looking at it."
    )
    axe_check(officer)
    officer.get_by_role("button", name="Start review").click()
    expect(officer.locator(".govuk-notification-banner--success")).to_contain_text(
        "is now under review"
    )
    axe_check(officer)

    officer.get_by_role("link", name="Accept", exact=True).click()
    axe_check(officer)
    officer.get_by_role("link", name="Adopt as a new objective").click()
    expect(officer.get_by_label("Title", exact=True)).to_have_value("Homework club at the pantry")
    officer.get_by_label("Lead organisation").select_option(label="Wrenford Borough Council (demo)")
    axe_check(officer)
    officer.get_by_role("button", name="Create objective and accept proposal").click()
    expect(officer.locator(".govuk-notification-banner--success")).to_contain_text("accepted")
    expect(officer.get_by_role("heading", level=1)).to_have_text("Homework club at the pantry")
    origin = officer.get_by_role("link", name="Homework club at the pantry")
    expect(origin).to_be_visible()
    axe_check(officer)
    objective_url = officer.url

    vcs.goto(proposal_url)
    expect(vcs.get_by_text("Accepted", exact=True).first).to_be_visible()
    link = vcs.locator(".govuk-notification-banner--success a")
    expect(link).to_have_attribute(
        "href", re.compile(re.escape(objective_url.replace(live_server.url, "")))
    )
    axe_check(vcs)
