"""Issue 16: the area picker map of every form that names neighbourhoods (a proposal, a need)
links back with ?area=<id>, which ticks that area; an area of another place (or nonsense) ticks
nothing."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/proposals/new/", "/needs/new/"])
def test_the_map_ticks_the_chosen_area_and_nothing_else(world, path):
    client = Client()
    client.force_login(world.users["vcs_member"])
    url = f"{path}?place={world.place.slug}"

    response = client.get(f"{url}&area={world.neighbourhood.pk}")
    assert response.status_code == 200
    assert response.context["form"].initial["areas"] == [world.neighbourhood.pk]
    picker = response.context["area_picker_map"]
    assert all("area=" in item.url for item in picker.items)
    html = response.content.decode()
    assert "submit-id-action" not in html
    if path == "/proposals/new/":
        assert html.count('id="submit-proposal"') == 1

    from tests.places.factories import AreaFactory

    elsewhere = AreaFactory(place=world.elsewhere, kind="ward", name="Far away")
    for bad in (str(elsewhere.pk), "x", "-1", "1 OR 1=1"):
        response = client.get(f"{url}&area={bad}")
        assert response.status_code == 200
        assert "areas" not in response.context["form"].initial, bad
