"""The pre-procurement social impact assessment: a GOV.UK task list, check your answers,
submission, and sign-off by a second person."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views.generic import FormView, TemplateView

from people.two_factor import two_factor_required_view
from socialvalue.forms import ConfirmForm
from socialvalue.rules import allowed
from socialvalue.view_bases import ServiceFormMixin

from .. import services, signoff
from ..forms import SECTION_FORMS, AssessmentSignOffForm
from ..models import Assessment
from .pipeline import ContractScopedMixin

SECTION_INFO = {key: (label, law) for key, label, law in Assessment.SECTIONS}


def task_list(assessment: Assessment) -> list[dict]:
    """The task list's rows: each section's label, the law it answers, and its status."""
    rows = []
    for key, label, law in Assessment.SECTIONS:
        done = key in assessment.completed_sections
        started = any(
            getattr(assessment, f) not in (None, "") for f in services.SECTION_FIELDS[key]
        )
        rows.append(
            {
                "key": key,
                "label": label,
                "law": law,
                "status": "Completed"
                if done
                else ("In progress" if started else "Not yet started"),
            }
        )
    return rows


class AssessmentMixin(ContractScopedMixin):
    permission_rule = "contracts.view_contract"

    def get_assessment(self) -> Assessment:
        if not hasattr(self, "_assessment"):
            self._assessment = get_object_or_404(
                Assessment.objects.select_related(
                    "author", "approved_by", "submitted_by", "withdrawn_by", "contract"
                ).prefetch_related("objectives", "evaluation_measures"),
                contract=self.get_contract(),
                version=self.kwargs["version"],
            )
        return self._assessment

    def get_context_data(self, **kwargs):
        assessment = self.get_assessment()
        return {
            **super().get_context_data(**kwargs),
            "assessment": assessment,
            "tasks": task_list(assessment),
            "may_edit": allowed(self.request.user, "contracts.edit_assessment", assessment),
            "may_approve": allowed(self.request.user, "contracts.approve_assessment", assessment),
            "sign_off_problem": signoff.sign_off_refusal(self.request.user, assessment)
            if assessment.status == Assessment.Status.SUBMITTED
            else None,
            "may_manage": allowed(
                self.request.user, "contracts.manage_contract", self.get_contract()
            ),
        }


class AssessmentStartView(ServiceFormMixin, ContractScopedMixin, FormView):
    """Start (or continue) the assessment of a contract being planned."""

    template_name = "contracts/assessment_start.html"

    def get_form(self, form_class=None):
        return ConfirmForm(**self.get_form_kwargs(), submit_label="Start the assessment")

    def get(self, request, *args, **kwargs):
        current = self.get_contract().assessments.filter(status__in=["draft", "submitted"]).first()
        if current:
            return redirect(current)
        return super().get(request, *args, **kwargs)

    def perform(self, form):
        return services.assessment_start(contract=self.get_contract(), by=self.request.user)


class AssessmentDetailView(AssessmentMixin, TemplateView):
    """The task list while in progress; the full record once submitted or approved."""

    template_name = "contracts/assessment_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assessment = context["assessment"]
        context["completed_count"] = len(assessment.completed_sections)
        context["versions"] = list(
            self.get_contract()
            .assessments.order_by("-version")
            .values("version", "status", "approved_at")
        )
        return context


class AssessmentSectionView(ServiceFormMixin, AssessmentMixin, FormView):
    template_name = "contracts/assessment_section.html"
    permission_rule = "contracts.manage_contract"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["section"] not in SECTION_FORMS:
            raise Http404("No such section")
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        assessment = self.get_assessment()
        if not allowed(self.request.user, "contracts.edit_assessment", assessment):
            raise PermissionDenied
        return SECTION_FORMS[self.kwargs["section"]](
            **self.get_form_kwargs(), assessment=assessment
        )

    def get_context_data(self, **kwargs):
        label, law = SECTION_INFO[self.kwargs["section"]]
        return {
            **super().get_context_data(**kwargs),
            "section_label": label,
            "law": law,
            "section": self.kwargs["section"],
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        extra = {"expected_revision": data.pop("revision")}
        if "objectives" in data:
            extra["objectives"] = data.pop("objectives")
        if "measures" in data:
            extra["measures"] = data.pop("measures")
        return services.assessment_save_section(
            assessment=self.get_assessment(),
            section=self.kwargs["section"],
            by=self.request.user,
            **data,
            **extra,
        )

    def success_message(self, _result):
        return f"‘{SECTION_INFO[self.kwargs['section']][0]}’ saved"

    def success_redirect(self, _result):
        return redirect(self.get_assessment())


class AssessmentCheckView(ServiceFormMixin, AssessmentMixin, FormView):
    """Check your answers, then submit for sign-off."""

    template_name = "contracts/assessment_check.html"
    permission_rule = "contracts.manage_contract"

    def get_form(self, form_class=None):
        return ConfirmForm(**self.get_form_kwargs(), submit_label="Submit for sign-off")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "problems": services.submission_problems(self.get_assessment()),
        }

    def perform(self, form):
        if not allowed(self.request.user, "contracts.edit_assessment", self.get_assessment()):
            raise PermissionDenied
        return services.assessment_submit(assessment=self.get_assessment(), by=self.request.user)

    def success_message(self, _result):
        return "Submitted. A colleague with authority to approve must now sign it off"

    def success_redirect(self, _result):
        return redirect(self.get_assessment())


@method_decorator(two_factor_required_view, name="dispatch")
class AssessmentSignOffView(ServiceFormMixin, AssessmentMixin, FormView):
    """Approve, or send back with a reason. Never by the author."""

    template_name = "contracts/assessment_sign_off.html"
    permission_rule = "contracts.approve_assessment"

    def dispatch(self, request, *args, **kwargs):
        self.request, self.kwargs = request, kwargs
        if not allowed(request.user, "contracts.approve_assessment", self.get_assessment()):
            raise PermissionDenied
        return FormView.dispatch(self, request, *args, **kwargs)

    def get_form(self, form_class=None):
        return AssessmentSignOffForm(**self.get_form_kwargs())

    def perform(self, form):
        assessment = self.get_assessment()
        self.decision = form.cleaned_data["decision"]
        if self.decision == "approve":
            return services.assessment_approve(assessment=assessment, by=self.request.user)
        return services.assessment_return(
            assessment=assessment, by=self.request.user, reason=form.cleaned_data["reason"]
        )

    def success_message(self, _result):
        if self.decision == "approve":
            return "Assessment approved. The contract is approved to procure"
        return "Sent back to the author"

    def success_redirect(self, _result):
        return redirect(self.get_assessment().contract)


class AssessmentReopenView(ServiceFormMixin, AssessmentMixin, FormView):
    template_name = "contracts/assessment_reopen.html"
    permission_rule = "contracts.manage_contract"

    def get_form(self, form_class=None):
        return ConfirmForm(**self.get_form_kwargs(), submit_label="Reopen as a new version")

    def perform(self, form):
        return services.assessment_reopen(assessment=self.get_assessment(), by=self.request.user)

    def success_message(self, new):
        return (
            f"Version {new.version} opened. Version "
            f"{new.version - 1} is kept, with its approval date"
        )
