from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, FormView, ListView

from socialvalue.forms import ConfirmForm
from socialvalue.rules import allowed
from socialvalue.view_bases import ActOnObjectMixin, ServiceFormMixin

from . import services
from .area_page import area_sections
from .forms import AreaForm
from .maps import deprivation_map, map_areas_for, map_areas_for_place
from .models import Area, Place
from .selectors import need_by_area, need_sources


class PlaceListView(ListView):
    template_name = "places/place_list.html"
    context_object_name = "places"
    paginate_by = 50

    def get_queryset(self):
        return Place.objects.annotate(
            area_count=Count("areas", filter=Q(areas__archived_at__isnull=True))
        ).order_by("name")


class PlaceDetailView(DetailView):
    template_name = "places/place_detail.html"
    context_object_name = "place"

    def get_queryset(self):
        return Place.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        areas = list(Area.objects.filter(place=self.object).current().for_tree())
        context.update(
            areas=areas,
            groupings=[a for a in areas if a.kind == Area.Kind.GROUPING],
            tree=[a for a in areas if a.kind != Area.Kind.GROUPING],
            organisations=self.object.organisations.current().order_by("name"),
            may_manage=allowed(self.request.user, "places.manage_areas", self.object),
            need_map=deprivation_map(
                map_id="place-need-map",
                title=f"Deprivation across {self.object.name}",
                areas=map_areas_for_place(self.object),
                place=self.object,
            ),
        )
        return context


@method_decorator(login_not_required, name="dispatch")
class AreaDetailView(DetailView):
    """The neighbourhood page: open to everyone. Areas and need figures are public; each
    section other apps add (`area_page`) shows the visitor only what they may see."""

    template_name = "places/area_detail.html"
    context_object_name = "area"

    def get_queryset(self):
        return Area.objects.select_related("place", "parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = self.object
        ancestor_ids = [
            int(area.path[i : i + Area.PATH_STEP])
            for i in range(0, len(area.path) - Area.PATH_STEP, Area.PATH_STEP)
        ]
        sources = need_sources(area.place)
        needs = need_by_area(area.place, sources=sources)
        context.update(
            need=needs.get(area.pk),
            need_sources=sources,
            need_map=deprivation_map(
                map_id="area-need-map",
                title=f"Deprivation in and around {area.name}"
                if area.kind == Area.Kind.LSOA
                else f"Deprivation in {area.name}",
                areas=map_areas_for(area),
                place=area.place,
                outline=area if area.kind != Area.Kind.GROUPING else None,
                sources=sources,
                needs=needs,
            ),
            successors=list(area.successors.order_by("name")),
            predecessors=list(area.predecessors.order_by("name")),
            ancestors=list(Area.objects.filter(pk__in=ancestor_ids).order_by("path")),
            children=list(area.children.current().order_by("name")),
            wards=list(area.wards.order_by("name")) if area.kind == Area.Kind.GROUPING else [],
            groupings=list(area.groupings.current().order_by("name")),
            organisations=list(
                area.organisations.current().visible_to(self.request.user).order_by("name")
            ),
            may_manage=allowed(self.request.user, "places.manage_areas", area.place),
            **area_sections(self.request, area, needs),
        )
        return context


class PlaceScopedMixin(ServiceFormMixin, ActOnObjectMixin):
    """The place from the URL (every place is public); who keeps its areas decides."""

    permission_rule = "places.manage_areas"
    lookups = {"slug": "slug"}

    def get_acted_on_queryset(self):
        return Place.objects.all()

    def get_place(self) -> Place:
        return self.acted_on()


class AreaCreateView(PlaceScopedMixin, FormView):
    template_name = "places/area_form.html"
    form_class = AreaForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "place": self.get_place()}

    def perform(self, form):
        return services.area_create(place=self.get_place(), **form.cleaned_data)

    def success_message(self, area):
        return f"{area.name} added"


class AreaUpdateView(PlaceScopedMixin, FormView):
    template_name = "places/area_form.html"
    form_class = AreaForm

    def get_area(self) -> Area:
        if not hasattr(self, "_area"):
            self._area = get_object_or_404(
                Area.objects.select_related("place"),
                pk=self.kwargs["pk"],
                place__slug=self.kwargs["slug"],
            )
        return self._area

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "place": self.get_place(), "instance": self.get_area()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "area": self.get_area()}

    def perform(self, form):
        return services.area_update(area=self.get_area(), **form.cleaned_data)

    def success_message(self, area):
        return f"{area.name} updated"


class AreaArchiveView(AreaUpdateView):
    template_name = "places/area_archive.html"

    def get_form(self, form_class=None):
        return ConfirmForm(**FormView.get_form_kwargs(self), submit_label="Archive area")

    def form_valid(self, form):
        area = services.area_archive(area=self.get_area())
        messages.success(
            self.request, f"{area.name} archived. Records that point to it keep it in history."
        )
        return redirect(area.place)
