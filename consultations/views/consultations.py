"""Consultations: the public list and page, the response form, the officer's set-up and close,
the published summary, and the responses download (owning body only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView

from objectives.models import Objective
from socialvalue.csv import csv_lines
from socialvalue.forms import ConfirmForm, apply_validation_error
from socialvalue.http import client_ip
from socialvalue.rules import allowed
from socialvalue.view_bases import ActOnObjectMixin, RuleRequiredMixin, ServiceFormMixin

from .. import services
from ..filters import ConsultationFilterSet
from ..forms import (
    ConsultationForm,
    QuestionForm,
    ResponseForm,
    SummaryEntryForm,
    SummaryForm,
)
from ..models import Answer, Consultation, Question, Response, SummaryEntry
from ..permissions import response_error
from ..summary import summarise


def _visible(user):
    return Consultation.objects.visible_to(user)


def _questions(consultation):
    return list(
        Question.objects.filter(consultation=consultation)
        .prefetch_related("options")
        .order_by("position", "pk")
    )


@method_decorator(login_not_required, name="dispatch")
class ConsultationListView(FilterView):
    template_name = "consultations/consultation_list.html"
    filterset_class = ConsultationFilterSet
    paginate_by = 25
    context_object_name = "consultations"

    def get_queryset(self):
        return _visible(self.request.user).for_list().order_by("-opens_on", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_add"] = allowed(self.request.user, "consultations.add_consultation")
        return context


class ConsultationMixin(ServiceFormMixin, ActOnObjectMixin):
    """The consultation from the URL, through `visible_to` (404 if hidden); the view's
    `permission_rule` asked of it (403)."""

    model = Consultation

    def get_acted_on_queryset(self):
        return _visible(self.request.user).select_related("owner", "place")

    def get_consultation(self) -> Consultation:
        return self.acted_on()


@method_decorator(login_not_required, name="dispatch")
class ConsultationDetailView(DetailView):
    template_name = "consultations/consultation_detail.html"
    context_object_name = "consultation"

    def get_queryset(self):
        return (
            _visible(self.request.user)
            .for_list()
            .prefetch_related(
                Prefetch("objectives", queryset=Objective.objects.order_by("title")),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        consultation, user = self.object, self.request.user
        may_manage = allowed(user, "consultations.manage_consultation", consultation)
        visible_objectives = set(
            Objective.objects.visible_to(user)
            .filter(pk__in=[o.pk for o in consultation.objectives.all()])
            .values_list("pk", flat=True)
        )
        context.update(
            questions=_questions(consultation),
            objectives=[o for o in consultation.objectives.all() if o.pk in visible_objectives],
            may_manage=may_manage,
            may_change_questions=allowed(user, "consultations.change_questions", consultation),
            may_respond=allowed(user, "consultations.respond", consultation),
            may_edit_summary=allowed(user, "consultations.edit_summary", consultation),
            may_view_summary=allowed(user, "consultations.view_summary", consultation),
            response_problem=response_error(user, consultation),
        )
        if may_manage:
            context["response_count"] = consultation.responses.count()
        if user.is_authenticated:
            context["my_response"] = consultation.responses.filter(user=user).first()
        return context


class ConsultationCreateView(ServiceFormMixin, RuleRequiredMixin, FormView):
    template_name = "consultations/consultation_form.html"
    permission_rule = "consultations.add_consultation"

    def get_initial(self):
        today = timezone.localdate()
        return {"opens_on": today, "closes_on": today + timezone.timedelta(days=28)}

    def get_form(self, form_class=None):
        return ConsultationForm(**self.get_form_kwargs(), user=self.request.user)

    def perform(self, form):
        return services.consultation_create(by=self.request.user, **form.cleaned_data)

    def success_message(self, _result):
        return "Consultation saved as a draft. Add its questions, then publish it"


class ConsultationUpdateView(ConsultationMixin, FormView):
    template_name = "consultations/consultation_form.html"
    permission_rule = "consultations.manage_consultation"

    def get_form(self, form_class=None):
        return ConsultationForm(
            **self.get_form_kwargs(), user=self.request.user, consultation=self.get_consultation()
        )

    def perform(self, form):
        return services.consultation_update(
            consultation=self.get_consultation(), by=self.request.user, **form.cleaned_data
        )

    def success_message(self, _result):
        return "Consultation updated"


class QuestionCreateView(ConsultationMixin, FormView):
    template_name = "consultations/question_form.html"
    permission_rule = "consultations.change_questions"
    form_class = QuestionForm

    def perform(self, form):
        return services.question_add(
            consultation=self.get_consultation(), by=self.request.user, **form.cleaned_data
        )

    def success_message(self, _result):
        return "Question added"

    def success_redirect(self, _result):
        return redirect(self.get_consultation())


class ConfirmView(ConsultationMixin, FormView):
    """A confirmation page with one button, calling one service."""

    template_name = "consultations/consultation_confirm.html"
    heading = ""
    intro = ""
    submit_label = "Confirm"
    done_message = ""

    def get_form(self, form_class=None):
        return ConfirmForm(**self.get_form_kwargs(), submit_label=self.submit_label)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading, "intro": self.intro}

    def service(self):
        raise NotImplementedError

    def perform(self, form):
        return self.service()

    def success_message(self, _result):
        return self.done_message

    def success_redirect(self, _result):
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.get_consultation().get_absolute_url()


class QuestionRemoveView(ConfirmView):
    permission_rule = "consultations.change_questions"
    submit_label = "Remove question"
    done_message = "Question removed"

    def get_question(self):
        return get_object_or_404(
            Question.objects.filter(consultation=self.get_consultation()),
            pk=self.kwargs["question_pk"],
        )

    def get_context_data(self, **kwargs):
        self.heading = f"Remove the question ‘{self.get_question().text}’?"
        return super().get_context_data(**kwargs)

    def service(self):
        services.question_remove(question=self.get_question(), by=self.request.user)


class ConsultationPublishView(ConfirmView):
    permission_rule = "consultations.change_questions"
    heading = "Publish this consultation?"
    intro = (
        "Anyone will be able to read it. It takes responses from its opening date until the end "
        "of its closing date. Its questions cannot be changed once it is published."
    )
    submit_label = "Publish consultation"
    done_message = "Consultation published"

    def service(self):
        services.consultation_publish(consultation=self.get_consultation(), by=self.request.user)


class ConsultationCloseView(ConfirmView):
    permission_rule = "consultations.manage_consultation"
    heading = "Close this consultation now?"
    intro = "No more responses can be sent or changed. You can then write and publish its summary."
    submit_label = "Close consultation now"
    done_message = "Consultation closed"

    def service(self):
        services.consultation_close(consultation=self.get_consultation(), by=self.request.user)


@method_decorator(login_not_required, name="dispatch")
class ResponseView(ConsultationMixin, FormView):
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

    def form_valid(self, form):
        user = self.request.user
        try:
            services.response_save(
                consultation=self.get_consultation(),
                by=user if user.is_authenticated else None,
                respondent_type=form.cleaned_data["respondent_type"],
                area=form.cleaned_data["area"],
                organisation_name=form.cleaned_data["organisation_name"],
                answers=form.answers(),
                ip=client_ip(self.request),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            "Your response has been updated"
            if self.existing
            else "Thank you. Your response has been sent",
        )
        return redirect(self.get_consultation())


class SummaryEditView(ConsultationMixin, FormView):
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


class SummaryEntryCreateView(ConsultationMixin, FormView):
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
    "ConsultationCloseView",
    "ConsultationCreateView",
    "ConsultationDetailView",
    "ConsultationListView",
    "ConsultationPublishView",
    "ConsultationUpdateView",
    "QuestionCreateView",
    "QuestionRemoveView",
    "ResponseView",
    "ResponsesExportView",
    "SummaryEditView",
    "SummaryEntryCreateView",
    "SummaryEntryRemoveView",
    "SummaryPublishView",
    "SummaryView",
]
