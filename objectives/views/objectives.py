"""The register of objectives: the public list, its export, and an objective's page."""

import csv

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import Http404, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView

from objectives.maps import map_place, objectives_map
from places.models import Area
from socialvalue.csv import safe_csv_cell
from socialvalue.datacache import current_token
from socialvalue.history import Source, timeline
from socialvalue.rules import allowed

from .. import register_cache
from ..export import COLUMNS as EXPORT_COLUMNS
from ..export import export_rows
from ..filters import ObjectiveFilterSet
from ..models import EvidenceLink, Objective, Target
from ..origins import origins_of
from ..progress import achievement, delivery_for, percent


class Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def _visible(user):
    return Objective.objects.visible_to(user)


@method_decorator(login_not_required, name="dispatch")
class ObjectiveListView(FilterView):
    """The register: public for active and achieved objectives, more for those involved."""

    template_name = "objectives/objective_list.html"
    register_template_name = "objectives/includes/register.html"
    filterset_class = ObjectiveFilterSet
    paginate_by = 25
    context_object_name = "objectives"

    def get(self, request, *args, **kwargs):
        # One query for the data token; for an anonymous visitor whose register is cached, the only
        # one (see register_cache: the key changes with any write to what the register shows).
        self.stamp = current_token()
        self.fragment_key = self._fragment_key()
        if self.fragment_key:
            html = cache.get(self.fragment_key)
            if html is not None:
                return self.render_to_response({"register_html": html})
        return super().get(request, *args, **kwargs)

    def _fragment_key(self) -> str | None:
        """Only anonymous visitors share a cached register: they all see the same, public,
        objectives. Free-text searches are not cached (each is different)."""
        if self.stamp is None or self.request.user.is_authenticated or self.request.GET.get("q"):
            return None
        return register_cache.key(self.stamp, "anonymous", self.request.GET.urlencode())

    def get_template_names(self):
        return [self.template_name]

    def get_queryset(self):
        return _visible(self.request.user).for_list().order_by("-updated_at", "-pk")

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "stamp": self.stamp}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_add"] = allowed(self.request.user, "objectives.add_objective")
        context["export_query"] = self.request.GET.urlencode()
        place = map_place(self.filterset)
        context["objectives_map"] = objectives_map(self.filterset.qs, place) if place else None
        html = render_to_string(self.register_template_name, context, request=self.request)
        if self.fragment_key and not self.filterset.errors:
            cache.set(self.fragment_key, html, register_cache.TIMEOUT)
        context["register_html"] = html
        return context


@method_decorator(login_not_required, name="dispatch")
class ObjectiveExportView(View):
    """CSV of exactly the rows the register shows for the same filters, streamed."""

    def get(self, request):
        queryset = _visible(request.user).for_list().order_by("-updated_at", "-pk")
        filterset = ObjectiveFilterSet(request.GET or None, queryset=queryset, request=request)
        if filterset.is_bound and not filterset.is_valid():
            raise Http404("Those filters are not valid")
        rows = filterset.qs

        def lines():
            writer = csv.writer(Echo())
            batch = [writer.writerow(EXPORT_COLUMNS)]
            for row in export_rows(rows, request.build_absolute_uri):
                batch.append(writer.writerow([safe_csv_cell(v) for v in row]))
                if len(batch) >= 200:  # a write to the client per 200 rows, not per row
                    yield "".join(batch)
                    batch = []
            yield "".join(batch)

        stamp = timezone.localdate().isoformat()
        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="objectives-{stamp}.csv"'
        return response


@method_decorator(login_not_required, name="dispatch")
class ObjectiveDetailView(DetailView):
    template_name = "objectives/objective_detail.html"
    context_object_name = "objective"

    def get_queryset(self):
        return (
            _visible(self.request.user)
            .select_related(
                "place",
                "lead_organisation",
                "outcome",
                "outcome__theme",
                "outcome__framework",
                "created_by",
            )
            .prefetch_related(
                Prefetch("areas", queryset=Area.objects.select_related("parent").order_by("path")),
                "partners",
                "links",
                Prefetch("targets", queryset=Target.objects.current().select_related("measure")),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        objective, user = self.object, self.request.user
        targets = list(objective.targets.all())
        delivery = delivery_for(t.pk for t in targets)
        rows = []
        for target in targets:
            d = delivery[target.pk]
            rows.append(
                {
                    "target": target,
                    "verified": d.verified,
                    "claimed": d.claimed_unverified,
                    "percent": percent(d.verified, target.target_quantity),
                }
            )
        may_edit = allowed(user, "objectives.change_objective", objective)
        context.update(
            target_rows=rows,
            any_delivery=any(row["verified"] or row["claimed"] for row in rows),
            achievement=achievement(
                [
                    (r["verified"], r["target"].target_quantity, r["target"].measure.unit)
                    for r in rows
                ]
            ),
            may_edit=may_edit,
            origins=origins_of(objective, user),
            next_statuses=Objective.TRANSITIONS.get(objective.status, set()),
        )
        if user.is_authenticated:
            # The change history names the officers who made changes: for signed-in users.
            context["history"] = timeline(
                [
                    Source(
                        Objective.history.filter(id=objective.pk),
                        lambda r: "Objective",
                        m2m=_objective_m2m(),
                    ),
                    Source(
                        Target.history.filter(objective_id=objective.pk),
                        lambda r: (
                            f"Target of {r.target_quantity.normalize():f} by {r.target_date:%-d %B %Y}"
                        ),
                    ),
                    Source(
                        EvidenceLink.history.filter(objective_id=objective.pk),
                        lambda r: f"Link ‘{r.title}’",
                    ),
                ]
            )
        return context


def _objective_m2m():
    """The historical through models simple-history keeps for the objective's m2m fields."""
    from django.apps import apps

    from people.models import Organisation

    return {
        "areas": (apps.get_model("objectives", "HistoricalObjective_areas"), Area),
        "partners": (apps.get_model("objectives", "HistoricalObjective_partners"), Organisation),
    }


__all__ = ["ObjectiveDetailView", "ObjectiveExportView", "ObjectiveListView"]
