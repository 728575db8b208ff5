"""Open data as files (publishing): built by a task from the same builders as the live
downloads, swapped in whole, with build time, size and checksum; rebuilt after changes at
most every N minutes; served without building anything."""

import datetime
import hashlib
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from publishing import services, tasks
from publishing.models import PublishedFile
from socialvalue.models import DataVersion

pytestmark = pytest.mark.django_db
Kind = PublishedFile.Kind


@pytest.fixture(autouse=True)
def _open_data_root(settings, tmp_path):
    settings.SOCIALVALUE_OPEN_DATA_ROOT = tmp_path / "open-data"


def _live_csv(client, place) -> bytes:
    response = client.get(reverse("dashboards:commitments_csv", kwargs={"slug": place.slug}))
    return b"".join(response.streaming_content)


def test_the_files_hold_what_the_live_downloads_give(client, world):
    csv_file, ocds_file = services.build_place(place=world.place)

    csv_bytes = services.path_of(world.place, Kind.COMMITMENTS_CSV).read_bytes()
    assert csv_bytes == _live_csv(client, world.place)
    assert csv_file.size == len(csv_bytes)
    assert csv_file.sha256 == hashlib.sha256(csv_bytes).hexdigest()
    package = json.loads(services.path_of(world.place, Kind.OCDS).read_text())
    live = json.loads(
        b"".join(
            client.get(
                reverse("dashboards:ocds", kwargs={"slug": world.place.slug})
            ).streaming_content
        )
    )
    assert [r["ocid"] for r in package["releases"]] == [r["ocid"] for r in live["releases"]]
    assert package["uri"].endswith(services.file_url(world.place, Kind.OCDS))
    assert ocds_file.build_seconds >= 0


def test_a_place_without_an_ocid_prefix_publishes_no_package(world, settings):
    settings.SOCIALVALUE_OCID_PREFIX = ""
    files = services.build_place(place=world.place)
    assert [f.kind for f in files] == [Kind.COMMITMENTS_CSV]
    assert not services.path_of(world.place, Kind.OCDS).exists()


def test_a_file_is_served_to_anyone_without_building_it(client, world):
    services.build_place(place=world.place)
    url = services.file_url(world.place, Kind.COMMITMENTS_CSV)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert body == services.path_of(world.place, Kind.COMMITMENTS_CSV).read_bytes()
    assert response["Content-Type"].startswith("text/csv")
    assert "public" in response.get("Cache-Control", "") or "no-store" not in response.get(
        "Cache-Control", ""
    )
    assert len(queries) <= 3  # the place, the file's record (and the session check)


def test_an_unknown_or_unbuilt_file_is_not_found(client, world):
    url = reverse("publishing:file", kwargs={"slug": world.place.slug, "name": "secrets.txt"})
    assert client.get(url).status_code == 404
    assert client.get(services.file_url(world.place, Kind.OCDS)).status_code == 404


def test_the_transparency_page_links_the_files_with_their_checksum(client, world):
    url = reverse("dashboards:transparency", kwargs={"slug": world.place.slug})
    before = client.get(url)
    assert "being built" in before.content.decode()
    files = services.build_place(place=world.place)
    page = client.get(url).content.decode()
    for f in files:
        assert services.file_url(world.place, f.kind) in page
        assert f.sha256 in page


def test_the_files_are_rebuilt_after_a_change_at_most_every_n_minutes(world, settings):
    settings.SOCIALVALUE_OPEN_DATA_EVERY_MINUTES = 15
    assert services.places_to_rebuild() == [world.place]  # never built
    services.build_place(place=world.place)
    assert services.places_to_rebuild() == []  # nothing changed

    DataVersion.bump()
    now = timezone.now()
    assert services.places_to_rebuild(now=now) == []  # built moments ago: wait
    later = now + datetime.timedelta(minutes=16)
    assert services.places_to_rebuild(now=later) == [world.place]


def test_the_tasks_build_each_file_of_the_place(world):
    assert tasks.build_open_data.call(world.place.pk, Kind.OCDS) == 1
    assert list(PublishedFile.objects.values_list("kind", flat=True)) == [Kind.OCDS]
    assert tasks.build_open_data.call(world.place.pk) == 2
    assert PublishedFile.objects.filter(place=world.place).count() == 2


def test_a_changed_place_is_queued_file_by_file(world, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import default_task_backend

    assert tasks.open_data_when_changed.call() == 1  # never built
    queued = [(r.args, r.task.name) for r in default_task_backend.results]
    assert queued == [
        ([world.place.pk, Kind.COMMITMENTS_CSV.value], "build_open_data"),
        ([world.place.pk, Kind.OCDS.value], "build_open_data"),
    ]
