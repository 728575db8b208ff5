"""Writing objectives and their targets: adding, changing, moving through their statuses."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView

from places.models import Place
from socialvalue.forms import ConfirmForm
from socialvalue.rules import allowed
from socialvalue.view_bases import ActOnObjectMixin, RuleRequiredMixin, ServiceFormMixin

from .. import services
from ..forms import ObjectiveForm, ObjectiveStatusForm, TargetForm
from ..models import Objective, Target
from ..permissions import places_for_objectives
from .objectives import _visible


class PlaceForNewObjectiveMixin:
    """The place a new objective is for: the one named by `?place=`, or the only place the
    person is an officer or leader of (404 otherwise: they choose one)."""

    def get_place(self) -> Place:
        if hasattr(self, "_place"):
            return self._place
        candidates = places_for_objectives(self.request.user)
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


__all__ = [
    "ObjectiveCreateView",
    "ObjectiveScopedMixin",
    "ObjectiveStatusView",
    "ObjectiveUpdateView",
    "PlaceForNewObjectiveMixin",
    "TargetArchiveView",
    "TargetCreateView",
    "TargetScopedMixin",
    "TargetUpdateView",
]
