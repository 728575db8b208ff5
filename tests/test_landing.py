"""The public landing page at the site root (issue 17: "the site root is a sign-in page, with
no public landing page")."""

import pytest
from django.urls import reverse
from django.utils.html import escape

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_get_the_landing_page_not_a_sign_in_redirect(client):
    response = client.get("/")
    assert response.status_code == 200
    assert next(t.name for t in response.templates) == "landing.html"
    html = response.content.decode()
    for name in (
        "objectives:objective_list",
        "consultations:consultation_list",
        "dashboards:transparency_index",
        "people:login",
    ):
        assert f'href="{reverse(name)}' in html, name
    assert "Consultations open now" in html


def test_the_landing_page_may_be_cached_and_sets_no_cookie(client):
    response = client.get("/")
    assert "private" not in response.get("Cache-Control", "")
    assert "no-store" not in response.get("Cache-Control", "")
    assert not response.cookies


def test_the_landing_page_holds_no_personal_data(client, officer, settings):
    html = client.get("/").content.decode()
    assert officer.email not in html and escape(officer.get_full_name()) not in html
    # The only address is the operator's contact, in the footer of every page.
    assert html.count("@") == html.count(settings.SOCIALVALUE_CONTACT_EMAIL)


def test_signed_in_people_still_reach_their_home(client, officer):
    client.force_login(officer)
    response = client.get("/")
    assert "home.html" in [t.name for t in response.templates]
    assert "landing.html" not in [t.name for t in response.templates]
    assert "private" in response["Cache-Control"]


def test_the_landing_page_costs_no_database_queries(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        client.get("/")
