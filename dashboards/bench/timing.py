"""How the benchmark times pages: each page over HTTP, never-seen filters and neighbourhood
pages (cold), the dashboard while the data changes, against its bare SQL, and under load."""

# ruff: noqa: S603 - runs this project's own gunicorn and wrk with fixed arguments

import http.client
import shutil
import statistics
import subprocess
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .server import WORKERS, session_cookie


def _p95(values):
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def measure(name, user, url, port, runs):
    client = Client(HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        # A streamed export runs its queries while it is read: read it inside the count.
        body = b"".join(response.streaming_content) if response.streaming else response.content
    cookie = session_cookie(user)
    request = urllib.request.Request(f"http://127.0.0.1:{port}{url}")
    if cookie:
        request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}")
    times = []
    status = None
    for _ in range(runs + 1):
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                answer.read()
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code  # recorded, so a failing page shows in the report
        except (OSError, http.client.HTTPException) as error:  # a timeout, a dropped stream
            status = f"failed: {error}"
        times.append((time.perf_counter() - started) * 1000)
    first, times = times[0], times[1:]  # the first warms caches: reported apart
    return {
        "page": name,
        "url": url,
        "status": status,
        "queries": len(ctx.captured_queries),
        "bytes": len(body),
        "first_ms": round(first, 1),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(_p95(times), 1),
    }


def never_seen(place, user, port, *, public=False, count=20, seed=14):
    """20 filter combinations nobody has asked for (a random area, organisation and
    financial year each, fixed by `seed`), each requested once, with the figures cache
    emptied first: every one cold, on a second run of the benchmark too."""
    import random

    from django.utils import timezone

    from dashboards import periods as fy
    from dashboards.cache import figures_cache

    figures_cache().clear()

    chooser = random.Random(seed + public)  # noqa: S311 - a fixed sample, not a secret
    areas = list(place.areas.values_list("pk", flat=True))
    bodies = list(place.contracts.order_by().values_list("buyer__slug", flat=True).distinct())
    years = [p.key for p in fy.choices(timezone.localdate()) if "Q" not in p.key]
    base = (
        reverse("dashboards:transparency", args=[place.slug]) + "?"
        if public
        else f"/dashboard/?place={place.slug}&"
    )
    urls = [
        f"{base}area={chooser.choice(areas)}&organisation={chooser.choice(bodies)}"
        f"&period={chooser.choice(years)}&n={chooser.random()}"
        for _ in range(count)
    ]
    # Each server process first answers the page for one area outside the sample (untimed):
    # a process's first request loads code and compiles templates, which is not what a
    # never-seen filter measures; the timed filters' figures stay cold.
    chosen = {url.split("area=")[1].split("&")[0] for url in urls}
    outside = next((pk for pk in reversed(areas) if str(pk) not in chosen), None)
    return each_once(
        "never-seen filters (transparency)" if public else "never-seen filters",
        base + "area=…&organisation=…&period=… (20 random, cold)",
        urls,
        session_cookie(user),
        port,
        warm=f"{base}area={outside}" if outside is not None else None,
    )


def warm_up(url, cookie, port):
    """`url` requested by every server process before a cold row is timed: a process's first
    request loads code and compiles templates, which a running server has long done. The
    requests are all sent, each on its own connection, before any answer is read, so each
    process takes some (no threads: see tests/test_no_threads.py). The figures of the timed
    filters stay cold: `url` is a page outside them."""
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"} if cookie else {}
    for _ in range(2):
        connections = []
        for _ in range(2 * WORKERS):
            connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            connection_.request("GET", url, headers=headers)
            connections.append(connection_)
        for connection_ in connections:
            connection_.getresponse().read()
            connection_.close()


def each_once(name, described, urls, cookie, port, *, warm=None):
    """Each of `urls` requested once, timed: a row of the report named `name`; `warm` is
    requested first by every server process (`warm_up`), untimed."""
    if warm:
        warm_up(warm, cookie, port)
    times, statuses = [], set()
    for url in urls:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{url}")
        if cookie:
            request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}")
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
                answer.read()
                statuses.add(answer.status)
        except urllib.error.HTTPError as error:
            statuses.add(error.code)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "page": name,
        "url": described,
        "status": ",".join(str(s) for s in sorted(statuses)),
        "queries": 0,
        "bytes": 0,
        "first_ms": round(times[0], 1),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(_p95(times), 1),
    }


def never_seen_areas(place, user, port, *, count=20, seed=16):
    """20 neighbourhood pages (random wards and neighbourhoods, fixed by `seed`) with the
    figures cache emptied first, so each computes its delivery figures: the wait of the
    first visitor of the day, or after the cached figures expired."""
    import random

    from dashboards.cache import figures_cache

    figures_cache().clear()
    chooser = random.Random(seed)  # noqa: S311 - a fixed sample, not a secret
    areas = list(
        place.areas.filter(kind__in=("ward", "neighbourhood")).values_list("pk", flat=True)
    )
    chosen = chooser.sample(areas, min(count, len(areas)))
    others = [pk for pk in areas if pk not in chosen]
    return each_once(
        "never-seen neighbourhood pages",
        "/areas/… (20 random wards and neighbourhoods, leader, cold)",
        [reverse("places:area_detail", args=[pk]) for pk in chosen],
        session_cookie(user),
        port,
        warm=reverse("places:area_detail", args=[others[0]]) if others else None,
    )


def while_changing(user, url, port, runs):
    """The dashboard when every request follows a change to the data: shown from recent
    figures (marked as being updated) while fresh ones are computed in the background."""
    from socialvalue.datacache import data_changed

    request = urllib.request.Request(f"http://127.0.0.1:{port}{url}")
    request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={session_cookie(user)}")
    times, marked = [], 0
    for _ in range(runs + 1):
        data_changed()
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
            body = answer.read()
        times.append((time.perf_counter() - started) * 1000)
        marked += b"Changes made since then are being added" in body
    first, times = times[0], times[1:]
    return {
        "page": "dashboard while data changes",
        "url": url,
        "status": 200,
        "queries": None,
        "bytes": len(body),
        "first_ms": round(first, 1),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(_p95(times), 1),
        "marked_as_updating": marked,
    }


def bare_sql(user, url):
    """The dashboard computed without its cache, in this process, against the same queries
    run directly on PostgreSQL: best of three each."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    computed = float("inf")
    with override_settings(SOCIALVALUE_FIGURES_CACHE_SECONDS=0):
        for _ in range(3):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            computed = min(computed, (time.perf_counter() - started) * 1000)
    statements = [
        q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
    ]
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
        best = min(best, (time.perf_counter() - started) * 1000)
    return {
        "uncached_ms": round(computed, 1),
        "bare_sql_ms": round(best, 1),
        "ratio_to_bare_sql": round(computed / max(best, 0.001), 2),
    }


def under_load(port, leader, seconds):
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    results = {}
    for name, path in (
        ("trivial view (/healthz)", "/healthz"),
        ("objectives list", "/objectives/"),
    ):
        out = subprocess.run(
            [wrk, "-t2", "-c8", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        rate = next(
            (
                float(line.split()[1])
                for line in out.splitlines()
                if line.startswith("Requests/sec")
            ),
            None,
        )
        results[name] = {"requests_per_second": rate}
    trivial = results["trivial view (/healthz)"]["requests_per_second"]
    listing = results["objectives list"]["requests_per_second"]
    if trivial and listing:
        results["objectives list / trivial"] = round(listing / trivial, 3)
    return results
