"""The figures cache: served until the data changes; after a change, recent figures are shown
(marked) while fresh ones are computed, and older ones never."""

import functools
import io
import time

import pytest
from django.urls import reverse

from contracts import services
from dashboards import cache as figure_cache
from dashboards import figures
from socialvalue.datacache import current_token

# Real commits: the data token changes once a writing transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cached_figures(settings, monkeypatch):
    settings.SOCIALVALUE_FIGURES_CACHE_SECONDS = 600
    settings.SOCIALVALUE_FIGURES_STALE_SECONDS = 300
    # The shared cache as configured: in the database, as in production.
    cache = figure_cache.figures_cache()
    cache.clear()
    # Background refreshes are collected here and run when the test says.
    pending = []
    monkeypatch.setattr(
        figure_cache, "_run_in_background", lambda work, delay: pending.append((work, delay))
    )
    yield pending
    cache.clear()


def _computations(monkeypatch):
    calls = []
    original = figure_cache.cached

    def counting(key_parts, compute):
        def wrapped():
            calls.append(key_parts)
            return compute()

        return original(key_parts, wrapped)

    monkeypatch.setattr(figure_cache, "cached", counting)
    return calls


def _verify_a_claim(world):
    claimed = world.k1.returns.filter(status="submitted").first()
    services.return_verify(delivery_return=claimed, by=world.officer)


def test_figures_are_computed_once_while_the_data_is_unchanged(
    client, world, cached_figures, monkeypatch
):
    calls = _computations(monkeypatch)
    client.force_login(world.leader)
    url = reverse("dashboards:dashboard")
    first = client.get(url)
    assert first.status_code == 200 and len(calls) == 1
    assert first.context["figures_updating"] is False
    client.get(url)
    assert len(calls) == 1  # served from the cache
    client.get(url + "?dimension=social")
    assert len(calls) == 2  # other filters, other figures
    assert not cached_figures  # nothing to refresh


def test_figures_are_kept_in_the_database_for_every_server_process(
    client, world, cached_figures, monkeypatch
):
    """Not in this process's memory: in the table every process reads."""
    from django.db import connection

    def entries():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM socialvalue_figures_cache")
            return cursor.fetchone()[0]

    assert entries() == 0
    calls = _computations(monkeypatch)
    client.force_login(world.leader)
    client.get(reverse("dashboards:dashboard"))
    assert len(calls) == 1 and entries() == 1


def test_after_a_change_recent_figures_are_shown_marked_while_fresh_ones_are_computed(
    client, world, cached_figures, monkeypatch
):
    calls = _computations(monkeypatch)
    client.force_login(world.leader)
    url = reverse("dashboards:dashboard")
    first = client.get(url)
    token = current_token()
    _verify_a_claim(world)
    assert current_token() != token

    shown = client.get(url)
    assert len(calls) == 1  # not computed while the visitor waits
    assert shown.context["measures"] == first.context["measures"]
    assert shown.context["figures_updating"] is True
    page = shown.content.decode()
    assert "Changes made since then are being added" in page
    assert len(cached_figures) == 1  # one refresh started...
    client.get(url)
    assert len(cached_figures) == 1  # ...and not another while it runs

    work, delay = cached_figures.pop()
    assert 0 < delay <= figure_cache.REFRESH_INTERVAL  # not sooner than a minute after the last
    work()  # the background refresh finishes
    assert len(calls) == 2
    after = client.get(url)
    assert len(calls) == 2
    assert after.context["figures_updating"] is False
    assert after.context["measures"] != first.context["measures"]


def test_a_csv_download_is_never_older_than_the_data(client, world, cached_figures, monkeypatch):
    """The page may show figures a few minutes old (and says so); a download has no such note,
    so it is served from the cache only while the data is unchanged."""

    computed = []
    original = figures.delivery_by_measure

    @functools.wraps(original)  # with its definition, which the table shows
    def counting(scope):
        computed.append(scope)
        return original(scope)

    monkeypatch.setattr(figures, "delivery_by_measure", counting)
    client.force_login(world.leader)
    url = reverse("dashboards:dashboard")

    def verified_m1():
        response = client.get(url, {"format": "csv", "table": "measures"})
        text = b"".join(response.streaming_content).decode()
        return next(line for line in text.splitlines() if line.startswith("M1")).split(",")[4]

    client.get(url)
    computed.clear()
    before = verified_m1()
    assert verified_m1() == before and len(computed) == 1  # kept while the data is unchanged
    _verify_a_claim(world)
    assert client.get(url).context["figures_updating"] is True  # the page: recent figures
    assert verified_m1() != before  # the download: the data as it is
    assert len(computed) == 2


