"""Outcomes frameworks in the app: list, detail, export, import, and keeping them by hand.

Anyone signed in may read frameworks; officers and organisation admins of a public body serving
a place keep that place's frameworks (`objectives.manage_frameworks`).
"""

from itertools import chain

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from socialvalue.forms import ConfirmForm
from socialvalue.rules import allowed
from socialvalue.view_bases import RuleRequiredMixin, ServiceFormMixin

from ..forms.frameworks import (
    FrameworkForm,
    FrameworkImportForm,
    MeasureForm,
    OutcomeForm,
    SocialValueModelLoadForm,
    ThemeForm,
    places_managed_by,
)
from ..framework_csv import export_framework_csv
from ..models import Framework, Measure
from ..services import frameworks as services
from ..services.framework_import import import_framework_csv
from ..social_value_model import load_social_value_model

__all__ = [
    "FrameworkCreateView",
    "FrameworkDetailView",
    "FrameworkExportView",
    "FrameworkImportView",
    "FrameworkListView",
    "FrameworkRetireView",
    "MeasureCreateView",
    "MeasureRetireView",
    "MeasureUpdateView",
    "OutcomeCreateView",
    "SocialValueModelLoadView",
    "ThemeCreateView",
]

VIEW_RULE = "objectives.view_framework"
MANAGE_RULE = "objectives.manage_frameworks"
IMPORT_ERRORS_SHOWN = 50


def _breadcrumbs(framework: Framework | None = None) -> list[tuple[str, str]]:
    crumbs = [("Frameworks", reverse("objectives:framework_list"))]
    if framework is not None:
        crumbs.append((str(framework), framework.get_absolute_url()))
    return crumbs


class FrameworkListView(RuleRequiredMixin, ListView):
    template_name = "objectives/framework_list.html"
    context_object_name = "frameworks"
    permission_rule = VIEW_RULE

    def get_queryset(self):
        return Framework.objects.for_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        places = list(places_managed_by(self.request.user))
        context.update(managed_places=places)
        return context


class FrameworkDetailView(RuleRequiredMixin, DetailView):
    template_name = "objectives/framework_detail.html"
    context_object_name = "framework"
    permission_rule = VIEW_RULE

    def get_queryset(self):
        return Framework.objects.for_detail()

    def get_object(self, queryset=None):
        if not hasattr(self, "_framework"):
            self._framework = super().get_object(queryset)
        return self._framework

    def get_permission_object(self):
        return self.get_object()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        framework = self.object
        themes = list(framework.themes.all())
        outcomes = [o for t in themes for o in t.outcomes.all()]
        measures = [m for o in outcomes for m in o.measures.all()]
        context.update(
            themes=themes,
            outcome_count=len(outcomes),
            measure_count=sum(1 for m in measures if not m.is_retired),
            retired_measure_count=sum(1 for m in measures if m.is_retired),
            may_manage=not framework.is_retired
            and allowed(self.request.user, MANAGE_RULE, framework.place),
            breadcrumbs=_breadcrumbs(),
        )
        return context


class FrameworkExportView(RuleRequiredMixin, View):
    """The framework as CSV, streamed, in the format the import reads."""

    permission_rule = VIEW_RULE

    def get_framework(self) -> Framework:
        if not hasattr(self, "_framework"):
            self._framework = get_object_or_404(Framework, pk=self.kwargs["pk"])
        return self._framework

    def get_permission_object(self):
        return self.get_framework()

    def get(self, request, *args, **kwargs):
        framework = self.get_framework()
        # A byte order mark first, so spreadsheets read the £ signs as UTF-8.
        response = StreamingHttpResponse(
            chain(["\ufeff"], export_framework_csv(framework)),
            content_type="text/csv; charset=utf-8",
        )
        filename = f"{slugify(f'{framework.name} {framework.version}') or 'framework'}.csv"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response


class ManageAnyPlaceMixin(RuleRequiredMixin):
    """For pages where the place is chosen in the form: the user must keep the frameworks of at
    least one place, and the form offers only those places."""

    permission_rule = MANAGE_RULE

    def check_permission(self):
        self.managed_places = places_managed_by(self.request.user)
        if not self.managed_places.exists():
            raise PermissionDenied

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def check_place(self, place) -> None:
        if not allowed(self.request.user, MANAGE_RULE, place):
            raise PermissionDenied


class FrameworkCreateView(ServiceFormMixin, ManageAnyPlaceMixin, FormView):
    template_name = "objectives/framework_form.html"
    form_class = FrameworkForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "breadcrumbs": _breadcrumbs()}

    def perform(self, form):
        data = form.cleaned_data
        self.check_place(data["place"])
        return services.framework_create(by=self.request.user, **data)

    def success_message(self, framework):
        return (
            f"{framework} created. Add its themes, outcomes and measures, or import them "
            "from a CSV file"
        )


