"""The figures cache: served until the data changes, recomputed after any committed change."""

import pytest
from django.db import transaction
from django.urls import reverse

from contracts import services
from dashboards import cache as figure_cache
from dashboards.models import FiguresVersion

# Real commits: the version goes up in an on-commit hook.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cached_figures(settings):
    settings.SOCIALVALUE_FIGURES_CACHE_SECONDS = 600
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    from django.core.cache import cache

    cache.clear()
    yield
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


def test_figures_are_computed_once_until_a_return_is_verified(
    client, world, cached_figures, monkeypatch
):
    calls = _computations(monkeypatch)
    client.force_login(world.leader)
    url = reverse("dashboards:dashboard")
    first = client.get(url)
    assert first.status_code == 200 and len(calls) == 1
    client.get(url)
    assert len(calls) == 1  # served from the cache
    client.get(url + "?dimension=social")
    assert len(calls) == 2  # other filters, other figures

    claimed = world.k1.returns.filter(status="submitted").first()
    version = FiguresVersion.current()
    services.return_verify(delivery_return=claimed, by=world.officer)
    assert FiguresVersion.current() == version + 1
    after = client.get(url)
    assert len(calls) == 3  # recomputed after the change
    assert after.context["measures"] != first.context["measures"]


def test_a_rolled_back_change_does_not_bump_and_one_transaction_bumps_once(world):
    version = FiguresVersion.current()
    try:
        with transaction.atomic():
            world.k1.recovery_action = "Extra sessions"
            world.k1.save()
            raise RuntimeError
    except RuntimeError:
        pass
    assert FiguresVersion.current() == version
    with transaction.atomic():
        world.k1.recovery_action = "Extra sessions"
        world.k1.save()
        with transaction.atomic():  # a savepoint inside
            world.k1.contract.save()
        world.council.save()
    assert FiguresVersion.current() == version + 1


def test_a_change_kept_after_a_rolled_back_savepoint_still_bumps(world):
    version = FiguresVersion.current()
    with transaction.atomic():
        try:
            with transaction.atomic():
                world.k1.contract.save()  # registers a bump inside the savepoint
                raise RuntimeError
        except RuntimeError:
            pass  # the savepoint and its bump are dropped...
        world.k1.save()  # ...so this change must register its own
    assert FiguresVersion.current() == version + 1


def test_the_cache_is_off_in_tests_by_default(client, world, monkeypatch):
    calls = _computations(monkeypatch)
    client.force_login(world.leader)
    client.get(reverse("dashboards:dashboard"))
    client.get(reverse("dashboards:dashboard"))
    assert len(calls) == 2
