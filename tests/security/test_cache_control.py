"""Nothing with personal or commercial data is kept by a browser's cache or a proxy (issue 13,
Low: evidence downloads, return pages, dashboard CSV downloads and consultation responses
came without `Cache-Control: private, no-store`).

Deny by default: every response carries it unless the view is one of the few marked public
(`socialvalue.caching.PUBLIC_VIEWS`) and the person is not signed in. The family test asks every
URL the application serves as each kind of signed-in person, and as an anonymous one.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.cache import get_max_age

from socialvalue.caching import PUBLIC_VIEWS
from tests.security.conftest import ROLES
from tests.security.served import served_patterns, url_for

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    return {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",") if d}


def _private(response) -> bool:
    return {"private", "no-store"} <= _directives(response)


def _ask(client, path, method="get"):
    response = getattr(client, method)(path)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


# The responses reported ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "what"),
    [
        ("officer", "evidence download"),
        ("supplier_contact", "return page"),
        ("officer", "dashboard CSV"),
        ("officer", "consultation responses"),
        ("vcs_member", "account page"),
    ],
)
def test_private_pages_and_files_are_not_stored(world, role, what):
    paths = {
        "evidence download": reverse("contracts:evidence_download", args=[world.evidence.pk]),
        "return page": reverse("contracts:return_detail", args=[world.delivery_return.pk]),
        "dashboard CSV": reverse("dashboards:dashboard") + "?format=csv&table=at_risk",
        "consultation responses": reverse(
            "consultations:responses_export", args=[world.consultation.pk]
        ),
        "account page": reverse("people:account"),
    }
    client = Client()
    client.force_login(world.users[role])

    response = _ask(client, paths[what])

    assert response.status_code == 200, what
    assert _private(response), f"{what}: {response.get('Cache-Control')}"


# The family ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_every_response_to_a_signed_in_person_is_private(world, role):
    """Every page shows who is signed in (the header names them), so none is shared."""
    client = Client()
    client.force_login(world.users[role])
    open_to_cache = []
    for pattern in served_patterns():
        if pattern.name == "people:logout":
            continue
        path = url_for(pattern.name, world)
        method = "get" if "get" in pattern.methods else "post"
        response = _ask(client, path, method)
        if not _private(response):
            open_to_cache.append(f"{method.upper()} {path} ({response.status_code})")
    assert open_to_cache == []


def test_only_the_public_views_may_be_kept_when_nobody_is_signed_in(world):
    client = Client()
    open_to_cache = []
    for pattern in served_patterns():
        path = url_for(pattern.name, world)
        method = "get" if "get" in pattern.methods else "post"
        response = _ask(client, path, method)
        if pattern.name in PUBLIC_VIEWS:
            assert response.status_code == 200, path
            assert not _private(response), f"{path} is public: it may be cached"
            assert not response.cookies, f"{path} sets a cookie, so it is not the same for all"
        elif not _private(response):
            open_to_cache.append(f"{method.upper()} {path} ({response.status_code})")
    assert open_to_cache == []


def test_the_public_views_are_views_the_application_serves():
    served = {pattern.name for pattern in served_patterns()}
    assert served >= PUBLIC_VIEWS


def test_a_public_view_that_sets_a_cookie_is_private_after_all(world, settings):
    """A public page that hands out a cookie (a CSRF token for a form, say) is not the same
    for everyone, so it is not shared either."""
    from django.http import HttpResponse

    from socialvalue.caching import PrivateByDefaultMiddleware

    def view(request):
        response = HttpResponse("hello")
        response.set_cookie("csrftoken", "abc")
        return response

    request = Client().get(reverse("objectives:objective_list")).wsgi_request
    response = PrivateByDefaultMiddleware(view)(request)
    assert _private(response)
    assert get_max_age(response) is None
