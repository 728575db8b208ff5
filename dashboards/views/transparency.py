"""The public transparency page of a place, and the choice of places."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from places.models import Place
from socialvalue.views import RuleRequiredMixin

from .. import opendata
from .base import FiguresMixin


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
