"""The benchmark behind `make bench`: every main page, served by gunicorn as in production.

For each page it reports the median and 95th-percentile time (measured over HTTP on the
loopback, so it is server time plus a negligible hop), the SQL query count and the response
size; for the dashboard, the ratio of its time to PostgreSQL running the same queries bare; and
throughput under load (wrk, fixed duration) for the objectives list beside a trivial view.
It also times the dashboard while the data keeps changing (as it does all day at county
scale): before each request it tells the caches the data changed, so every view finds its
cached figures out of date. Results go to a JSON file and a readable table. It only reads
(the data token aside).
"""

# ruff: noqa: S603 - runs this project's own gunicorn and wrk with fixed arguments

import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import Consultation, Proposal
from contracts.models import Contract
from objectives.models import Objective
from people.models import Membership, User
from places.models import Place


def _app_hooks(name: str) -> list:
    """The apps above this one add to the benchmark through their AppConfig (`bench_build`,
    `bench_pages`): this app does not import them."""
    return [getattr(c, name) for c in apps.get_app_configs() if hasattr(c, name)]


def _is_export(name: str) -> bool:
    return "CSV" in name or "OCDS" in name or "PDF" in name


def _p95(values):
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Command(BaseCommand):
    help = "Benchmark the main pages over HTTP with gunicorn (use PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument("--place", help="Place slug (default: the one with most contracts)")
        parser.add_argument("--json", dest="json_path", default="var/bench.json")
        parser.add_argument("--wrk-seconds", type=int, default=10)
        parser.add_argument(
            "--export-runs",
            type=int,
            default=5,
            help="runs for the whole-place exports, which take far longer than a page",
        )
        parser.add_argument(
            "--no-exports",
            action="store_true",
            help="leave out the whole-place exports (minutes each at county scale)",
        )
        parser.add_argument(
            "--only",
            action="append",
            metavar="WORDS",
            help="measure only the pages whose name contains WORDS (repeatable; 'never-seen' "
            "for the cold ones), without the load and changing-data runs",
        )

    def handle(
        self, *args, runs, place, json_path, wrk_seconds, export_runs, no_exports, only, **options
    ):
        place_obj = (
            Place.objects.filter(slug=place).first()
            if place
            else max(Place.objects.all(), key=lambda p: p.contracts.count(), default=None)
        )
        if place_obj is None:
            raise CommandError("Load data first (make run, or manage.py seed_scale)")

        # The whole-place open-data files, built as the task builds them (timed), so the
        # transparency page links them and their download is measured below.
        def wanted(name: str) -> bool:
            return not only or any(words in name for words in only)

        open_data = {}
        if not no_exports and not only:
            for hook in _app_hooks("bench_build"):
                open_data.update(hook(place_obj))
        users = self._users(place_obj)
        pages = [
            page
            for page in self._pages(place_obj, users)
            if not (no_exports and _is_export(page[0])) and wanted(page[0])
        ]
        port = _free_port()
        server = self._start_gunicorn(port)
        load = {}
        try:
            results = [
                self._measure(name, user, url, port, export_runs if _is_export(name) else runs)
                for name, user, url in pages
            ]
            if wanted("never-seen filters"):
                results.append(self._never_seen(place_obj, users["leader"], port))
                results.append(self._never_seen(place_obj, None, port, public=True))
            if wanted("never-seen neighbourhood pages"):
                results.append(self._never_seen_areas(place_obj, users["leader"], port))
            if not only:
                dashboard = next(r for r in results if r["page"] == "dashboard (unfiltered)")
                dashboard.update(self._bare_sql(users["leader"], dashboard["url"]))
                load = self._load(port, users["leader"], wrk_seconds)
                # Last: it leaves background refreshes running in the server.
                results.append(self._while_changing(users["leader"], dashboard["url"], port, runs))
        finally:
            server.terminate()
            server.wait(timeout=20)
        report = {
            "database": connection.vendor,
            "rows": {
                "contracts": Contract.objects.filter(place=place_obj).count(),
                "objectives": Objective.objects.filter(place=place_obj).count(),
                "proposals": Proposal.objects.filter(place=place_obj).count(),
            },
            "runs": runs,
            "pages": results,
            "load": load,
            "open_data_build": open_data,
        }
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(json.dumps(report, indent=2, default=str))
        self._table(report)
        self.stdout.write(f"Written to {json_path}")

    def _users(self, place):
        def first(role, **extra):
            return (
                User.objects.filter(
                    memberships__ended_at__isnull=True, memberships__role=role, **extra
                )
                .order_by("pk")
                .first()
            )

        leader = first(Membership.Role.LEADER, memberships__organisation__place=place)
        officer = first(Membership.Role.OFFICER, memberships__organisation__place=place)
        vcs = first(Membership.Role.MEMBER)
        supplier = first(Membership.Role.SUPPLIER_CONTACT)
        if leader is None or officer is None:
            raise CommandError(f"{place} has no leader or officer to sign in as")
        return {
            "leader": leader,
            "officer": officer,
            "vcs": vcs or officer,
            "supplier": supplier or officer,
            "anonymous": None,
        }

    def _pages(self, place, users):
        objective = Objective.objects.filter(place=place, status="active").order_by("pk").first()
        contract = (
            Contract.objects.filter(
                place=place, stage="in_delivery", buyer__memberships__user=users["officer"]
            )
            .order_by("pk")
            .first()
        )
        consultation = (
            Consultation.objects.filter(place=place, summary_published_at__isnull=False)
            .order_by("pk")
            .first()
        )
        area = place.areas.filter(kind="ward").order_by("pk").first()
        pages = [
            ("home (leader)", "leader", "/"),
            ("home (officer)", "officer", "/"),
            ("home (VCS member)", "vcs", "/"),
            ("home (supplier)", "supplier", "/"),
            ("returns list (officer)", "officer", reverse("contracts:return_list")),
            ("returns list (supplier)", "supplier", reverse("contracts:return_list")),
            ("objectives list", "anonymous", "/objectives/"),
            (
                "objectives list (filtered)",
                "anonymous",
                f"/objectives/?area={area.pk if area else ''}&dimension=social&status=active",
            ),
            ("proposals list", "anonymous", "/proposals/"),
            ("contracts list", "officer", "/contracts/"),
            ("dashboard (unfiltered)", "leader", f"/dashboard/?place={place.slug}"),
            (
                "dashboard (filtered)",
                "leader",
                f"/dashboard/?place={place.slug}&area={area.pk if area else ''}&dimension=social",
            ),
            ("transparency", "anonymous", reverse("dashboards:transparency", args=[place.slug])),
            ("objectives CSV", "anonymous", "/objectives/export.csv"),
        ]
        if area:
            # The neighbourhood page (issue 16): a ward, public and as the place's leader; a
            # neighbourhood and an LSOA inside it; and the dashboard's printable summary.
            pages.append(("neighbourhood page (ward)", "anonymous", area.get_absolute_url()))
            pages.append(("neighbourhood page (leader)", "leader", area.get_absolute_url()))
            inside = place.areas.filter(path__startswith=area.path).order_by("path")
            for kind in ("neighbourhood", "lsoa"):
                found = inside.filter(kind=kind).first()
                if found:
                    pages.append(
                        (f"neighbourhood page ({kind}, leader)", "leader", found.get_absolute_url())
                    )
        pages.append(
            (
                "dashboard summary PDF",
                "leader",
                reverse("dashboards:dashboard_pdf") + f"?place={place.slug}",
            )
        )
        if objective:
            pages.append(("objective detail", "anonymous", objective.get_absolute_url()))
        if contract:
            pages.append(("contract detail", "officer", contract.get_absolute_url()))
        if consultation:
            pages.append(
                (
                    "consultation summary",
                    "anonymous",
                    reverse("consultations:summary", args=[consultation.pk]),
                )
            )
        pages += [
            (
                "commitments CSV",
                "anonymous",
                reverse("dashboards:commitments_csv", args=[place.slug]),
            ),
            ("OCDS export", "anonymous", reverse("dashboards:ocds", args=[place.slug])),
            *(page for hook in _app_hooks("bench_pages") for page in hook(place)),
        ]
        return [(name, users[role], url) for name, role, url in pages]

    def _start_gunicorn(self, port):
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
        env = {
            **os.environ,
            "DJANGO_DEBUG": "false",
            "DJANGO_HTTPS": "false",
            # The same key as this process, so the sessions it makes are valid there too.
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SOCIALVALUE_OPERATOR_NAME": settings.SOCIALVALUE_OPERATOR_NAME,
            "EMAIL_HOST": "localhost",
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            env=env,
            check=True,
        )
        server = subprocess.Popen(
            [
                gunicorn,
                "socialvalue.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
                # As `make serve`: a county's exports stream for minutes.
                "--timeout",
                os.environ.get("GUNICORN_TIMEOUT", "600"),
            ],
            env=env,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                return server
            except OSError:
                time.sleep(0.2)
        server.terminate()
        raise CommandError("gunicorn did not start")

    def _session_cookie(self, user):
        if user is None:
            return None
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    def _measure(self, name, user, url, port, runs):
        client = Client(HTTP_HOST="127.0.0.1")
        if user is not None:
            client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
            # A streamed export runs its queries while it is read: read it inside the count.
            body = b"".join(response.streaming_content) if response.streaming else response.content
        cookie = self._session_cookie(user)
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

    def _never_seen(self, place, user, port, *, public=False, count=20, seed=14):
        """20 filter combinations nobody has asked for (a random area, organisation and
        financial year each, fixed by `seed`), each requested once: every one cold."""
        import random

        from django.utils import timezone

        from dashboards import periods as fy

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
        return self._each_once(
            "never-seen filters (transparency)" if public else "never-seen filters",
            base + "area=…&organisation=…&period=… (20 random, cold)",
            urls,
            self._session_cookie(user),
            port,
        )

    def _each_once(self, name, described, urls, cookie, port):
        """Each of `urls` requested once, timed: a row of the report named `name`."""
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

    def _never_seen_areas(self, place, user, port, *, count=20, seed=16):
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
        return self._each_once(
            "never-seen neighbourhood pages",
            "/areas/… (20 random wards and neighbourhoods, leader, cold)",
            [
                reverse("places:area_detail", args=[pk])
                for pk in chooser.sample(areas, min(count, len(areas)))
            ],
            self._session_cookie(user),
            port,
        )

    def _while_changing(self, user, url, port, runs):
        """The dashboard when every request follows a change to the data: shown from recent
        figures (marked as being updated) while fresh ones are computed in the background."""
        from socialvalue.datacache import data_changed

        request = urllib.request.Request(f"http://127.0.0.1:{port}{url}")
        request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={self._session_cookie(user)}")
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

    def _bare_sql(self, user, url):
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

    def _load(self, port, leader, seconds):
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

    def _table(self, report):
        self.stdout.write(
            f"\n{'page':32} {'first':>9} {'median':>9} {'p95':>9} {'queries':>8} {'bytes':>9}"
        )
        for r in report["pages"]:
            self.stdout.write(
                f"{r['page'][:32]:32} {r['first_ms']:>7}ms {r['median_ms']:>7}ms "
                f"{r['p95_ms']:>7}ms {r['queries'] if r['queries'] is not None else '-':>8} "
                f"{r['bytes']:>9}"
            )
        dashboard = next((r for r in report["pages"] if r["page"] == "dashboard (unfiltered)"), {})
        if "uncached_ms" in dashboard:
            self.stdout.write(
                f"\ndashboard without its cache {dashboard['uncached_ms']}ms; its queries run "
                f"directly {dashboard['bare_sql_ms']}ms; ratio {dashboard['ratio_to_bare_sql']}x"
            )
        self.stdout.write(f"load: {json.dumps(report['load'])}")
        self.stdout.write(f"open-data build: {json.dumps(report['open_data_build'])}")
