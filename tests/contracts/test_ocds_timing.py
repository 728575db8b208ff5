"""Issue 15: a 500-release download imports in under 30 seconds on the project's machines.

The machines are shared (several test runs at once on two cores), so the bound is held on the
processor time this process spends, which contention does not inflate; the wall-clock time is
printed beside it (run with -s). On SQLite the database works inside this process, so its time
is counted too.

The file is built like a Contracts Finder download for a busy council: half its releases are
the officer's body's (tenders, awards to one to three suppliers, some without values, later
notices for the same contracts), the rest other buyers'. The preview (a dry run) and the import
are each timed; the figures are printed for the record (run with -s).
"""

import json
import random
import time

import pytest
from django.db import connection

from contracts.models import Contract
from contracts.ocds import MAX_RELEASES, import_release_package
from people.models import Organisation
from tests.people.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LIMIT_SECONDS = 30


def busy_download(count: int, seed: int = 15) -> dict:
    rng = random.Random(seed)
    buyers = ["Testborough Council", "Testborough NHS", "Elsewhere Council", "Midshire Fire"]
    releases = []
    for n in range(count):
        buyer = buyers[0] if n % 2 == 0 else rng.choice(buyers[1:])
        contract = n // 2 if n % 4 != 2 else max(0, n // 2 - 3)  # some later notices
        ocid = f"ocds-b5fd17-0perf{contract:04d}"
        date = f"2025-{1 + n % 9:02d}-{1 + n % 27:02d}T{n % 24:02d}:00:00Z"
        tender = {
            "id": f"PERF-{contract:04d}",
            "title": f"Service {contract}",
            "status": "active",
            "mainProcurementCategory": "services",
            "classification": {"scheme": "CPV", "id": "85310000"},
            "tenderPeriod": {"startDate": "2025-01-06T09:00:00Z"},
        }
        if n % 13:
            tender["value"] = {"amount": 10000 + 37 * n, "currency": "GBP"}
        release = {
            "ocid": ocid,
            "id": f"{ocid}-{n}",
            "date": date,
            "tag": ["tender"],
            "buyer": {"id": f"GB-SRS-{buyer}", "name": buyer},
            "parties": [{"id": f"GB-SRS-{buyer}", "name": buyer, "roles": ["buyer"]}],
            "tender": tender,
        }
        if n % 3 == 0:
            names = [f"Perf Supplier {rng.randint(1, 120)} Ltd" for _ in range(rng.randint(1, 3))]
            release["tag"] = ["award"]
            release["parties"] += [
                {
                    "id": f"GB-COH-9{abs(hash(name)) % 10**7:07d}",
                    "name": name,
                    "roles": ["supplier"],
                }
                for name in names
            ]
            release["awards"] = [
                {
                    "id": f"{ocid}-award",
                    "status": "active",
                    "date": "2025-03-01T00:00:00Z",
                    "value": {"amount": 9000 + n, "currency": "GBP"},
                    "suppliers": [{"name": name} for name in names],
                    "contractPeriod": {
                        "startDate": "2025-04-01T00:00:00Z",
                        "endDate": "2027-03-31T00:00:00Z",
                    },
                }
            ]
        releases.append(release)
    return {"version": "1.1", "releases": releases}


def test_a_500_release_download_is_previewed_and_imported_in_under_30_seconds(
    place, council, officer
):
    OrganisationFactory(name="Testborough NHS", kind=Organisation.Kind.NHS, place=place)
    text = json.dumps(busy_download(MAX_RELEASES)).encode()

    preview, preview_cpu, preview_wall = timed(
        lambda: import_release_package(text, place=place, by=officer, dry_run=True)
    )
    report, import_cpu, import_wall = timed(
        lambda: import_release_package(text, place=place, by=officer)
    )

    print(
        f"\n500 releases: preview {preview_cpu:.1f} s processor ({preview_wall:.1f} s wall), "
        f"import {import_cpu:.1f} s processor ({import_wall:.1f} s wall); {report.summary()}"
    )
    assert report.releases == MAX_RELEASES
    assert preview.counts() == report.counts()
    assert len(report.written) >= 200
    assert Contract.objects.count() == len(report.created)
    assert preview_cpu < LIMIT_SECONDS and import_cpu < LIMIT_SECONDS


def timed(run):
    cpu, wall = time.process_time(), time.perf_counter()
    result = run()
    return result, time.process_time() - cpu, time.perf_counter() - wall


def test_the_work_per_release_is_bounded(place, council, officer):
    """Wall time depends on the machine; the number of queries does not. Each written release
    goes through the contract services (validation, history): a budget per release catches an
    import that starts querying per supplier or per contract already imported."""
    OrganisationFactory(name="Testborough NHS", kind=Organisation.Kind.NHS, place=place)
    text = json.dumps(busy_download(100)).encode()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        report = import_release_package(text, place=place, by=officer)
    written = len(report.written)
    print(f"\n100 releases, {written} written: {len(queries)} queries")
    assert len(queries) <= 60 * written + 5 * report.releases
