"""Background work for the dashboard and transparency figures (dashboards.cache): the refresh
a visitor's request queues after a change, and the periodic refresh that keeps each place's
unfiltered figures computed so that nobody waits for them."""

import time
from collections.abc import Iterator

from crontask import cron
from django.tasks import task

from places.models import Place

from .filters import scope_from
from .forms import DashboardFilterForm


@task
def refresh_scope(values: dict) -> str:
    """Compute afresh the figures of the scope `values` describes (`filters.scope_values`).
    Queued by `dashboards.cache.refresh_later`, which holds the lock until this has run."""
    from .views import refresh_queued_figures  # the views queue this task

    return refresh_queued_figures(values)


@task
def refresh_area_page(area_id: int, public: bool) -> str:
    """Compute afresh the figures of an area's page (`neighbourhood.cached_area_figures`),
    queued as `refresh_scope` is."""
    from .neighbourhood import refresh_queued_area

    return refresh_queued_area(area_id, public)


def refresh_each_place() -> Iterator[tuple[str, str, str, float]]:
    """Compute each place's dashboard and transparency figures without filters (what a
    visitor first asks for) if the data changed since they were computed: for each, (place,
    page, outcome of `dashboards.cache.refresh`, seconds taken). Stops after the first "off"
    (the cache is off: nothing to compute ahead)."""
    from .views import refresh_figures

    for place in Place.objects.order_by("name"):
        for public, page in ((False, "dashboard"), (True, "transparency page")):
            # The figures a visitor without filters asks for: the same form, so the same key.
            form = DashboardFilterForm(
                None, place=place, places=Place.objects.filter(pk=place.pk), public=public
            )
            started = time.perf_counter()
            outcome = refresh_figures(scope_from(form, public=public))
            yield place.name, page, outcome, time.perf_counter() - started
            if outcome == "off":
                return


@cron("*/2 * * * *")
@task
def refresh_figures_when_changed() -> int:
    """Every 2 minutes: compute each place's unfiltered figures if the data changed, so that
    the first visitor after a change, or of the day, does not wait for them. How many were
    computed."""
    return sum(outcome == "computed" for _, _, outcome, _ in refresh_each_place())
