"""The everyday flow, checked on the demo place as each demo person (issue 17).

- Every count on a person's home page equals the rows of the page it links to.
- No page the person can reach shows money with the "£" after the number ("6,000 £").

The demo loads once (about half a minute) for both checks.
"""

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from people.models import User

pytestmark = pytest.mark.django_db

DEMO_PEOPLE = [
    "officer@demo.test",
    "leader@demo.test",
    "nhs@demo.test",
    "vcs@demo.test",
    "supplier@demo.test",
    "admin@demo.test",
]
LINK = re.compile(r'href="([^"]+)" data-count="(\d+)"')
HREF = re.compile(r'href="(/[^"#]*)"')
POUND_AFTER = re.compile(r"\d[\d,.]*[ \u00a0]?£")
POUNDS = re.compile(r"£\d")
# Pages a crawl must not follow: downloads, sign-out, the admin, and pages that take a step.
SKIP = re.compile(r"/admin/|sign-out|\.csv|\.json|format=csv|/files/|/static/|/media/|download")
PAGES_EACH = 120


def _crawl(client, start: str, limit: int) -> dict[str, str]:
    """The HTML of up to `limit` pages reachable from `start` by following the site's links."""
    seen: dict[str, str] = {}
    queue = deque([start])
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or SKIP.search(url):
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            seen[url] = ""
            continue
        html = response.content.decode()
        seen[url] = html
        for href in HREF.findall(html):
            href = href.replace("&amp;", "&")
            if urlsplit(href).path not in {urlsplit(u).path for u in seen}:
                queue.append(href)
    return seen


def test_the_demo_everyday_flow(client, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=None)
    settings.DEBUG = False
    links_checked = 0
    pages_with_money = set()
    for email in DEMO_PEOPLE:
        client.force_login(User.objects.get(email=email))
        home = client.get("/").content.decode()
        for url, count in LINK.findall(home):
            url = url.replace("&amp;", "&")
            rows = client.get(url).content.decode().count("data-item")
            assert rows == int(count), (email, url, count, rows)
            links_checked += 1
        for url, html in _crawl(client, "/", PAGES_EACH).items():
            wrong = POUND_AFTER.search(html)
            assert not wrong, (email, url, wrong.group(0))
            if POUNDS.search(html):
                pages_with_money.add(urlsplit(url).path)
    assert links_checked >= 10
    # Not vacuous: the crawl saw money on contracts, commitments, frameworks and dashboards.
    kinds = {path.split("/")[1] for path in pages_with_money}
    assert {"contracts", "commitments", "dashboard"} <= kinds, kinds
