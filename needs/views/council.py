"""What the council learns from the needs board: unmet needs on the map and in a table by
area and kind, how long they wait, and which organisations pledge and deliver."""

from django.core.exceptions import PermissionDenied
from django.views.generic import FormView, TemplateView

from places.maps import Band, MapArea, choropleth, count_band, map_areas_for_place
from places.models import Place
from socialvalue.rules import allowed
from socialvalue.view_bases import ServiceFormMixin

from .. import services
from ..forms import ProposeForm
from ..permissions import council_places
from ..selectors import suppliers_pledging, unmet_by_area_and_kind, unmet_counts_by_area

UNMET_BANDS = [Band(1, "5 or more"), Band(2, "3 or 4"), Band(3, "1 or 2")]
NONE_UNMET = Band(5, "None")


def unmet_map(place):
    areas = map_areas_for_place(place)
    counts = unmet_counts_by_area(place, areas)
    steps = list(zip((5, 3, 1), UNMET_BANDS, strict=True))
    items = []
    for area in areas:
        count = counts.get(area.pk, 0)
        items.append(
            MapArea(
                area,
                value_text=f"{count} unmet need{'s' if count != 1 else ''}",
                label=str(count) if count else "",
                table_text=str(count),
                band=count_band(count, steps, NONE_UNMET),
            )
        )
    return choropleth(
        map_id="unmet-needs",
        title=f"Unmet community needs in {place.name}",
        areas=items,
        bands=[*UNMET_BANDS, NONE_UNMET],
        value_heading="Unmet needs",
        notes=["A need counts in each area it is for, and in the areas those are part of."],
    )


def council_place(user) -> Place:
    """The place whose needs an officer or leader sees (the first, by name, if several)."""
    place = council_places(user).order_by("name").first()
    if place is None:
        raise PermissionDenied
    return place


class UnmetNeedsView(TemplateView):
    template_name = "needs/unmet.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not allowed(user, "needs.view_unmet"):
            raise PermissionDenied
        place = council_place(user)
        return {
            **super().get_context_data(**kwargs),
            "place": place,
            "map": unmet_map(place),
            "rows": unmet_by_area_and_kind(place),
            "suppliers": suppliers_pledging(place),
            "may_propose": allowed(user, "needs.propose_from_needs", place),
        }


class NeedsToProposalView(ServiceFormMixin, FormView):
    template_name = "needs/propose.html"

    def dispatch(self, request, *args, **kwargs):
        if not allowed(request.user, "needs.propose_from_needs"):
            raise PermissionDenied
        self.place = council_place(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = ProposeForm(**self.get_form_kwargs(), place=self.place)
        chosen = self.request.GET.getlist("need")
        if not form.is_bound and chosen:
            form.initial["needs"] = [pk for pk in chosen if pk.isdigit()]
        return form

    def perform(self, form):
        return services.needs_to_proposal(
            place=self.place,
            by=self.request.user,
            needs=form.cleaned_data["needs"],
            title=form.cleaned_data["title"],
            problem=form.cleaned_data["problem"],
        )

    def success_message(self, proposal):
        return f"Draft proposal {proposal.reference} made from the needs you chose"
