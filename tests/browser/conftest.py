"""Browser tests: Playwright driving Chromium against pytest-django's live server.

The browser is the system Chromium when there is one (Debian's /usr/bin/chromium), otherwise
Playwright's own download. Without either, the tests are skipped with the reason shown, except
under CI=true, where a missing browser fails the run: CI must never pass by skipping.
"""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

# The sync Playwright API runs an event loop in this thread; Django's ORM refuses to run from
# a thread with a running loop unless told it is safe (it is: the loop is Playwright's).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _system_chromium() -> str | None:
    candidates = [
        os.environ.get("SOCIALVALUE_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _playwright_chromium() -> str | None:
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:
        return None
    return path if path and Path(path).is_file() else None


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = _system_chromium() or _playwright_chromium()
    if executable is None:
        reason = (
            "No browser found: install Chromium (apt-get install chromium) or run "
            "'playwright install chromium'"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}. Browser tests must run in CI.", pytrace=False)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture
def demo(transactional_db):
    """The demo borough, organisations and accounts (password "demo")."""
    from consultations import demo as consultations_demo
    from objectives import demo as objectives_demo
    from people import demo as people_demo
    from places import demo as places_demo

    place = places_demo.load()
    people_demo.load(place)
    objectives_demo.load(place)
    consultations_demo.load(place)
    return place


@pytest.fixture(autouse=True)
def _real_task_queue(settings):
    """The live server commits, so tasks go to the real database queue, as in production:
    nothing is sent inside a request. `run_tasks()` is the worker."""
    from tests.tasks.worker import DATABASE

    settings.TASKS = DATABASE


@pytest.fixture
def run_tasks():
    from tests.tasks.worker import run_worker

    return run_worker


@pytest.fixture(autouse=True)
def _short_timeouts(request):
    """Fail in seconds, not the default 30: a missing element is a failure, not a slow page."""
    if "page" in request.fixturenames:
        page = request.getfixturevalue("page")
        page.set_default_timeout(8000)
        page.set_default_navigation_timeout(15000)


# What Playwright says when the document it was evaluating in was replaced by a navigation.
NAVIGATED = ("reading 'documentElement'", "Execution context was destroyed")


@pytest.fixture
def axe_check():
    """axe_check(page): fail with a readable list if axe finds any WCAG 2.2 AA violation."""
    from pytest_playwright_axe import OPTIONS_WCAG_22AA, Axe

    axe = Axe(use_minified_file=True)

    def run(page):
        return axe.run(
            page,
            options=OPTIONS_WCAG_22AA,
            html_report_generated=False,
            json_report_generated=False,
        )

    def check(page):
        # A click on a link returns once the navigation has committed, before the new
        # document has loaded: axe run then finds no document ("Cannot read properties of
        # null (reading 'documentElement')"), as CI did once. Scan the loaded page, and scan
        # again if a navigation still replaced the document under the scan.
        page.wait_for_load_state("load")
        try:
            results = run(page)
        except PlaywrightError as error:
            if not any(sign in str(error) for sign in NAVIGATED):
                raise
            page.wait_for_load_state("load")
            results = run(page)
        violations = results["violations"]
        summary = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in violations
        ]
        assert not violations, f"axe found problems on {page.url}:\n" + "\n".join(summary)
        return results

    return check


@pytest.fixture
def sign_in(live_server):
    def do(page, email, password="demo"):
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

    return do
