"""Time the dashboard's server time and count its queries on whatever data is loaded.

    manage.py bench_dashboard [--runs 20] [--place SLUG] [--user EMAIL] [--json out.json]

Runs each page N times through Django's test client (after one warm-up run), and reports the
median and 95th percentile server time and the number of queries per request, as a table and
as JSON. It reads only; nothing is written to the database.
"""

import json
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts.models import Commitment, Contract, DeliveryReturn
from dashboards.bench.pages import place_to_measure
from people.models import Membership, User
from places.models import Place


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    index = max(0, round(0.95 * len(ordered)) - 1)
    return ordered[index]


class Command(BaseCommand):
    help = "Benchmark the dashboard, transparency page and open data on the loaded data."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument(
            "--place", help="The place's slug (default: the one with most contracts)"
        )
        parser.add_argument("--user", help="A leader or officer of the place (default: the first)")
        parser.add_argument("--json", dest="json_path", default="var/bench_dashboard.json")

    def handle(self, *args, runs, place, user, json_path, **options):
        if runs < 1:
            raise CommandError("--runs must be at least 1")
        place_obj = place_to_measure(place)
        user_obj = _user(user, place_obj)
        if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.force_login(user_obj)
        pages = [
            ("dashboard", reverse("dashboards:dashboard") + f"?place={place_obj.slug}"),
            ("transparency", reverse("dashboards:transparency", kwargs={"slug": place_obj.slug})),
            (
                "commitments.csv",
                reverse("dashboards:commitments_csv", kwargs={"slug": place_obj.slug}),
            ),
            ("ocds.json", reverse("dashboards:ocds", kwargs={"slug": place_obj.slug})),
        ]
        results = {
            "place": place_obj.slug,
            "runs": runs,
            "data": {
                "contracts": Contract.objects.filter(place=place_obj).count(),
                "commitments": Commitment.objects.filter(contract__place=place_obj).count(),
                "returns": DeliveryReturn.objects.filter(
                    commitment__contract__place=place_obj
                ).count(),
            },
            "pages": {name: _measure(client, url, runs) for name, url in pages},
        }
        self._table(place_obj, results)
        if json_path:
            with open(json_path, "w", encoding="utf-8") as handle:
                json.dump(results, handle, indent=2)
            self.stdout.write(f"Written to {json_path}")

    def _table(self, place_obj, results):
        data = results["data"]
        self.stdout.write(
            f"{place_obj.name}: {data['contracts']} contracts, {data['commitments']} "
            f"commitments, {data['returns']} returns; {results['runs']} runs each"
        )
        self.stdout.write(f"{'page':<18}{'median ms':>12}{'p95 ms':>12}{'queries':>10}")
        for name, row in results["pages"].items():
            self.stdout.write(
                f"{name:<18}{row['median_ms']:>12}{row['p95_ms']:>12}{row['queries']:>10}"
            )


def _user(email: str | None, place_obj: Place) -> User:
    """The person named, or the place's first current leader or officer, to sign in as."""
    if email:
        user_obj = User.objects.filter(email__iexact=email).first()
    else:
        user_obj = (
            User.objects.filter(
                memberships__ended_at__isnull=True,
                memberships__organisation__place=place_obj,
                memberships__role__in=[Membership.Role.LEADER, Membership.Role.OFFICER],
            )
            .order_by("pk")
            .first()
        )
    if user_obj is None:
        raise CommandError("No leader or officer of that place to sign in as")
    return user_obj


def _measure(client: Client, url: str, runs: int) -> dict:
    """The page's median and 95th percentile server time and its most queries, over `runs`
    runs after a warm-up run."""
    timings, queries = [], []
    for run in range(runs + 1):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                for _chunk in response.streaming_content:
                    pass
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        if run:  # the first run warms caches and is not counted
            timings.append(elapsed)
            queries.append(len(ctx.captured_queries))
    return {
        "url": url,
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(_p95(timings), 1),
        "queries": max(queries),
    }
