"""A consultation's response form, its published summary and the responses download (owning
body only)."""

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import DetailView, FormView

from socialvalue.csv import csv_lines
from socialvalue.http import client_ip
from socialvalue.rules import allowed
from socialvalue.view_bases import ServiceFormMixin

from .. import services
from ..forms import (
    ResponseForm,
    SummaryEntryForm,
    SummaryForm,
)
from ..models import Answer, Response, SummaryEntry
from ..permissions import response_error
from ..summary import summarise
from .consultations import ConfirmView, ConsultationMixin, _questions


@method_decorator(login_not_required, name="dispatch")
class ResponseView(ServiceFormMixin, ConsultationMixin, FormView):
    """The response form. Signed-in people edit their one response until the consultation
    closes; anonymous responses are accepted only when the consultation allows them."""

    template_name = "consultations/response_form.html"
    permission_rule = "consultations.view_consultation"

    def dispatch(self, request, *args, **kwargs):
        consultation = self.get_consultation()
        problem = response_error(request.user, consultation)
        if problem and not request.user.is_authenticated and consultation.is_open:
            return redirect_to_login(request.get_full_path())
        if problem:
            return render(
                request,
                "consultations/response_unavailable.html",
                {"consultation": consultation, "problem": problem},
                status=403,
            )
        return super().dispatch(request, *args, **kwargs)

    def get_response(self):
        user = self.request.user
        if not user.is_authenticated:
            return None
        return (
            Response.objects.filter(consultation=self.get_consultation(), user=user)
            .prefetch_related("answers")
            .first()
        )

    def get_form(self, form_class=None):
        self.existing = self.get_response()
        return ResponseForm(
            **self.get_form_kwargs(),
            consultation=self.get_consultation(),
            questions=_questions(self.get_consultation()),
            response=self.existing,
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "existing": getattr(self, "existing", None)}

    def perform(self, form):
        user = self.request.user
        return services.response_save(
            consultation=self.get_consultation(),
            by=user if user.is_authenticated else None,
            respondent_type=form.cleaned_data["respondent_type"],
            area=form.cleaned_data["area"],
            organisation_name=form.cleaned_data["organisation_name"],
            answers=form.answers(),
            ip=client_ip(self.request),
        )

    def success_message(self, result):
        if self.existing:
            return "Your response has been updated"
        return "Thank you. Your response has been sent"

    def success_redirect(self, result):
        return redirect(self.get_consultation())


class SummaryEditView(ServiceFormMixin, ConsultationMixin, FormView):
    template_name = "consultations/summary_edit.html"
    permission_rule = "consultations.edit_summary"
    form_class = SummaryForm

    def get_initial(self):
        return {"summary_intro": self.get_consultation().summary_intro}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "entries": SummaryEntry.objects.filter(
                consultation=self.get_consultation()
            ).select_related("objective", "proposal"),
            "removable": self.get_consultation().summary_published_at is None,
        }

    def perform(self, form):
        return services.summary_update(
            consultation=self.get_consultation(),
            by=self.request.user,
            summary_intro=form.cleaned_data["summary_intro"],
        )

    def success_message(self, _result):
        return "Summary saved"

    def success_redirect(self, _result):
        return redirect("consultations:summary_edit", pk=self.get_consultation().pk)


class SummaryEntryCreateView(ServiceFormMixin, ConsultationMixin, FormView):
    template_name = "consultations/summary_entry_form.html"
    permission_rule = "consultations.edit_summary"

    def get_form(self, form_class=None):
        return SummaryEntryForm(
            **self.get_form_kwargs(), consultation=self.get_consultation(), user=self.request.user
        )

    def perform(self, form):
        return services.summary_entry_add(
            consultation=self.get_consultation(), by=self.request.user, **form.cleaned_data
        )

    def success_message(self, _result):
        return "‘You said, we did’ entry added"

    def success_redirect(self, _result):
        return redirect("consultations:summary_edit", pk=self.get_consultation().pk)


class SummaryEntryRemoveView(ConfirmView):
    permission_rule = "consultations.edit_summary"
    heading = "Remove this entry?"
    submit_label = "Remove entry"
    done_message = "Entry removed"

    def service(self):
        entry = get_object_or_404(
            SummaryEntry.objects.filter(consultation=self.get_consultation()),
            pk=self.kwargs["entry_pk"],
        )
        services.summary_entry_remove(entry=entry, by=self.request.user)

    def get_success_url(self):
        return reverse("consultations:summary_edit", kwargs={"pk": self.get_consultation().pk})


class SummaryPublishView(ConfirmView):
    permission_rule = "consultations.edit_summary"
    heading = "Publish the summary?"
    intro = (
        "Anyone will be able to read the summary, the counts by respondent type and area, and "
        "the answers to choice questions. Individual responses are never published."
    )
    submit_label = "Publish summary"
    done_message = "Summary published"

    def service(self):
        services.summary_publish(consultation=self.get_consultation(), by=self.request.user)

    def get_success_url(self):
        return reverse("consultations:summary", kwargs={"pk": self.get_consultation().pk})


@method_decorator(login_not_required, name="dispatch")
class SummaryView(ConsultationMixin, DetailView):
    """The published summary (officers of the owning body see it before it is published)."""

    template_name = "consultations/consultation_summary.html"
    permission_rule = "consultations.view_summary"
    context_object_name = "consultation"

    def get_object(self, queryset=None):
        return self.get_consultation()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        consultation = self.get_consultation()
        context.update(
            summary=summarise(consultation),
            entries=SummaryEntry.objects.filter(consultation=consultation)
            .select_related("objective", "proposal")
            .order_by("position", "pk"),
            may_edit_summary=allowed(self.request.user, "consultations.edit_summary", consultation),
        )
        return context


class ResponsesExportView(ConsultationMixin, View):
    """Every response as CSV, one row per response, one column per question. Personal data:
    the owning body's officers only."""

    permission_rule = "consultations.export_responses"

    def get(self, request, pk):
        consultation = self.get_consultation()
        questions = _questions(consultation)
        responses = (
            Response.objects.filter(consultation=consultation)
            .select_related("area")
            .prefetch_related(
                Prefetch("answers", queryset=Answer.objects.select_related("option").order_by("pk"))
            )
            .order_by("created_at", "pk")
        )

        def rows():
            yield [
                "response",
                "received",
                "updated",
                "responding_as",
                "area",
                "organisation",
                "signed_in",
                *[q.text for q in questions],
            ]
            for response in responses.iterator(chunk_size=500):
                by_question: dict[int, list[str]] = {}
                for answer in response.answers.all():
                    value = answer.option.label if answer.option_id else answer.text
                    by_question.setdefault(answer.question_id, []).append(value)
                yield [
                    response.pk,
                    timezone.localtime(response.created_at).strftime("%Y-%m-%d %H:%M"),
                    timezone.localtime(response.updated_at).strftime("%Y-%m-%d %H:%M"),
                    response.get_respondent_type_display(),
                    response.area.name,
                    response.organisation_name,
                    "yes" if response.user_id else "no",
                    *["; ".join(by_question.get(q.pk, [])) for q in questions],
                ]

        stamp = timezone.localdate().isoformat()
        response = StreamingHttpResponse(csv_lines(rows()), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="consultation-{consultation.pk}-responses-{stamp}.csv"'
        )
        response["Cache-Control"] = "no-store"
        return response


__all__ = [
    "ResponseView",
    "ResponsesExportView",
    "SummaryEditView",
    "SummaryEntryCreateView",
    "SummaryEntryRemoveView",
    "SummaryPublishView",
    "SummaryView",
]