class FrameworkImportView(ManageAnyPlaceMixin, FormView):
    template_name = "objectives/framework_import.html"
    form_class = FrameworkImportForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "breadcrumbs": _breadcrumbs()}

    def form_valid(self, form):
        data = form.cleaned_data
        self.check_place(data["place"])
        report = import_framework_csv(
            data["file"],
            place=data["place"],
            name=data["name"],
            version=data["version"],
            licence=data["licence"],
            source=data["source"],
            by=self.request.user,
        )
        if report.errors:
            count = len(report.errors)
            # On the file field, so the error summary links to the file upload.
            form.add_error(
                "file",
                f"The file has {count} {'problem' if count == 1 else 'problems'}, so nothing "
                "was imported. Correct the file and import it again",
            )
            for error in report.errors[:IMPORT_ERRORS_SHOWN]:
                form.add_error("file", str(error))
            if count > IMPORT_ERRORS_SHOWN:
                form.add_error("file", f"And {count - IMPORT_ERRORS_SHOWN} more problems")
            return self.form_invalid(form)
        verb = "Imported" if report.framework_created else "Updated"
        messages.success(self.request, f"{verb} {report.framework}: {report.summary()}")
        return redirect(report.framework)


class SocialValueModelLoadView(ManageAnyPlaceMixin, FormView):
    """POST only: the form is a button on the framework list."""

    http_method_names = ["post"]
    form_class = SocialValueModelLoadForm

    def form_valid(self, form):
        place = form.cleaned_data["place"]
        self.check_place(place)
        report = load_social_value_model(place=place, by=self.request.user)
        messages.success(self.request, f"Social Value Model for {place}: {report.summary()}")
        return redirect("objectives:framework_list")

    def form_invalid(self, form):
        messages.error(self.request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("objectives:framework_list")


class FrameworkScopedMixin(ServiceFormMixin, RuleRequiredMixin):
    """Loads the framework from the URL (404 if unknown), then checks the user keeps its place's
    frameworks (the rule is asked of the place, so this is not `ActOnObjectMixin`). Its write
    pages call one service (`perform`) and come back to the framework."""

    permission_rule = MANAGE_RULE

    def get_framework(self) -> Framework:
        if not hasattr(self, "_framework"):
            self._framework = get_object_or_404(
                Framework.objects.select_related("place"), pk=self.kwargs["pk"]
            )
        return self._framework

    def get_permission_object(self):
        return self.get_framework().place

    def get_context_data(self, **kwargs):
        framework = self.get_framework()
        return {
            **super().get_context_data(**kwargs),
            "framework": framework,
            "breadcrumbs": _breadcrumbs(framework),
        }

    def success_redirect(self, _result):
        return redirect(self.get_framework())


class ThemeCreateView(FrameworkScopedMixin, FormView):
    template_name = "objectives/theme_form.html"
    form_class = ThemeForm

    def perform(self, form):
        return services.theme_create(
            framework=self.get_framework(), by=self.request.user, **form.cleaned_data
        )

    def success_message(self, theme):
        return f"Theme {theme.name} added"


class OutcomeCreateView(FrameworkScopedMixin, FormView):
    template_name = "objectives/outcome_form.html"
    form_class = OutcomeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "framework": self.get_framework()}

    def perform(self, form):
        return services.outcome_create(by=self.request.user, **form.cleaned_data)

    def success_message(self, outcome):
        return f"Outcome {outcome.name} added to {outcome.theme.name}"


class MeasureCreateView(FrameworkScopedMixin, FormView):
    template_name = "objectives/measure_form.html"
    form_class = MeasureForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "framework": self.get_framework()}

    def perform(self, form):
        return services.measure_create(by=self.request.user, **form.cleaned_data)

    def success_message(self, measure):
        return f"Measure {measure.code} added"


class MeasureScopedMixin(FrameworkScopedMixin):
    def get_measure(self) -> Measure:
        if not hasattr(self, "_measure"):
            self._measure = get_object_or_404(
                Measure.objects.select_related("framework__place", "outcome__theme"),
                pk=self.kwargs["pk"],
            )
        return self._measure

    def get_framework(self) -> Framework:
        return self.get_measure().framework

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "measure": self.get_measure()}


class MeasureUpdateView(MeasureScopedMixin, FormView):
    template_name = "objectives/measure_form.html"
    form_class = MeasureForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "framework": self.get_framework(),
            "measure": self.get_measure(),
        }

    def perform(self, form):
        return services.measure_update(
            measure=self.get_measure(), by=self.request.user, **form.cleaned_data
        )

    def success_message(self, measure):
        return f"Measure {measure.code} updated"


class MeasureRetireView(MeasureScopedMixin, FormView):
    template_name = "objectives/measure_retire.html"

    def get_form(self, form_class=None):
        return ConfirmForm(**self.get_form_kwargs(), submit_label="Retire measure")

    def perform(self, form):
        return services.measure_retire(measure=self.get_measure(), by=self.request.user)

    def success_message(self, measure):
        return f"Measure {measure.code} retired. Targets and commitments that use it keep it"


class FrameworkRetireView(FrameworkScopedMixin, FormView):
    template_name = "objectives/framework_retire.html"

    def get_form(self, form_class=None):
        return ConfirmForm(**self.get_form_kwargs(), submit_label="Retire framework")

    def perform(self, form):
        return services.framework_retire(framework=self.get_framework(), by=self.request.user)

    def success_message(self, framework):
        return (
            f"{framework} retired. It is kept, with everything in it, but no longer offered "
            "for new objectives, targets or commitments"
        )
