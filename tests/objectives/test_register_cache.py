"""The public register's cache (objectives/register_cache.py) and its filter panel: fast, but
never stale, never showing anonymous visitors what only signed-in people may see, and never
reusing a CSP nonce or a CSRF token."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from objectives import register_cache

# The tables the register shows: those the database triggers of an earlier version watched.
from objectives.migrations._register_triggers import TABLES as REGISTER_TABLES
from objectives.models import Objective, Target
from people.models import Organisation
from places.models import Area
from socialvalue.datacache import current_token
from tests.places.factories import AreaFactory

# Real commits: the data token changes once a writing transaction commits, and a connection
# with uncommitted writes neither reads nor fills the cache.
pytestmark = pytest.mark.django_db(transaction=True)


def url(**query):
    from urllib.parse import urlencode

    base = reverse("objectives:objective_list")
    return f"{base}?{urlencode(query)}" if query else base


def get(client, address):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def without_nonce(html):
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


def test_a_cached_register_costs_one_query_and_is_the_same_page(client, make_objective):
    make_objective(title="Warm homes for Keep Lane")
    first, _ = get(client, url())
    second, queries = get(client, url())
    assert queries == 1
    assert "Warm homes for Keep Lane" in second
    assert without_nonce(first) == without_nonce(second)


def test_an_uncached_anonymous_register_costs_the_same_queries_at_any_size(
    client, make_objective, ward, neighbourhoods
):
    make_objective(areas=[ward])
    cache.clear()
    _, one = get(client, url())
    for i in range(30):
        make_objective(areas=neighbourhoods if i % 2 else [ward], title=f"Objective {i}")
    cache.clear()
    _, many = get(client, url())
    assert many == one


@pytest.mark.parametrize(
    "change, shows, hides",
    [
        # Each made without model signals (update(), through-table deletes), as imports and
        # data fixes do: the connection's write watcher sees them all.
        (
            lambda o: Objective.objects.filter(pk=o.pk).update(title="Renamed objective"),
            "Renamed objective",
            "Original title",
        ),
        (
            lambda o: Objective.objects.filter(pk=o.pk).update(status="draft"),
            "0 objectives",
            "Original title",
        ),
        (
            lambda o: Area.objects.filter(pk=o.areas.get().pk).update(name="Harbourside"),
            "Harbourside",
            "Castle Hill",
        ),
        (
            lambda o: Organisation.objects.filter(pk=o.lead_organisation_id).update(
                name="Renamed Council"
            ),
            "led by Renamed Council",
            "led by Testborough Council",
        ),
        (
            lambda o: type(o.outcome).objects.filter(pk=o.outcome_id).update(name="Fair work"),
            "Fair work",
            "Good jobs",
        ),
        (
            lambda o: Target.objects.filter(objective=o).update(archived_at=timezone.now()),
            "0 targets",
            "1 target<",
        ),
        (
            lambda o: Objective.areas.through.objects.filter(objective=o).delete(),
            "Areas:  ·",
            "Areas: Castle Hill",
        ),
    ],
    ids=["title", "status", "area", "organisation", "outcome", "target", "area-link"],
)
def test_any_write_shows_on_the_next_request(client, make_objective, change, shows, hides):
    objective = make_objective(title="Original title")
    before, _ = get(client, url())
    assert hides in before
    change(objective)
    after, _ = get(client, url())
    assert shows in after
    assert hides not in after


def test_anonymous_visitors_never_see_what_signed_in_people_see(client, people, make_objective):
    make_objective(title="Public objective")
    make_objective(title="Draft objective", status="draft")
    client.force_login(people["lead_officer"])
    signed_in, _ = get(client, url())
    assert "Draft objective" in signed_in
    client.logout()
    anonymous, _ = get(client, url())
    assert "Public objective" in anonymous
    assert "Draft objective" not in anonymous
    client.force_login(people["lead_officer"])
    again, queries = get(client, url())
    assert "Draft objective" in again
    assert queries > 1  # signed-in pages are never read from the anonymous cache


def test_the_cached_part_holds_no_nonce_csrf_token_or_message(client, make_objective):
    make_objective()
    first = client.get(url())
    second = client.get(url())
    nonces = [re.findall(r'nonce="([^"]+)"', r.content.decode()) for r in (first, second)]
    assert nonces[0] and nonces[1]
    assert set(nonces[0]).isdisjoint(nonces[1])
    for response, found in zip((first, second), nonces, strict=True):
        assert {f"'nonce-{n}'" for n in found} <= set(
            response["Content-Security-Policy"].replace(";", " ").split()
        )
    stamp = current_token()
    fragment = cache.get(register_cache.key(stamp, "anonymous", ""))
    assert fragment and "Social value objectives" in fragment
    assert "nonce" not in fragment
    assert "csrfmiddlewaretoken" not in fragment
    assert "govuk-notification-banner" not in fragment


def test_a_message_for_the_visitor_shows_on_a_cached_register(client, make_objective):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    make_objective()
    get(client, url())
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[storage.cookie_name] = storage._encode(
        [Message(constants.SUCCESS, "Your response has been saved")]
    )
    html, queries = get(client, url())
    assert "Your response has been saved" in html
    assert queries == 1
    html, _ = get(client, url())
    assert "Your response has been saved" not in html


def test_free_text_searches_and_invalid_filters_are_not_cached(client, make_objective):
    make_objective(title="Apprenticeships")
    get(client, url(q="apprenticeships"))
    html, queries = get(client, url(q="apprenticeships"))
    assert "Apprenticeships" in html
    assert queries > 1
    get(client, url(status="nonsense"))
    assert cache.get(register_cache.key(current_token(), "anonymous", "status=nonsense")) is None


def test_without_a_token_nothing_is_cached(client, make_objective):
    from socialvalue.models import DataVersion

    make_objective(title="Still listed")
    DataVersion.objects.all().delete()
    get(client, url())
    html, queries = get(client, url())
    assert "Still listed" in html
    assert queries > 1


def test_the_token_changes_with_bulk_writes_and_not_with_a_rolled_back_one(place):
    from django.db import transaction

    start = current_token()
    assert start
    Area.objects.bulk_create([Area(place=place, kind="ward", name="Bulk ward", path="x")])
    bulk = current_token()
    assert bulk != start
    with pytest.raises(RuntimeError), transaction.atomic():
        Area.objects.filter(name="Bulk ward").update(name="Renamed in vain")
        assert current_token() is None  # uncommitted writes: no cache
        raise RuntimeError
    assert current_token() == bulk


def test_a_raw_write_to_any_table_the_register_shows_changes_the_token(
    make_objective, nhs_body, ward, place
):
    from socialvalue.datacache import watched_tables

    make_objective(partners=[nhs_body])
    grouping = AreaFactory(place=place, kind="grouping", name="North partnership")
    grouping.wards.set([ward])
    assert set(REGISTER_TABLES) <= watched_tables()
    for table in REGISTER_TABLES:
        before = current_token()
        with connection.cursor() as cursor:
            cursor.execute(f'UPDATE "{table}" SET id = id')
            assert cursor.rowcount > 0, table
        assert current_token() != before, table


# --- The filter panel ---------------------------------------------------------------------


def test_area_choices_are_indented_with_their_kind_and_keep_the_choice(
    client, make_objective, ward, neighbourhoods
):
    make_objective()
    html, _ = get(client, url(area=neighbourhoods[0].pk))
    assert f'<option value="{ward.pk}">Castle Hill (ward)</option>' in html
    assert (
        f'<option value="{neighbourhoods[0].pk}" selected>  Keep Lane (neighbourhood)</option>'
        in html
    )
    assert html.count(" selected>") == 7  # one per select: the area, and "all" for the rest


def test_new_reference_data_appears_in_the_choices_at_once(client, people, make_objective, place):
    make_objective()
    client.force_login(people["lead_officer"])
    get(client, url())
    AreaFactory(place=place, kind="ward", name="Newly made ward")
    html, _ = get(client, url())
    assert "Newly made ward (ward)" in html


def test_choice_labels_are_escaped(client, make_objective, place):
    make_objective()
    AreaFactory(place=place, kind="ward", name='<script>alert("x")</script>')
    html, _ = get(client, url())
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; (ward)" in html


def test_an_invalid_filter_is_shown_next_to_its_control(client, make_objective):
    make_objective()
    html, _ = get(client, url(status="nonsense"))
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert '<p id="id_status-error" class="govuk-error-message">' in html
    assert "nonsense is not one of the available choices" in html
    select = re.search(r"<select[^>]*name=\"status\"[^>]*>", html).group(0)
    assert 'aria-describedby="id_status-error"' in select
    assert "govuk-select--error" in select
    assert "No objectives match these filters" in html


def test_every_control_has_a_label_and_the_panel_submits_by_get(client, make_objective):
    make_objective()
    html, _ = get(client, url())
    form = re.search(r'<form method="get".*?</form>', html, re.S).group(0)
    controls = re.findall(r'<(?:select|input)[^>]*id="([^"]+)"', form)
    assert len(controls) == 8
    for control in controls:
        assert f'<label class="govuk-label govuk-label--s" for="{control}">' in form
    assert "Apply filters</button>" in form
    assert "csrfmiddlewaretoken" not in form
