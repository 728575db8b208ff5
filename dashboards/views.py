"""The leaders' dashboard, the public transparency page and the open data downloads."""

import json
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView

from people.models import Membership
from people.permissions import place_ids
from places.models import Place
from places.need_figures import DEFINITIONS as NEED_DEFINITIONS
from places.need_figures import area_rates, delivery_against_need
from places.selectors import need_by_area, need_sources
from socialvalue.csv import csv_lines
from socialvalue.views import RuleRequiredMixin

from . import cache as figure_cache
from . import figures, ocds, opendata, tables
from .delivery_map import at_risk_map, delivery_map
from .filters import describe, scope_from, scope_from_values, scope_values
from .forms import DashboardFilterForm
from .tasks import refresh_scope

Role = Membership.Role


def _csv_response(table: tables.Table, filename: str) -> HttpResponse:
    response = StreamingHttpResponse(
        csv_lines([table.headers, *table.rows]), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
    }
    if scope.public:
        sources["contracts"] = lambda data: figures.contracts_with_commitments(
            scope, limit=limit("contracts")
        )
        # (adopted proposals shown, how many in all): the page unpacks the pair.
        sources["adopted_and_total"] = lambda data: figures.proposals_adopted(
            scope, limit=tables.Table.shown
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


# A table's download is kept (while the data is unchanged) up to this many rows: the
# transparency page's downloads are open to anyone, and most take seconds to compute at county
# scale. The longest (every commitment at risk) would be tens of megabytes.
DOWNLOAD_ROWS_KEPT = 5000


def _table_builders(public: bool) -> dict:
    """Each table of the page, from the figures (a `Figures` or the cached dict)."""

    def targets(data):
        return tables.targets_table(data["targets"], public=public, total=data.get("targets_total"))

    def at_risk(data):
        statuses = data.get("statuses")
        total = statuses["behind"] + statuses["at_risk"] if statuses else None
        return tables.at_risk_table(data["at_risk"], total=total)

    builders = {
        "measures": lambda data: tables.measures_table(data["measures"], public=public),
        "targets": targets,
        "areas": lambda data: tables.areas_table(data["areas"]),
        "outcomes": lambda data: tables.outcomes_table(data["outcomes"]),
        "quarters": lambda data: tables.quarters_table(data["quarters"], public=public),
        "proposals": lambda data: tables.proposals_table(data["proposals"]),
        "responses": lambda data: tables.responses_table(data["consultations"]),
        "gap_areas": lambda data: tables.gaps_tables(data["gaps"])[0],
        "gap_objectives": lambda data: tables.gaps_tables(data["gaps"])[1],
    }
    if public:
        builders["contracts"] = lambda data: tables.contracts_table(*data["contracts"])
    else:
        builders["non_compliant"] = lambda data: tables.non_compliant_table(data["compliance"])
        builders["at_risk"] = at_risk
        builders["organisations"] = lambda data: tables.organisations_table(data["organisations"])
    return builders


@dataclass(frozen=True)
class ContractLink:
    """How a dashboard row names its contract for the viewer: a link when they may open the
    contract, otherwise the buying body to contact about it."""

    url: str
    contact: str


def contract_links(user, contract_ids) -> dict[int, ContractLink]:
    """The rule `contracts.view_contract` (as `Contract.objects.visible_to`) for many contracts
    at once: two queries however many rows. The dashboard is a partnership view, so a place's
    officers and leaders see every body's at-risk and non-compliant rows; a row links to its
    contract only for those who may open it, and names the buying body to everyone else."""
    ids = {pk for pk in contract_ids if pk is not None}
    if not ids:
        return {}
    from contracts.models import Contract

    may_open = set(
        Contract.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    buyers = dict(Contract.objects.filter(pk__in=ids).values_list("pk", "buyer__name"))
    return {
        pk: ContractLink(
            url=reverse("contracts:contract_detail", kwargs={"pk": pk}) if pk in may_open else "",
            contact=buyers.get(pk, ""),
        )
        for pk in ids
    }


# The tables whose rows are contracts: the column that names the contract, and where each
# shown row's contract id is in the figures.
CONTRACT_ROWS = {
    "non_compliant": (0, lambda data: [r["pk"] for r in data["compliance"]["not_compliant"]]),
    "at_risk": (1, lambda data: [r["contract_id"] for r in data["at_risk"]]),
}


def link_contract_rows(built: dict, data, user) -> None:
    """Give every table `rows_with_links`: each shown row with its `ContractLink` (None where
    the table's rows are not contracts), and `link_column`, the column to link."""
    ids = {}
    for name, (_column, contract_ids) in CONTRACT_ROWS.items():
        if name in built:
            ids[name] = contract_ids(data)[: built[name].shown]
    links = contract_links(user, [pk for row_ids in ids.values() for pk in row_ids])
    for name, table in built.items():
        shown = table.display_rows
        row_ids = ids.get(name, [])
        table.link_column = CONTRACT_ROWS[name][0] if name in ids else None
        table.rows_with_links = [
            (row, links.get(row_ids[i]) if i < len(row_ids) else None)
            for i, row in enumerate(shown)
        ]


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
            (rates[r["area_id"]], r)
            for r in areas
            if not r["wider"]
            and rates[r["area_id"]].per_thousand is not None
            and rates[r["area_id"]].decile is not None
        ]
        # Among the most deprived (deciles 1 and 2): the least per 1,000 residents first.
        placed.sort(key=lambda pair: (pair[0].per_thousand, pair[0].decile, pair[1]["name"]))
        return {
            "at_risk_map": None
            if self.public
            else at_risk_map(
                map_id="at-risk-map",
                title="Commitments behind or at risk, by neighbourhood",
                rows=areas,
                needs=needs,
            ),
            "delivery_map": the_map,
            "first_screen_map": replace(the_map, map_id="first-screen-map", table_href="#areas"),
            "against_need": delivery_against_need(areas, needs),
            "need_definitions": NEED_DEFINITIONS,
            "need_citations": sources.citations,
            "targets_behind": [t for t in data["targets"] if t["status"] == "behind"][:3],
            "need_gaps": [dict(row, rate=rate) for rate, row in placed if rate.decile <= 2][:3],
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


class DashboardView(RuleRequiredMixin, FiguresMixin, TemplateView):
    """/dashboard/: for leaders and officers of a public body serving the place."""

    permission_rule = "dashboards.view_dashboard"
    template_name = "dashboards/dashboard.html"

    def places(self):
        user = self.request.user
        qs = Place.objects.order_by("name")
        if user.is_superuser:
            return qs
        return qs.filter(pk__in=place_ids(user, Role.LEADER, Role.OFFICER))

    def get_permission_object(self):
        """The place asked for (any place: the rule refuses those the user does not serve), or
        the user's first place."""
        slug = self.request.GET.get("place")
        if slug:
            return Place.objects.filter(slug=slug).first()
        return self.places().first()

    def get(self, request, *args, **kwargs):
        place = self.get_permission_object()
        return self.render_or_download(place, self.places(), f"dashboard-{place.slug}")


class DashboardSummaryPdfView(DashboardView):
    """/dashboard/summary.pdf: the printable summary (at most four A4 pages) for the same
    filters, rendered from the page's templates (dashboards/pdf.py)."""

    template_name = "dashboards/summary_pdf.html"

    def get(self, request, *args, **kwargs):
        from django.template.loader import render_to_string

        from .pdf import render_pdf

        place = self.get_permission_object()
        context = self.get_context_data()
        context.update(self.build(place, self.places()))
        html = render_to_string(self.template_name, context, request=request)
        pdf, _pages = render_pdf(html)
        response = HttpResponse(pdf, content_type="application/pdf")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="social-value-summary-{place.slug}-{stamp}.pdf"'
        )
        return response


@method_decorator(login_not_required, name="dispatch")
class TransparencyIndexView(TemplateView):
    """/transparency/: the place's page, or a choice of places when there are several."""

    template_name = "dashboards/transparency_index.html"

    def get(self, request, *args, **kwargs):
        places = list(Place.objects.order_by("name"))
        if len(places) == 1:
            return redirect("dashboards:transparency", slug=places[0].slug)
        return self.render_to_response(self.get_context_data(places=places))


@method_decorator(login_not_required, name="dispatch")
class TransparencyView(RuleRequiredMixin, FiguresMixin, TemplateView):
    """The same figures for the public: verified data and published objectives only."""

    permission_rule = "dashboards.view_transparency"
    template_name = "dashboards/transparency.html"
    public = True

    def get_permission_object(self):
        return get_object_or_404(Place, slug=self.kwargs["slug"])

    def get(self, request, *args, **kwargs):
        place = self.get_permission_object()
        return self.render_or_download(
            place,
            Place.objects.filter(pk=place.pk),
            f"transparency-{place.slug}",
            columns=opendata.COLUMNS,
        )


@method_decorator(login_not_required, name="dispatch")
class CommitmentsCsvView(RuleRequiredMixin, View):
    """Open data: one row per commitment per reporting period, verified delivery only."""

    permission_rule = "dashboards.view_transparency"

    def get_permission_object(self):
        return get_object_or_404(Place, slug=self.kwargs["slug"])

    def get(self, request, slug):
        place = self.get_permission_object()
        form = DashboardFilterForm(
            request.GET or None, place=place, places=Place.objects.filter(pk=place.pk), public=True
        )
        scope = scope_from(form, public=True)
        response = StreamingHttpResponse(
            _lines(scope),
            content_type="text/csv; charset=utf-8",
        )
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="{place.slug}-commitments-{stamp}.csv"'
        )
        return response


