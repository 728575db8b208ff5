"""The figures' refreshes on the real task queue (the database backend, or Redis with
SOCIALVALUE_TASKS=redis, as .ci/run runs the `tasks` tests): queued once after a change, run
by the worker, deferred while the figures are less than a minute old."""

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards import cache as figure_cache
from dashboards import figures
from tests.dashboards.test_cache import _verify_a_claim
from tests.tasks.worker import chosen_backend, pending, run_worker, use_real_queue

# Real commits: the data token changes once a writing transaction commits.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.tasks]


@pytest.fixture
def real_queue(settings):
    use_real_queue(settings)
    settings.SOCIALVALUE_FIGURES_CACHE_SECONDS = 600
    settings.SOCIALVALUE_FIGURES_STALE_SECONDS = 300
    figure_cache.figures_cache().clear()
    yield
    figure_cache.figures_cache().clear()


def _deferred() -> int:
    """Tasks queued to run later."""
    if chosen_backend() == "redis":
        import django_rq

        return django_rq.get_queue("default").scheduled_job_registry.count
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, run_after__gt=timezone.now()
    ).count()


def test_a_change_queues_one_refresh_and_the_worker_stores_the_figures(
    client, world, real_queue, monkeypatch
):
    monkeypatch.setattr(figure_cache, "REFRESH_INTERVAL", 0)  # due at once
    client.force_login(world.leader)
    url = reverse("dashboards:dashboard")
    first = client.get(url)
    _verify_a_claim(world)
    assert client.get(url).context["figures_updating"] is True
    assert pending() == 1  # queued, not computed in the request
    assert client.get(url).context["figures_updating"] is True
    assert pending() == 1  # not queued again while it waits
    run_worker()
    assert pending() == 0
    after = client.get(url)
    assert after.context["figures_updating"] is False
    assert after.context["measures"] != first.context["measures"]


def test_a_refresh_soon_after_the_last_computation_waits_a_minute(client, world, real_queue):
    client.force_login(world.leader)
    url = reverse("dashboards:dashboard")
    client.get(url)
    _verify_a_claim(world)
    deferred = _deferred()
    assert client.get(url).context["figures_updating"] is True
    assert _deferred() == deferred + 1 and pending() == 0
    run_worker()  # not due yet: the figures were computed moments ago
    assert client.get(url).context["figures_updating"] is True
    assert _deferred() == deferred + 1


def test_the_periodic_refresh_runs_on_the_worker(world, real_queue):
    from dashboards.tasks import refresh_figures_when_changed
    from dashboards.views import refresh_figures

    refresh_figures_when_changed.enqueue()
    assert pending() == 1
    run_worker()
    scope = figures.Scope(place=world.place)
    assert refresh_figures(scope) == "up to date"
