import csv

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView

from objectives.maps import map_place, objectives_map
from people.models import Membership
from people.permissions import served_by
from places.models import Area, Place
from socialvalue.csv import safe_csv_cell
from socialvalue.datacache import current_token
from socialvalue.forms import ConfirmForm
from socialvalue.history import Source, timeline
from socialvalue.rules import allowed
from socialvalue.view_bases import ActOnObjectMixin, RuleRequiredMixin, ServiceFormMixin

from .. import register_cache, services
from ..export import COLUMNS as EXPORT_COLUMNS
from ..export import export_rows
from ..filters import ObjectiveFilterSet
from ..forms import ObjectiveForm, ObjectiveStatusForm, TargetForm
from ..models import EvidenceLink, Objective, Target
from ..origins import origins_of
from ..progress import achievement, delivery_for, percent

__all__ = [
    "ObjectiveCreateView",
    "ObjectiveDetailView",
    "ObjectiveExportView",
    "ObjectiveListView",
    "ObjectiveStatusView",
    "ObjectiveUpdateView",
    "TargetArchiveView",
    "TargetCreateView",
    "TargetUpdateView",
]


class Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a stream."""

    def write(self, value):
        return value


Role = Membership.Role


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


class PlaceForNewObjectiveMixin:
    """The place a new objective is for: the one named by `?place=`, or the only place the
    person is an officer or leader of (404 otherwise: they choose one)."""

    def get_place(self) -> Place:
        if hasattr(self, "_place"):
            return self._place
        candidates = served_by(self.request.user, Role.OFFICER, Role.LEADER)
        slug = self.request.GET.get("place")
        if slug:
            place = candidates.filter(slug=slug).first()
        else:
            place = candidates.first() if candidates.count() == 1 else None
        if place is None:
            raise Http404("Choose a place you work in")
        self._place = place
        return place


class ObjectiveCreateView(ServiceFormMixin, PlaceForNewObjectiveMixin, RuleRequiredMixin, FormView):
    template_name = "objectives/objective_form.html"
    permission_rule = "objectives.add_objective"

    def check_permission(self):
        # May this person add objectives at all (403 before the place is looked for), then
        # here?
        if not allowed(self.request.user, self.permission_rule):
            raise PermissionDenied
        super().check_permission()

    def get_permission_object(self):
        return self.get_place()

    def get_form(self, form_class=None):
        return ObjectiveForm(
            **self.get_form_kwargs(), place=self.get_place(), user=self.request.user
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "place": self.get_place()}

    def perform(self, form):
        return services.objective_create(
            place=self.get_place(), by=self.request.user, **form.service_kwargs()
        )

    def success_message(self, objective):
        return (
            f"Objective {objective.reference} saved as a draft. Add a target, then make it active"
        )


class ObjectiveScopedMixin(ServiceFormMixin, ActOnObjectMixin):
    """The objective from the URL, through `visible_to` (404 if hidden); `permission_rule`
    asked of it. Its write pages call one service (`perform`)."""

    model = Objective
    permission_rule = "objectives.change_objective"

    def get_acted_on_queryset(self):
        return (
            _visible(self.request.user)
            .select_related("place", "lead_organisation")
            .prefetch_related("partners", "areas", "links")
        )

    def get_objective(self) -> Objective:
        return self.acted_on()


class ObjectiveUpdateView(ObjectiveScopedMixin, FormView):
    template_name = "objectives/objective_form.html"

    def get_form(self, form_class=None):
        objective = self.get_objective()
        return ObjectiveForm(
            **self.get_form_kwargs(),
            place=objective.place,
            user=self.request.user,
            objective=objective,
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "place": self.get_objective().place}

    def perform(self, form):
        return services.objective_update(
            objective=self.get_objective(), by=self.request.user, **form.service_kwargs()
        )

    def success_message(self, objective):
        return f"Objective {objective.reference} updated"


class ObjectiveStatusView(ObjectiveScopedMixin, FormView):
    template_name = "objectives/objective_status.html"
    permission_rule = "objectives.change_status"

    def get_form(self, form_class=None):
        return ObjectiveStatusForm(**self.get_form_kwargs(), objective=self.get_objective())

    def perform(self, form):
        return services.objective_change_status(
            objective=self.get_objective(),
            to=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            by=self.request.user,
        )

    def success_message(self, objective):
        return f"Objective {objective.reference} is now {objective.get_status_display().lower()}"


class TargetScopedMixin(ObjectiveScopedMixin):
    """A target page: the objective's rule decides; back to the objective afterwards."""

    def get_target(self) -> Target:
        if not hasattr(self, "_target"):
            self._target = get_object_or_404(
                Target.objects.current().select_related("measure"),
                pk=self.kwargs["target_pk"],
                objective=self.get_objective(),
            )
        return self._target

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "target_pk" in self.kwargs:
            context["target"] = self.get_target()
        return context

    def success_redirect(self, result):
        return redirect(self.get_objective())


class TargetCreateView(TargetScopedMixin, FormView):
    template_name = "objectives/target_form.html"

    def get_form(self, form_class=None):
        return TargetForm(**self.get_form_kwargs(), objective=self.get_objective())

    def perform(self, form):
        return services.target_add(
            objective=self.get_objective(), by=self.request.user, **form.cleaned_data
        )

    def success_message(self, target):
        return "Target added"


class TargetUpdateView(TargetScopedMixin, FormView):
    template_name = "objectives/target_form.html"

    def get_form(self, form_class=None):
        return TargetForm(
            **self.get_form_kwargs(), objective=self.get_objective(), target=self.get_target()
        )

    def perform(self, form):
        return services.target_update(
            target=self.get_target(), by=self.request.user, **form.cleaned_data
        )

    def success_message(self, target):
        return "Target updated"


class TargetArchiveView(TargetScopedMixin, FormView):
    template_name = "objectives/target_archive.html"

    def get_form(self, form_class=None):
        return ConfirmForm(**self.get_form_kwargs(), submit_label="Remove target")

    def perform(self, form):
        return services.target_archive(target=self.get_target(), by=self.request.user)

    def success_message(self, target):
        return "Target removed. It stays in the objective's history"
