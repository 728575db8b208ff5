"""WCAG 1.4.10 (reflow) and unique ids (4.1.1's parsing), the family test: every page the application serves, opened by a
superuser at 320 CSS pixels wide on the security tests' seeded world, must not scroll
sideways. Wide tables scroll inside their own labelled, focusable region instead.

The pages are found by walking the URL resolver (tests/security/served.py), so a new page is
checked without anyone listing it here."""

from django.conf import settings
from django.test import Client

from tests.browser.test_maps import shoot
from tests.security.conftest import _private_media, world  # noqa: F401  (fixtures)
from tests.security.served import served_patterns, url_for

WIDTH = 320


def _html_pages(world):  # noqa: F811
    client = Client()
    client.force_login(world.users["superuser"])
    pages = []
    for pattern in served_patterns():
        if "get" not in pattern.methods or pattern.name == "people:logout":
            continue
        path = url_for(pattern.name, world)
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.append(path)
    return client, pages


def test_every_page_reflows_at_320_pixels(page, live_server, world):  # noqa: F811
    client, pages = _html_pages(world)
    assert len(pages) > 60, pages  # the walk found the application's pages
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.set_viewport_size({"width": WIDTH, "height": 900})
    wide, duplicated = {}, {}
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > WIDTH:
            wide[path] = width
            shoot(page, "wide" + path.replace("/", "-"))
        # One page, one id (the proposal form's two buttons once shared `submit-id-action`).
        ids = page.evaluate(
            "() => { const seen = {}; document.querySelectorAll('[id]').forEach("
            "e => { seen[e.id] = (seen[e.id] || 0) + 1; });"
            " return Object.keys(seen).filter(k => seen[k] > 1); }"
        )
        if ids:
            duplicated[path] = ids
    assert not wide, f"pages wider than {WIDTH} px: {wide}"
    assert not duplicated, f"ids used more than once: {duplicated}"
