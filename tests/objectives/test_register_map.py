"""Issue 16: the objective register's map counts, for each area, the listed objectives naming
it, an area inside it, or an area containing it."""

from types import SimpleNamespace

import pytest

from objectives.maps import count_by_area


def test_objectives_overlapping_each_area_counted_once():
    ward = SimpleNamespace(pk=1, path="0001")
    north = SimpleNamespace(pk=2, path="00010001")
    south = SimpleNamespace(pk=3, path="00010002")
    other = SimpleNamespace(pk=4, path="0002")
    links = [
        (10, "0001"),  # the whole ward: counts in the ward and both its neighbourhoods
        (11, "00010001"),  # north only (and the ward containing it)
        (11, "000100010003"),  # …and an LSOA inside north: still one objective
        (12, "0002"),
    ]
    assert count_by_area([ward, north, south, other], links) == {1: 2, 2: 2, 3: 1, 4: 1}


@pytest.mark.django_db
def test_register_shows_the_map_of_public_objectives_only(client):
    from tests.objectives.factories import ObjectiveFactory
    from tests.places.factories import AreaFactory

    public = ObjectiveFactory(status="active", title="Public one")
    ward = AreaFactory(place=public.place, kind="ward", name="Mapped ward")
    public.areas.set([ward])
    draft = ObjectiveFactory(status="draft", place=public.place, title="Secret draft")
    draft.areas.set([ward])

    response = client.get("/objectives/")

    the_map = response.context["objectives_map"]
    assert [(item.area.name, item.table_text) for item in the_map.items] == [("Mapped ward", "1")]
