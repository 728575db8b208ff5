"""The figures cache: served until the data changes; after a change, recent figures are shown
(marked) while fresh ones are computed, and older ones never."""

import datetime
import functools
import io
import json
import shutil
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts import services
from dashboards import cache as figure_cache
from dashboards import figures
from socialvalue.datacache import current_token, data_changed

# Real commits: the data token changes once a writing transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


def _use_the_cache(settings):
    settings.SOCIALVALUE_FIGURES_CACHE_SECONDS = 600
    settings.SOCIALVALUE_FIGURES_STALE_SECONDS = 300
    # The shared cache as configured: in the database, as in production.
    figure_cache.figures_cache().clear()


@pytest.fixture
def cached_figures(settings):
    """The cache on; queued refreshes kept by the dummy task backend (a list of task results)
    and run when the test says."""
    _use_the_cache(settings)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from dashboards.tasks import refresh_scope

    queued = refresh_scope.get_backend().results
    yield queued
    figure_cache.figures_cache().clear()


@pytest.fixture
def cached_figures_run_at_once(settings):
    """The cache on, with the default test task backend: a queued refresh runs when queued."""
    _use_the_cache(settings)
    yield
    figure_cache.figures_cache().clear()


def _computations(monkeypatch):
    """Each computation of a page's figures (by a request, a queued or a periodic refresh):
    counted in the module that computes and caches them, where every caller looks it up."""
    from dashboards.views import computed

    calls = []
    original = computed.compute_figures

    def counting(scope):
        calls.append(scope)
        return original(scope)

    monkeypatch.setattr(computed, "compute_figures", counting)
    return calls


def _never(run_after):
    pytest.fail("no refresh should be queued here")


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

    def entries():  # the dashboard's (the table also holds the places' need figures)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM socialvalue_figures_cache WHERE cache_key LIKE %s",
                ["%socialvalue:figures:%"],
            )
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
    assert len(cached_figures) == 1  # one refresh queued...
    client.get(url)
    assert len(cached_figures) == 1  # ...and not another while it waits

    (queued,) = cached_figures
    assert queued.task.name == "refresh_scope"
    # Not sooner than a minute after the figures were last computed.
    delay = (queued.task.run_after - timezone.now()).total_seconds()
    assert 0 < delay <= figure_cache.REFRESH_INTERVAL
    assert queued.task.call(*queued.args) == "computed"  # the worker runs it
    assert len(calls) == 2
    after = client.get(url)
    assert len(calls) == 2
    assert after.context["figures_updating"] is False
    assert after.context["measures"] != first.context["measures"]


def test_while_a_refresh_is_queued_no_other_computation_of_those_figures_starts(
    client, world, cached_figures
):
    """The lock is held from queueing until the task has run, in the shared cache: the
    periodic refresh leaves those figures alone, and running the task releases it."""
    from dashboards.tasks import refresh_figures_when_changed

    client.force_login(world.leader)
    url = reverse("dashboards:dashboard")
    client.get(url)
    _verify_a_claim(world)
    assert client.get(url).context["figures_updating"] is True
    (queued,) = cached_figures
    # The dashboard is queued; the transparency page was never visited, so it is computed.
    assert refresh_figures_when_changed.call() == 1
    queued.task.call(*queued.args)
    assert client.get(url).context["figures_updating"] is False
    data_changed()  # another change
    assert client.get(url).context["figures_updating"] is True
    assert len(cached_figures) == 2  # the lock was released: the next change queues again


def test_a_queued_refresh_runs_with_the_default_test_backend_and_stores_the_figures(
    client, world, cached_figures_run_at_once, monkeypatch
):
    """The default test backend runs a task when it is queued (after the commit)."""
    calls = _computations(monkeypatch)
    client.force_login(world.leader)
    url = reverse("dashboards:dashboard")
    first = client.get(url)
    _verify_a_claim(world)
    shown = client.get(url)
    assert shown.context["figures_updating"] is True
    assert shown.context["measures"] == first.context["measures"]
    assert len(calls) == 2  # the queued refresh ran
    after = client.get(url)
    assert len(calls) == 2  # and stored what it computed
    assert after.context["figures_updating"] is False
    assert after.context["measures"] != first.context["measures"]


def test_a_queued_refresh_names_the_scope_the_visitor_asked_for(world):
    from dashboards.filters import scope_from_values, scope_values
    from dashboards.views import _scope_key, _values_key

    scope = figures.Scope(
        place=world.place,
        start=datetime.date(2025, 4, 1),
        end=datetime.date(2026, 3, 31),
        organisation=world.nhs,
        area=world.w1,
        theme=world.t1,
        dimension="social",
        public=True,
    )
    # The task's argument goes through the queue as JSON, perhaps with its keys reordered
    # (PostgreSQL's jsonb sorts them): the same scope, so the same key, lock and entry.
    values = scope_values(scope)
    for kept in (values, dict(reversed(values.items())), dict(sorted(values.items()))):
        through_the_queue = json.loads(json.dumps(kept))
        assert scope_from_values(through_the_queue) == scope
        assert _values_key(through_the_queue) == _scope_key(scope)