def _lines(scope):
    def rows():
        yield opendata.HEADER
        yield from opendata.rows(scope)

    return csv_lines(rows())


@method_decorator(login_not_required, name="dispatch")
class OcdsView(RuleRequiredMixin, View):
    """Open data: an OCDS 1.1 release package of the place's contracts with social value, or
    a page saying why there is none yet (404: there is no package to download)."""

    permission_rule = "dashboards.view_transparency"

    def get_permission_object(self):
        return get_object_or_404(Place, slug=self.kwargs["slug"])

    def get(self, request, slug):
        place = self.get_permission_object()
        scope = figures.Scope(place=place, public=True)
        reason = ocds.unpublished_reason(scope)
        if reason:
            return render(
                request,
                "dashboards/ocds_unpublished.html",
                {"place": place, "reason": reason},
                status=404,
            )
        uri = request.build_absolute_uri(reverse("dashboards:ocds", kwargs={"slug": slug}))
        # Streamed a few hundred contracts at a time: a county's package is too big to build
        # in memory.
        response = StreamingHttpResponse(
            ocds.release_package_text(scope, uri=uri),
            content_type="application/json; charset=utf-8",
        )
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="{slug}-ocds-{stamp}.json"'
        return response


@method_decorator(login_not_required, name="dispatch")
class OcdsExtensionView(View):
    """The project's own OCDS extension, at a stable address listed in every package."""

    FILES = {
        "extension.json": "application/json",
        "release-schema.json": "application/json",
        "README.md": "text/markdown; charset=utf-8",
    }

    def get(self, request, name):
        if name not in self.FILES:
            raise Http404
        text = (ocds.EXTENSION_DIR / name).read_text(encoding="utf-8")
        if name == "extension.json":
            metadata = json.loads(text)
            readme = reverse("dashboards:ocds_extension", kwargs={"name": "README.md"})
            metadata["documentationUrl"] = {"en": settings.SOCIALVALUE_SITE_URL + readme}
            text = json.dumps(metadata, indent=2)
        response = HttpResponse(text, content_type=self.FILES[name])
        response["Access-Control-Allow-Origin"] = "*"  # open data: any tool may read it
        return response
