"""The needs list and page (public once a need is published), the group's form and steps, and
an officer's hiding of abusive content."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView

from consultations.views.proposals import place_for_new_proposal
from places.area_picker import AreaPickerMixin
from socialvalue.files import serve_private_file
from socialvalue.rules import allowed
from socialvalue.view_bases import RuleRequiredMixin, ServiceActionMixin, ServiceFormMixin

from .. import services
from ..filters import NeedFilterSet
from ..forms import HideNeedForm, NeedForm, StepForm
from ..models import Need, NeedFile, Pledge
from ..permissions import supplier_ids
from ..selectors import need_summary
from .base import NeedMixin

Status = Need.Status


@method_decorator(login_not_required, name="dispatch")
class NeedListView(FilterView):
    template_name = "needs/need_list.html"
    filterset_class = NeedFilterSet
    paginate_by = 25
    context_object_name = "needs"

    def get_queryset(self):
        # Still wanted first, the soonest needed at the top; met, closed and withdrawn after.
        still_wanted = Case(
            When(status__in=(Need.Status.OPEN, Need.Status.PART_MET), then=Value(0)),
            default=Value(1),
        )
        return (
            Need.objects.listed_for(self.request.user)
            .for_list()
            .order_by(still_wanted, F("needed_by").asc(nulls_last=True), "-created_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_add"] = allowed(self.request.user, "needs.add_need")
        context["is_supplier"] = bool(supplier_ids(self.request.user))
        context["may_see_unmet"] = allowed(self.request.user, "needs.view_unmet")
        return context


@method_decorator(login_not_required, name="dispatch")
class NeedDetailView(DetailView):
    template_name = "needs/need_detail.html"
    context_object_name = "need"

    def get_queryset(self):
        return (
            Need.objects.visible_to(self.request.user)
            .for_list()
            .select_related("created_by", "proposal")
            .prefetch_related("files")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        need, user = self.object, self.request.user
        shown = not need.hidden_at or allowed(user, "needs.view_hidden_need", need)
        context["content_shown"] = shown
        if not shown:
            return context
        mine = Pledge.objects.visible_to(user).filter(need=need).for_list()
        context.update(
            summary=need_summary(need),
            pledges=list(mine),
            # The public sees what was received, from which organisations: never people.
            received=list(
                Pledge.objects.received().filter(need=need).for_list().order_by("received_on")
            ),
            steps=list(need.steps.select_related("by").order_by("at", "pk"))
            if allowed(user, "needs.view_hidden_need", need)
            else [],
            may={
                name: allowed(user, f"needs.{name}", need)
                for name in (
                    "edit_need",
                    "publish_need",
                    "withdraw_need",
                    "mark_met",
                    "close_need",
                    "hide_need",
                    "unhide_need",
                    "pledge",
                )
            },
        )
        return context


@method_decorator(login_not_required, name="dispatch")
class NeedFileView(NeedMixin, View):
    permission_rule = "needs.view_need"

    def get(self, request, pk, file_pk):
        need = self.acted_on()
        if need.hidden_at and not allowed(request.user, "needs.view_hidden_need", need):
            raise PermissionDenied
        record = get_object_or_404(NeedFile.objects.filter(need=need), pk=file_pk)
        return serve_private_file(record.file, download_name=record.original_name)


def _need_fields(form) -> dict:
    data = form.cleaned_data
    return {
        name: data.get(name)
        for name in ("title", "why", "kind", "areas", "measure", "quantity", "needed_by")
    }


class NeedCreateView(ServiceFormMixin, RuleRequiredMixin, AreaPickerMixin, FormView):
    template_name = "needs/need_form.html"
    form_class = NeedForm
    permission_rule = "needs.add_need"

    def get_form_kwargs(self):
        if not hasattr(self, "place"):
            self.place = place_for_new_proposal(self.request)
        return {**super().get_form_kwargs(), "user": self.request.user, "place": self.place}

    def get_form(self, form_class=None):
        return self.tick_chosen_area(super().get_form(form_class))

    def perform(self, form):
        file = form.cleaned_data.get("file")
        return services.need_create(
            group=form.cleaned_data["group"],
            place=self.place,
            by=self.request.user,
            files=[file] if file else [],
            publish="draft" not in self.request.POST,
            **_need_fields(form),
        )

    def success_message(self, need):
        state = "published" if need.status == Status.OPEN else "saved as a draft"
        return f"Need {need.reference} is {state}"


class NeedUpdateView(ServiceFormMixin, NeedMixin, FormView):
    template_name = "needs/need_form.html"
    permission_rule = "needs.edit_need"

    def get_form(self, form_class=None):
        need = self.acted_on()
        initial = {
            "title": need.title,
            "why": need.why,
            "kind": need.kind,
            "areas": [a.pk for a in need.areas.all()],
            "measure": need.measure_id,
            "quantity": need.quantity,
            "needed_by": need.needed_by,
        }
        return NeedForm(
            **{**self.get_form_kwargs(), "initial": initial}, user=self.request.user, need=need
        )

    def perform(self, form):
        fields = _need_fields(form)
        areas = fields.pop("areas")
        need = services.need_update(
            need=self.acted_on(), by=self.request.user, areas=areas, **fields
        )
        file = form.cleaned_data.get("file")
        if file:
            services.need_add_files(need=need, by=self.request.user, files=[file])
        if "draft" not in self.request.POST:
            need = services.need_transition(need=need, by=self.request.user, to=Status.OPEN)
        return need


STEPS = {
    "publish": (Status.OPEN, "needs.publish_need", "Publish this need", "Publish"),
    "withdraw": (Status.WITHDRAWN, "needs.withdraw_need", "Withdraw this need", "Withdraw"),
    "met": (Status.MET, "needs.mark_met", "Mark this need as met", "Mark as met"),
    "close": (Status.CLOSED, "needs.close_need", "Close this need", "Close"),
}


class NeedStepView(ServiceFormMixin, NeedMixin, FormView):
    """The group moves its need on: publish, mark met, close or withdraw."""

    template_name = "needs/need_step.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["step"] not in STEPS:
            raise Http404("No such step")
        self.to, self.permission_rule, self.heading, self.label = STEPS[kwargs["step"]]
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return StepForm(**self.get_form_kwargs(), submit_label=self.label)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading}

    def perform(self, form):
        need = services.need_transition(
            need=self.acted_on(),
            by=self.request.user,
            to=self.to,
            note=form.cleaned_data.get("note", ""),
        )
        messages.success(
            self.request, f"Need {need.reference} is now {need.get_status_display().lower()}"
        )
        return need


class NeedHideView(ServiceFormMixin, NeedMixin, FormView):
    template_name = "needs/need_hide.html"
    permission_rule = "needs.hide_need"
    form_class = HideNeedForm

    def perform(self, form):
        need = services.need_hide(
            need=self.acted_on(), by=self.request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(self.request, f"Need {need.reference} is hidden")
        return need


class NeedUnhideView(ServiceActionMixin, NeedMixin, View):
    permission_rule = "needs.unhide_need"

    def perform(self):
        return services.need_unhide(need=self.acted_on(), by=self.request.user)

    def success_message(self, need):
        return f"Need {need.reference} is shown again"
