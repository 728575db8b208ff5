"""The whole-place files (publishing) hold what a person's live download gives for the whole
place: the same CSV bytes, and the same OCDS releases (only the moment of building, and the
package's own address, differ)."""

import json

import pytest
from django.urls import reverse

from publishing import services
from publishing.models import PublishedFile

pytestmark = pytest.mark.django_db
Kind = PublishedFile.Kind
WHOLE_PLACE = {"period": "", "organisation": "", "area": "", "theme": "", "dimension": ""}


@pytest.fixture(autouse=True)
def _open_data_root(settings, tmp_path):
    settings.SOCIALVALUE_OPEN_DATA_ROOT = tmp_path / "open-data"


def _live(client, name, place, params) -> bytes:
    response = client.get(reverse(f"dashboards:{name}", kwargs={"slug": place.slug}), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _without_moment(package: dict) -> dict:
    package.pop("publishedDate"), package.pop("uri")
    for release in package["releases"]:
        release.pop("date"), release.pop("id")
    return package


@pytest.mark.parametrize("params", [{}, WHOLE_PLACE], ids=["unfiltered", "filtered to all"])
def test_the_built_files_equal_the_live_downloads_for_the_whole_place(client, world, params):
    services.build_place(place=world.place)

    csv_file = services.path_of(world.place, Kind.COMMITMENTS_CSV).read_bytes()
    live_csv = _live(client, "commitments_csv", world.place, params)
    assert csv_file == live_csv
    assert live_csv.count(b"\r\n") > 2  # a header and rows, not an empty export

    built = json.loads(services.path_of(world.place, Kind.OCDS).read_text())
    live = json.loads(_live(client, "ocds", world.place, params))
    assert built["releases"], "the package has releases to compare"
    assert _without_moment(built) == _without_moment(live)
