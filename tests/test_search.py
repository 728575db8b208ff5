"""Site search (issue 17: "there is no search across the site"): full text on PostgreSQL, a
word-by-word fallback on SQLite, grouped by type then a page at a time, at a fixed number of
queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives.models import Objective
from socialvalue import search
from tests.objectives.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db


def _objective(place, council, title, **fields):
    return ObjectiveFactory(
        place=place,
        lead_organisation=council,
        title=title,
        status=Objective.Status.ACTIVE,
        **fields,
    )


def test_the_four_kinds_are_searched():
    assert [s.name for s in search.sources()] == [
        "objectives",
        "proposals",
        "consultations",
        "contracts",
    ]


def test_an_anonymous_visitor_finds_a_public_objective(client, place, council):
    _objective(place, council, "Apprenticeships for young people in Castle Hill")
    page = client.get(reverse("search"), {"q": "apprenticeships castle"}).content.decode()
    assert "Apprenticeships for young people in Castle Hill" in page
    assert "Objectives: 1" in page


def test_full_text_on_postgresql_words_on_sqlite(place, council):
    """PostgreSQL stems words ("apprenticeship" finds "apprenticeships"); SQLite matches each
    word as typed, anywhere in a field ("apprentice" finds it too)."""
    from django.contrib.auth.models import AnonymousUser

    wanted = _objective(place, council, "Apprenticeships for young people")
    _objective(place, council, "Clean air near schools")
    source = search.source("objectives")
    found = list(search.search(source, AnonymousUser(), "apprenticeships"))
    assert found == [wanted]
    if search.uses_full_text():
        assert list(search.search(source, AnonymousUser(), "apprenticeship young")) == [wanted]
        assert list(search.search(source, AnonymousUser(), '"young people" -air')) == [wanted]
    else:
        assert list(search.search(source, AnonymousUser(), "apprentice young")) == [wanted]
        assert list(search.search(source, AnonymousUser(), "apprenticeship old")) == []


def test_an_empty_search_finds_nothing_and_says_what_to_type(client):
    page = client.get(reverse("search"), {"q": "   "}).content.decode()
    assert "Type a word or two" in page


def test_a_long_query_is_cut_to_eight_words():
    assert search.cleaned_query(" ".join(f"w{i}" for i in range(20))) == " ".join(
        f"w{i}" for i in range(8)
    )


def test_query_count_does_not_grow_with_results(client, place, council):
    def count(params):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("search"), params).status_code == 200
        return len(ctx.captured_queries)

    _objective(place, council, "Local jobs 0")
    everything, one_type = count({"q": "jobs"}), count({"q": "jobs", "type": "objectives"})
    for i in range(1, 30):
        _objective(place, council, f"Local jobs {i}")
    assert count({"q": "jobs"}) == everything
    assert count({"q": "jobs", "type": "objectives"}) == one_type


def test_results_of_one_type_are_paginated(client, place, council):
    for i in range(25):
        _objective(place, council, f"Green spaces {i}")
    first = client.get(reverse("search"), {"q": "green", "type": "objectives"})
    assert first.context["page_obj"].paginator.count == 25
    assert first.content.decode().count("data-item") == 20
    second = client.get(reverse("search"), {"q": "green", "type": "objectives", "page": 2})
    assert second.content.decode().count("data-item") == 5
    overview = client.get(reverse("search"), {"q": "green"}).content.decode()
    assert "See all 25 objectives" in overview


def test_the_header_has_a_search_box(client):
    page = client.get(reverse("search")).content.decode()
    assert 'id="header-search"' in page and 'role="search"' in page
