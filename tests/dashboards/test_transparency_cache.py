"""The transparency page's body (its figures) is kept for anonymous visitors without filters
until the data changes (`TransparencyView`): a warm page is not rendered again from the
figures, and a change, a filter or a signed-in person always gets it afresh."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from dashboards.views import transparency

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(monkeypatch):
    """The data token, as `socialvalue.datacache` would give it once committed."""
    now = {"token": "a"}
    monkeypatch.setattr(transparency, "current_token", lambda: now["token"])
    cache.clear()
    yield now
    cache.clear()


def _page(client, world, **query):
    url = reverse("dashboards:transparency", kwargs={"slug": world.place.slug})
    response = client.get(url, query)
    assert response.status_code == 200
    return response


def _without_nonce(response) -> str:
    return re.sub(r'nonce="[^"]*"', "", response.content.decode())


def _body_renders(response) -> int:
    return [t.name for t in response.templates].count("dashboards/_transparency_body.html")


def test_a_warm_page_is_the_same_page_without_rendering_the_figures(
    client, world, token, django_assert_max_num_queries
):
    first = _page(client, world)
    assert _body_renders(first) == 1
    with django_assert_max_num_queries(4):  # place, permission object, token, built files
        second = _page(client, world)
    assert _body_renders(second) == 0
    assert _without_nonce(second) == _without_nonce(first)
    assert "O1 active" in second.content.decode()
    assert "Whole-place files" in second.content.decode()  # listed afresh around the body


def test_a_change_to_the_data_renders_the_body_afresh(client, world, token):
    _page(client, world)
    token["token"] = "b"
    assert _body_renders(_page(client, world)) == 1


@pytest.mark.parametrize("who", ["filters", "signed_in", "no_token"])
def test_filtered_signed_in_or_uncommitted_pages_are_never_kept(client, world, token, who):
    query = {"period": "2025"} if who == "filters" else {}
    if who == "signed_in":
        client.force_login(world.leader)
    if who == "no_token":
        token["token"] = None
    _page(client, world, **query)
    assert _body_renders(_page(client, world, **query)) == 1
