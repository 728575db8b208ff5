"""What the dashboard and the transparency page share: the filters, every figure and table
for a place, the map and need context, and one table as CSV."""

from dataclasses import asdict, replace

from django.http import Http404, HttpResponse
from django.utils import timezone

from places.models import Place
from places.need_figures import DEFINITIONS as NEED_DEFINITIONS
from places.need_figures import area_rates
from places.selectors import need_by_area, need_sources

from .. import cache as figure_cache
from .. import figures, tables
from ..delivery_map import at_risk_map, delivery_map
from ..filters import describe, scope_from
from ..forms import DashboardFilterForm
from .computed import Figures, _figure_sources, _scope_key, figures_for
from .rows import DOWNLOAD_ROWS_KEPT, _csv_response, _table_builders, link_contract_rows


class FiguresMixin:
    """Builds the filter form, the scope, every figure and every table for a place; or one
    table, as CSV."""

    public = False

    def filters(self, place: Place, places) -> tuple[DashboardFilterForm, figures.Scope]:
        form = DashboardFilterForm(
            self.request.GET or None, place=place, places=places, public=self.public
        )
        return form, scope_from(form, public=self.public)

    def build(self, place: Place, places) -> dict:
        form, scope = self.filters(place, places)
        data, up_to_date = figures_for(scope)
        builders = _table_builders(self.public)
        built = {name: build(data) for name, build in builders.items()}
        link_contract_rows(built, data, self.request.user)
        tables.sort_tables(built, self.request.GET)
        query = self.request.GET.copy()
        query.pop("format", None)
        query.pop("table", None)
        query.pop("sort", None)
        return {
            **self.need_context(place, data),
            "figures_updating": not up_to_date,
            "place": place,
            "form": form,
            "scope": scope,
            "filters_described": describe(scope),
            "definitions": figures.DEFINITIONS,
            "bands": figures.BANDS,
            **data,
            "tables": built,
            "csv_query": query.urlencode(),
        }

    def need_context(self, place: Place, data) -> dict:
        """The per-area figures (`figures.by_area`, as the tables) beside population and
        deprivation: the map, delivery against need, and the first screen's largest gaps."""
        sources = need_sources(place)
        needs = need_by_area(place, sources=sources)
        areas = data["areas"]
        rates = area_rates(areas, needs)
        the_map = delivery_map(
            map_id="delivery-map",
            title="Verified social value per 1,000 residents, by neighbourhood",
            rows=areas,
            needs=needs,
            sources=sources.citations,
        )
        # Largest gaps against need: the most deprived areas getting least per resident.
        placed = [
            (rates[r.area_id], r)
            for r in areas
            if not r.wider
            and rates[r.area_id].per_thousand is not None
            and rates[r.area_id].decile is not None
        ]
        # Among the most deprived (deciles 1 and 2): the least per 1,000 residents first.
        placed.sort(key=lambda pair: (pair[0].per_thousand, pair[0].decile, pair[1].name))
        return {
            "at_risk_map": None
            if self.public
            else at_risk_map(
                map_id="at-risk-map",
                title="Commitments behind or at risk, by neighbourhood",
                rows=areas,
                needs=needs,
                table_href="#delivery-map",
            ),
            "delivery_map": the_map,
            "first_screen_map": replace(the_map, map_id="first-screen-map", table_href="#areas"),
            "against_need": data["against_need"],
            "need_definitions": NEED_DEFINITIONS,
            "need_citations": sources.citations,
            "targets_behind": [t for t in data["targets"] if t.status == "behind"][:3],
            "need_gaps": [dict(asdict(row), rate=rate) for rate, row in placed if rate.decile <= 2][
                :3
            ],
        }

    def download(self, place: Place, places, prefix: str) -> HttpResponse:
        """One table in full, as CSV, up to date with the data: never from the page's figures,
        which may be minutes old; computed from only the figures that table needs, and kept
        until the data changes."""
        build = _table_builders(self.public).get(self.request.GET.get("table", ""))
        if build is None:
            raise Http404("No such table")
        _form, scope = self.filters(place, places)
        table = figure_cache.fresh(
            (_scope_key(scope), "download", self.request.GET["table"]),
            lambda: build(Figures(_figure_sources(scope, lambda table: None))),
            keep=lambda table: len(table.rows) <= DOWNLOAD_ROWS_KEPT,
        )
        stamp = timezone.localdate().isoformat()
        return _csv_response(table, f"{prefix}-{table.name}-{stamp}.csv")

    def render_or_download(self, place: Place, places, prefix: str, **extra):
        if self.request.GET.get("format") == "csv":
            return self.download(place, places, prefix)
        context = self.get_context_data()
        context.update(self.build(place, places), **extra)
        return self.render_to_response(context)