def test_a_queued_refresh_whose_filter_is_gone_computes_nothing_and_releases_the_lock(
    world, cached_figures
):
    from dashboards.filters import scope_values
    from dashboards.tasks import refresh_scope
    from dashboards.views import _values_key

    values = {**scope_values(figures.Scope(place=world.place)), "theme": 999999}  # no such theme
    key = figure_cache._key((_values_key(values),))
    figure_cache.figures_cache().add(figure_cache._lock(key), True, timeout=60)
    assert refresh_scope.call(values) == "gone"
    assert figure_cache.figures_cache().get(figure_cache._lock(key)) is None
    assert figure_cache.figures_cache().get(key) is None


def test_a_csv_download_is_never_older_than_the_data(client, world, cached_figures, patch_figure):
    """The page may show figures a few minutes old (and says so); a download has no such note,
    so it is served from the cache only while the data is unchanged."""

    computed = []
    original = figures.delivery_by_measure

    @functools.wraps(original)  # with its definition, which the table shows
    def counting(scope):
        computed.append(scope)
        return original(scope)

    patch_figure("delivery_by_measure", counting)
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


def test_the_periodic_refresh_computes_what_visitors_will_ask_for_once_per_change(
    client, world, cached_figures, monkeypatch
):
    from dashboards.tasks import refresh_figures_when_changed

    # The dashboard and the transparency page, without filters.
    assert refresh_figures_when_changed.call() == 2
    assert refresh_figures_when_changed.call() == 0  # nothing changed since
    calls = _computations(monkeypatch)
    client.force_login(world.leader)
    page = client.get(reverse("dashboards:dashboard"))
    public = client.get(reverse("dashboards:transparency", kwargs={"slug": world.place.slug}))
    assert not calls  # both served as the task computed them
    assert page.context["figures_updating"] is False
    assert public.context["figures_updating"] is False
    _verify_a_claim(world)
    assert refresh_figures_when_changed.call() == 2
    assert not cached_figures  # nothing queued: every page was up to date


def test_the_refresh_command_does_what_the_periodic_task_does_and_says_so(world, cached_figures):
    from django.core.management import call_command

    def run():
        out = io.StringIO()
        call_command("refresh_figures", stdout=out)
        return out.getvalue()

    computed = run()
    assert f"{world.place.name} dashboard: computed in" in computed
    assert f"{world.place.name} transparency page: computed in" in computed
    assert "computed" not in run()  # nothing changed since
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
    figure_cache.cached(("k",), lambda: "old shape", enqueue=_never)
    monkeypatch.setattr(figure_cache, "CODE_VERSION", "another")
    assert figure_cache.cached(("k",), lambda: "new shape", enqueue=_never) == ("new shape", True)


def test_the_code_version_changes_with_any_module_of_the_app(tmp_path):
    """The key's code version digests every module of the app, those in its packages too (the
    figures are a package): a change to any of them keys figures afresh."""
    app = tmp_path / "dashboards"
    shutil.copytree(figure_cache.APP_FOLDER, app, ignore=shutil.ignore_patterns("__pycache__"))
    assert figure_cache._code_version(app) == figure_cache.CODE_VERSION  # the same code
    changed = [app / "figures" / "areas.py", app / "figures" / "__init__.py", app / "cache.py"]
    for path in changed:
        text = path.read_text()
        path.write_text(text + "# changed\n")
        assert figure_cache._code_version(app) != figure_cache.CODE_VERSION, path
        path.write_text(text)
    assert figure_cache._code_version(app) == figure_cache.CODE_VERSION


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
    figure_cache.cached(("k",), lambda: computed.append(1), enqueue=_never)
    with transaction.atomic():
        world.k1.recovery_action = "Extra sessions"
        world.k1.save()
        value, up_to_date = figure_cache.cached(("k",), lambda: "inside", enqueue=_never)
        assert (value, up_to_date) == ("inside", True)
    assert computed == [1]


def test_the_cache_is_off_in_tests_by_default(client, world, monkeypatch):
    calls = _computations(monkeypatch)
    client.force_login(world.leader)
    client.get(reverse("dashboards:dashboard"))
    client.get(reverse("dashboards:dashboard"))
    assert len(calls) == 2


def test_the_adopted_proposals_are_read_once_per_place_while_the_data_is_unchanged(
    client, world, cached_figures, monkeypatch
):
    """The transparency page's adopted proposals are the place's, whatever the filters: a
    filter nobody has asked for reads them from the cache, until the data changes."""
    from dashboards.views import computed

    calls = []
    original = figures.proposals_adopted

    def counting(scope, limit=None):
        calls.append(scope)
        return original(scope, limit=limit)

    monkeypatch.setattr(computed.figures, "proposals_adopted", counting)
    url = reverse("dashboards:transparency", args=[world.place.slug])
    first = client.get(url)
    assert first.status_code == 200 and len(calls) == 1
    assert client.get(url + "?dimension=social").status_code == 200
    assert len(calls) == 1  # other filters, the same place: read from the cache
    _verify_a_claim(world)
    second = client.get(url + "?dimension=economic")
    assert len(calls) == 2  # the data changed: read afresh
    assert second.context["adopted"] == first.context["adopted"]
