"""The page's figures: how each is computed from the others it needs, and kept in the figures
cache (`dashboards.cache`) per scope, refreshed by the task worker."""

from django.utils import timezone

from .. import cache as figure_cache
from .. import figures, tables
from ..against_need import against_need_figure
from ..filters import scope_from_values, scope_values
from ..tasks import refresh_scope


def _scope_key(scope: figures.Scope) -> tuple:
    """The scope as plain values, for the figures cache's key."""
    return _values_key(scope_values(scope))


def _values_key(values: dict) -> tuple:
    """`scope_values` as a key, whatever the order of its keys: a queue may not keep it
    (PostgreSQL's jsonb, where django-tasks-db keeps a task's arguments, sorts them)."""
    return tuple(sorted(values.items()))


def _figure_sources(scope: figures.Scope, limit) -> dict:
    """How each figure is computed, given the others it needs (`data`). `limit(table)` says how
    many rows of a long list to read: the page shows the first ones, its CSV has them all."""
    sources = {
        # Shared by statuses, areas and outcomes; not itself shown, so not kept.
        "groups": lambda data: figures.progress_groups(scope),
        "spend": lambda data: figures.spend_in_scope(scope),
        "compliance": lambda data: figures.compliance(scope, limit=limit("non_compliant")),
        "weighting": lambda data: figures.average_weighting(scope),
        "measures": lambda data: figures.delivery_by_measure(scope),
        "objectives": lambda data: figures.objectives_summary(scope),
        "statuses": lambda data: figures.commitment_statuses(scope, data["groups"]),
        "targets": lambda data: figures.targets_progress(scope, limit=limit("targets")),
        "targets_total": lambda data: figures.targets_total(scope),
        "areas": lambda data: figures.by_area(scope, data["groups"]),
        "gaps": lambda data: figures.gaps(scope, data["areas"]),
        "proposals": lambda data: figures.proposals_summary(scope),
        "consultations": lambda data: figures.consultations_summary(scope),
        "outcomes": lambda data: figures.by_outcome(scope, data["groups"]),
        "quarters": lambda data: figures.by_quarter(scope),
        "against_need": lambda data: against_need_figure(scope, data["areas"]),
    }
    if scope.public:
        sources["contracts"] = lambda data: figures.contracts_with_commitments(
            scope, limit=limit("contracts")
        )
        # (adopted proposals shown, how many in all): the page unpacks the pair.
        # The same for every filter of the place: kept once per place, while the data is
        # unchanged (25 ms at county scale, for each filter nobody had asked for).
        sources["adopted_and_total"] = lambda data: figure_cache.fresh(
            ("place-wide", "adopted", scope.place.pk, tables.Table.shown),
            lambda: figures.proposals_adopted(scope, limit=tables.Table.shown),
        )
    else:
        sources["at_risk"] = lambda data: figures.commitments_at_risk(scope, limit=limit("at_risk"))
        sources["organisations"] = lambda data: figures.by_organisation(scope)
    return sources


class Figures(dict):
    """Figures computed when first read (and then kept), each from `_figure_sources`. `in` and
    `.get()` do not compute: a table uses them for what it can do without."""

    def __init__(self, sources: dict):
        super().__init__()
        self.sources = sources

    def __missing__(self, name: str):
        value = self[name] = self.sources[name](self)
        return value


def compute_figures(scope: figures.Scope) -> dict:
    """Every figure for the scope's page, as plain data (so it can be cached)."""
    data = Figures(_figure_sources(scope, lambda table: tables.Table.shown))
    computed = {name: data[name] for name in data.sources if name != "groups"}
    if scope.public:
        computed["adopted"], computed["adopted_total"] = computed.pop("adopted_and_total")
    computed["generated_at"] = timezone.now()
    return computed


def figures_for(scope: figures.Scope) -> tuple[dict, bool]:
    """The page's figures for the scope, and whether they are up to date (dashboards.cache)."""
    return figure_cache.cached(
        (_scope_key(scope),),
        lambda: compute_figures(scope),
        enqueue=lambda run_after: _queue_refresh(scope, run_after),
    )


def _queue_refresh(scope: figures.Scope, run_after) -> None:
    """Queue `tasks.refresh_scope` for the scope, to run no sooner than `run_after` (None: at
    once). A backend that cannot defer (the immediate one tests use) runs it at once."""
    refresh = refresh_scope
    if run_after is not None and refresh.get_backend().supports_defer:
        refresh = refresh.using(run_after=run_after)
    refresh.enqueue(scope_values(scope))


def refresh_figures(scope: figures.Scope) -> str:
    """Compute the scope's figures now unless they are up to date (`dashboards.cache.refresh`)."""
    return figure_cache.refresh((_scope_key(scope),), lambda: compute_figures(scope))


def refresh_queued_figures(values: dict) -> str:
    """The queued refresh of the figures of the scope `values` describes (`scope_values`;
    `dashboards.cache.refresh_queued`): "gone" if a filter it names no longer exists."""
    scope = scope_from_values(values)
    # The key the request's scope had: `values` are that scope's values, as the queue kept them.
    return figure_cache.refresh_queued(
        (_values_key(values),), scope and (lambda: compute_figures(scope))
    )