def test_the_scheduled_refresh_computes_what_visitors_will_ask_for_once_per_change(
    client, world, cached_figures, monkeypatch
):
    from django.core.management import call_command

    def run():
        out = io.StringIO()
        call_command("refresh_figures", stdout=out)
        return out.getvalue()

    computed = run()
    assert f"{world.place.name} dashboard: computed in" in computed
    assert f"{world.place.name} transparency page: computed in" in computed
    assert "computed" not in run()  # nothing changed since
    calls = _computations(monkeypatch)
    client.force_login(world.leader)
    page = client.get(reverse("dashboards:dashboard"))
    public = client.get(reverse("dashboards:transparency", kwargs={"slug": world.place.slug}))
    assert not calls  # both served as the job computed them
    assert page.context["figures_updating"] is False
    assert public.context["figures_updating"] is False
    _verify_a_claim(world)
    assert run().count("computed in") == 2


def test_the_scheduled_refresh_leaves_figures_a_server_process_is_computing(world, cached_figures):
    from django.core.management import call_command

    from dashboards.views import _scope_key, refresh_figures

    scope = figures.Scope(place=world.place)
    key = figure_cache._key((_scope_key(scope),))
    figure_cache.figures_cache().add(figure_cache._lock(key), True, timeout=60)
    assert refresh_figures(scope) == "under way"
    out = io.StringIO()
    call_command("refresh_figures", stdout=out)
    assert f"{world.place.name} dashboard: being computed by a server process" in out.getvalue()


def test_the_scheduled_refresh_says_when_the_cache_is_off(world, cached_figures, settings):
    from django.core.management import call_command

    settings.SOCIALVALUE_FIGURES_CACHE_SECONDS = 0
    out = io.StringIO()
    call_command("refresh_figures", stdout=out)
    assert "The figures cache is off" in out.getvalue()


def test_a_computation_does_not_replace_figures_stored_by_one_started_later(cached_figures):
    key = figure_cache._key(("k",))
    token = current_token()

    def slow():  # while it runs, a later computation finishes first
        figure_cache.figures_cache().set(key, (token, time.time() + 1, "newer"), 60)
        return "older"

    assert figure_cache._store(key, token, slow) == "older"
    assert figure_cache.figures_cache().get(key)[2] == "newer"


def test_figures_stored_by_other_code_are_never_read(cached_figures, monkeypatch):
    """The cache outlives a deploy: entries are keyed by the version of the code."""
    figure_cache.cached(("k",), lambda: "old shape")
    monkeypatch.setattr(figure_cache, "CODE_VERSION", "another")
    assert figure_cache.cached(("k",), lambda: "new shape") == ("new shape", True)


def test_figures_older_than_the_limit_are_never_shown_after_a_change(
    client, world, cached_figures, monkeypatch, settings
):
    calls = _computations(monkeypatch)
    client.force_login(world.leader)
    url = reverse("dashboards:dashboard")
    first = client.get(url)
    settings.SOCIALVALUE_FIGURES_STALE_SECONDS = 0  # every cached entry is now too old
    _verify_a_claim(world)
    after = client.get(url)
    assert len(calls) == 2  # computed while the visitor waited
    assert after.context["figures_updating"] is False
    assert after.context["measures"] != first.context["measures"]
    assert not cached_figures


def test_a_transaction_with_uncommitted_writes_bypasses_the_cache(world, cached_figures):
    from django.db import transaction

    computed = []
    figure_cache.cached(("k",), lambda: computed.append(1))
    with transaction.atomic():
        world.k1.recovery_action = "Extra sessions"
        world.k1.save()
        value, up_to_date = figure_cache.cached(("k",), lambda: "inside")
        assert (value, up_to_date) == ("inside", True)
    assert computed == [1]


def test_the_cache_is_off_in_tests_by_default(client, world, monkeypatch):
    calls = _computations(monkeypatch)
    client.force_login(world.leader)
    client.get(reverse("dashboards:dashboard"))
    client.get(reverse("dashboards:dashboard"))
    assert len(calls) == 2
