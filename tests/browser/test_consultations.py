"""An officer runs a consultation from creation to published summary; three respondents of
different types answer (one anonymously); the public reads the summary. axe on every page."""

from playwright.sync_api import expect


def respond(page, url, *, as_type, area, choice, text):
    page.goto(url)
    page.get_by_role("button", name="Respond now").click()
    page.get_by_label(as_type).check()
    page.get_by_label("Which area do you live or work in?").select_option(label=area)
    page.get_by_label(choice, exact=True).check()
    page.get_by_label("Why? (optional)").fill(text)
    return page


def test_consultation_from_creation_to_summary(browser, live_server, demo, sign_in, axe_check):
    officer = browser.new_context().new_page()
    sign_in(officer, "officer@demo.test")
    officer.goto(f"{live_server.url}/consultations/")
    axe_check(officer)
    officer.get_by_role("link", name="Start a consultation").click()
    officer.get_by_role("button", name="Save consultation").click()
    expect(officer.locator(".govuk-error-summary")).to_contain_text(
        "Enter a title for the consultation"
    )
    officer.get_by_label("Title", exact=True).fill("Social value in the new parks contract")
    officer.get_by_label("What is it for?").fill(
        "Tell us what the parks contract should do for you."
    )
    officer.get_by_label("Eastgate (ward)").check()
    officer.get_by_label("Allow responses from people who are not signed in").check()
    axe_check(officer)
    officer.get_by_role("button", name="Save consultation").click()
    expect(officer.locator(".govuk-notification-banner--success")).to_contain_text(
        "saved as a draft"
    )
    axe_check(officer)
    consultation_url = officer.url

    officer.get_by_role("link", name="Add a question").click()
    officer.get_by_label("Question", exact=True).fill("What matters most?")
    officer.get_by_label("Single choice").check()
    officer.get_by_label("Options (for single or multiple choice)").fill(
        "Play areas\nTrees\nToilets"
    )
    axe_check(officer)
    officer.get_by_role("button", name="Add question").click()
    officer.get_by_role("link", name="Add a question").click()
    officer.get_by_label("Question", exact=True).fill("Why?")
    officer.get_by_label("Free text").check()
    officer.get_by_role("button", name="Add question").click()
    officer.get_by_role("link", name="Publish").click()
    axe_check(officer)
    officer.get_by_role("button", name="Publish consultation").click()
    expect(officer.locator(".govuk-notification-banner--success")).to_contain_text("published")

    vcs = browser.new_context().new_page()
    sign_in(vcs, "vcs@demo.test")
    respond(
        vcs,
        consultation_url,
        as_type="A voluntary or community group",
        area="Eastgate Centre",
        choice="Play areas",
        text="Children need somewhere to play.",
    )
    axe_check(vcs)
    vcs.get_by_role("button", name="Send response").click()
    expect(vcs.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your response has been sent"
    )

    nhs = browser.new_context().new_page()
    sign_in(nhs, "nhs@demo.test")
    respond(
        nhs,
        consultation_url,
        as_type="Another public body",
        area="Station Quarter",
        choice="Toilets",
        text="Older people need them.",
    )
    nhs.get_by_role("button", name="Send response").click()
    expect(nhs.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your response has been sent"
    )

    resident = browser.new_context().new_page()
    respond(
        resident,
        consultation_url,
        as_type="A resident",
        area="Railway Triangle",
        choice="Play areas",
        text="",
    )
    axe_check(resident)
    resident.get_by_role("button", name="Send response").click()
    expect(resident.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your response has been sent"
    )

    officer.goto(consultation_url)
    expect(officer.get_by_text("3 responses so far.")).to_be_visible()
    officer.get_by_role("link", name="Close now").click()
    axe_check(officer)
    officer.get_by_role("button", name="Close consultation now").click()
    officer.get_by_role("link", name="Write the summary").click()
    officer.get_by_label("Summary of what you heard").fill("Play areas came first.")
    axe_check(officer)
    officer.get_by_role("button", name="Save summary").click()
    officer.get_by_role("link", name="Add a ‘You said, we did’ entry").click()
    officer.get_by_label("You said").fill("Children need somewhere to play.")
    officer.get_by_label("We did").fill("The parks contract now asks for two new play areas.")
    officer.get_by_label("Objective that changed (optional)").select_option(
        label="Young people from Eastgate into apprenticeships"
    )
    axe_check(officer)
    officer.get_by_role("button", name="Add entry").click()
    officer.get_by_role("link", name="Publish the summary").click()
    officer.get_by_role("button", name="Publish summary").click()
    expect(officer.locator(".govuk-notification-banner--success")).to_contain_text(
        "Summary published"
    )

    public = browser.new_context().new_page()
    public.goto(consultation_url)
    public.get_by_role("link", name="Read what we heard and what we did").click()
    expect(public.get_by_role("heading", level=1)).to_have_text("What we heard and what we did")
    table = public.get_by_role("table", name="What matters most?")
    expect(table.get_by_role("row", name="Play areas 2 67%")).to_be_visible()
    expect(
        public.get_by_role("table", name="Responses by who people responded as")
    ).to_contain_text("Another public body")
    expect(public.get_by_text("Children need somewhere to play.")).to_be_visible()
    expect(public.get_by_text("Older people need them.")).to_have_count(0)
    axe_check(public)
