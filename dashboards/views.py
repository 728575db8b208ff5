"""The leaders' dashboard, the public transparency page and the open data downloads."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView

from people.models import Membership
from people.permissions import place_ids
from places.models import Place
from socialvalue.csv import csv_lines
from socialvalue.views import RuleRequiredMixin

from . import cache as figure_cache
from . import figures, ocds, opendata, tables
from .filters import describe, scope_from
from .forms import DashboardFilterForm

Role = Membership.Role


def _csv_response(table: tables.Table, filename: str) -> HttpResponse:
    response = StreamingHttpResponse(
        csv_lines([table.headers, *table.rows]), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


MODEL_FILTERS = ("organisation", "area", "theme", "outcome")


def _scope_key(scope: figures.Scope) -> tuple:
    """The scope as plain values, for the figures cache's key."""
    return (
        scope.place.pk,
        scope.start,
        scope.end,
        *(getattr(scope, name).pk if getattr(scope, name) else None for name in MODEL_FILTERS),
        scope.dimension,
        scope.public,
        scope.today,
    )


def compute_figures(scope: figures.Scope, limit) -> dict:
    """Every figure for the scope, as plain data (so it can be cached). `limit(table)` says how
    many rows of a long list to read: the page shows the first ones, its CSV has them all."""
    groups = figures.progress_groups(scope)  # shared by statuses, areas and outcomes
    areas = figures.by_area(scope, groups)
    data = {
        "spend": figures.spend_in_scope(scope),
        "compliance": figures.compliance(scope, limit=limit("non_compliant")),
        "weighting": figures.average_weighting(scope),
        "measures": figures.delivery_by_measure(scope),
        "objectives": figures.objectives_summary(scope),
        "statuses": figures.commitment_statuses(scope, groups),
        "targets": figures.targets_progress(scope, limit=limit("targets")),
        "targets_total": figures.targets_total(scope),
        "areas": areas,
        "gaps": figures.gaps(scope, areas),
        "proposals": figures.proposals_summary(scope),
        "consultations": figures.consultations_summary(scope),
        "outcomes": figures.by_outcome(scope, groups),
        "quarters": figures.by_quarter(scope),
        "generated_at": timezone.now(),
    }
    if scope.public:
        data["contracts"] = figures.contracts_with_commitments(scope, limit=limit("contracts"))
        data["adopted"], data["adopted_total"] = figures.proposals_adopted(
            scope, limit=tables.Table.shown
        )
    else:
        data["at_risk"] = figures.commitments_at_risk(scope, limit=limit("at_risk"))
        data["organisations"] = figures.by_organisation(scope)
    return data


class FiguresMixin:
    """Builds the filter form, the scope, every figure and every table for a place."""

    public = False

    def build(self, place: Place, places) -> dict:
        form = DashboardFilterForm(
            self.request.GET or None, place=place, places=places, public=self.public
        )
        scope = scope_from(form, public=self.public)
        wanted = self.request.GET.get("table") if self.request.GET.get("format") == "csv" else ""

        def limit(table_name: str) -> int | None:
            """Long lists are read in full only for their CSV; the page shows the first rows."""
            return None if wanted == table_name else tables.Table.shown

        data, up_to_date = figure_cache.cached(
            (_scope_key(scope), wanted), lambda: compute_figures(scope, limit)
        )
        context = {
            "figures_updating": not up_to_date,
            "place": place,
            "form": form,
            "scope": scope,
            "filters_described": describe(scope),
            "definitions": figures.DEFINITIONS,
            "bands": figures.BANDS,
            **data,
        }
        context["tables"] = {
            "measures": tables.measures_table(data["measures"], public=self.public),
            "targets": tables.targets_table(
                data["targets"], public=self.public, total=data["targets_total"]
            ),
            "areas": tables.areas_table(data["areas"]),
            "outcomes": tables.outcomes_table(data["outcomes"]),
            "quarters": tables.quarters_table(data["quarters"], public=self.public),
            "proposals": tables.proposals_table(data["proposals"]),
            "responses": tables.responses_table(data["consultations"]),
        }
        gap_areas, gap_objectives = tables.gaps_tables(data["gaps"])
        context["tables"].update(gap_areas=gap_areas, gap_objectives=gap_objectives)
        if self.public:
            rows, total = data["contracts"]
            context["tables"]["contracts"] = tables.contracts_table(rows, total=total)
        else:
            statuses = data["statuses"]
            context["tables"]["non_compliant"] = tables.non_compliant_table(data["compliance"])
            context["tables"]["at_risk"] = tables.at_risk_table(
                data["at_risk"], total=statuses["behind"] + statuses["at_risk"]
            )
            context["tables"]["organisations"] = tables.organisations_table(data["organisations"])
        query = self.request.GET.copy()
        query.pop("format", None)
        query.pop("table", None)
        context["csv_query"] = query.urlencode()
        return context

    def render_or_download(self, context, prefix: str):
        if self.request.GET.get("format") == "csv":
            table = context["tables"].get(self.request.GET.get("table", ""))
            if table is None:
                raise Http404("No such table")
            stamp = timezone.localdate().isoformat()
            return _csv_response(table, f"{prefix}-{table.name}-{stamp}.csv")
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
        context = self.get_context_data(**kwargs)
        context.update(self.build(place, self.places()))
        return self.render_or_download(context, f"dashboard-{place.slug}")


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
        context = self.get_context_data(**kwargs)
        context.update(self.build(place, Place.objects.filter(pk=place.pk)))
        context["columns"] = opendata.COLUMNS
        return self.render_or_download(context, f"transparency-{place.slug}")


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
    """Open data: an OCDS 1.1 release package of the place's contracts with social value."""

    permission_rule = "dashboards.view_transparency"

    def get_permission_object(self):
        return get_object_or_404(Place, slug=self.kwargs["slug"])

    def get(self, request, slug):
        place = self.get_permission_object()
        scope = figures.Scope(place=place, public=True)
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
