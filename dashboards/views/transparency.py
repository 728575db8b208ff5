"""The public transparency page of a place, and the choice of places."""

import hashlib

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from places.models import Place
from socialvalue.datacache import current_token
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

    body_template_name = "dashboards/_transparency_body.html"
    # Bump when the body's templates change shape, so a cache that outlives a deploy is not
    # read with the old shape. A cached body lives until the data changes, or this long.
    BODY_FORMAT = 1
    BODY_SECONDS = 600

    def get(self, request, *args, **kwargs):
        """The page around its body (the figures, `body_template_name`). An anonymous
        visitor's unfiltered body is the same for everyone until the data changes: it is kept
        in the per-process cache under the data token (as the register of objectives is), so
        the page is not re-rendered from the figures on every visit (hundreds of filter
        options and table rows took ~0.4 s at county scale)."""
        place = self.get_permission_object()
        if request.GET.get("format") == "csv":
            places = Place.objects.filter(pk=place.pk)
            return self.download(place, places, f"transparency-{place.slug}")
        key = self._body_key(place)
        body = cache.get(key) if key else None
        if body is None:
            context = self.get_context_data()
            context.update(self.build(place, Place.objects.filter(pk=place.pk)))
            body = render_to_string(self.body_template_name, context, request=request)
            if key and not context["figures_updating"] and not context["form"].errors:
                cache.set(key, body, self.BODY_SECONDS)
        return self.render_to_response(
            self.get_context_data(place=place, body_html=body, columns=opendata.COLUMNS)
        )

    def _body_key(self, place: Place) -> str | None:
        """Only anonymous visitors without filters share a cached body; none while this
        connection holds uncommitted writes (no token)."""
        token = current_token()
        if token is None or self.request.GET or self.request.user.is_authenticated:
            return None
        day = timezone.localdate().isoformat()  # the figures are judged as at today
        digest = hashlib.sha256(f"{place.pk}\x1f{day}".encode()).hexdigest()[:32]
        return f"dashboards:transparency:{self.BODY_FORMAT}:{token}:{digest}"
