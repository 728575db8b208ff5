"""Open data downloads: every commitment as CSV, the OCDS release package and the project's
OCDS extension."""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View

from places.models import Place
from socialvalue.views import RuleRequiredMixin

from .. import figures, ocds, opendata
from ..filters import scope_from
from ..forms import DashboardFilterForm


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
            opendata.csv_text(scope),
            content_type="text/csv; charset=utf-8",
        )
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="{place.slug}-commitments-{stamp}.csv"'
        )
        return response


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
