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

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection

from consultations.models import Proposal
from contracts.models import Contract
from dashboards.bench.pages import (
    _app_hooks,
    _is_export,
    pages_to_measure,
    place_to_measure,
    sign_in_users,
)
from dashboards.bench.server import _free_port, start_gunicorn
from dashboards.bench.timing import (
    bare_sql,
    measure,
    never_seen,
    never_seen_areas,
    under_load,
    while_changing,
)
from objectives.models import Objective
from places.models import Place


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
        place_obj = place_to_measure(place)

        # The whole-place open-data files, built as the task builds them (timed), so the
        # transparency page links them and their download is measured below.
        def wanted(name: str) -> bool:
            return not only or any(words in name for words in only)

        open_data = {}
        if not no_exports and not only:
            for hook in _app_hooks("bench_build"):
                open_data.update(hook(place_obj))
        users = sign_in_users(place_obj)
        pages = [
            page
            for page in pages_to_measure(place_obj, users)
            if not (no_exports and _is_export(page[0])) and wanted(page[0])
        ]
        port = _free_port()
        server = start_gunicorn(port)
        load = {}
        try:
            results = [
                measure(name, user, url, port, export_runs if _is_export(name) else runs)
                for name, user, url in pages
            ]
            if wanted("never-seen filters"):
                results.append(never_seen(place_obj, users["leader"], port))
                results.append(never_seen(place_obj, None, port, public=True))
            if wanted("never-seen neighbourhood pages"):
                results.append(never_seen_areas(place_obj, users["leader"], port))
            if not only:
                dashboard = next(r for r in results if r["page"] == "dashboard (unfiltered)")
                dashboard.update(bare_sql(users["leader"], dashboard["url"]))
                load = under_load(port, users["leader"], wrk_seconds)
                # Last: it leaves background refreshes running in the server.
                results.append(while_changing(users["leader"], dashboard["url"], port, runs))
        finally:
            server.terminate()
            server.wait(timeout=20)
        report = _report(place_obj, runs, results, load, open_data)
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(json.dumps(report, indent=2, default=str))
        self._table(report)
        self.stdout.write(f"Written to {json_path}")

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


def _report(place_obj: Place, runs: int, results: list, load: dict, open_data: dict) -> dict:
    """What was measured, with the database and how many rows the place has."""
    return {
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
