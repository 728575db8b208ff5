"""Consultations: the public list and page, and the officer's set-up, publishing and close. The
response form, the published summary and the responses download are in
`consultation_responses`."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView

from objectives.models import Objective
from socialvalue.forms import ConfirmForm
from socialvalue.rules import allowed
from socialvalue.view_bases import ActOnObjectMixin, RuleRequiredMixin, ServiceFormMixin

from .. import services
from ..filters import ConsultationFilterSet
from ..forms import (
    ConsultationForm,
    QuestionForm,
)
from ..models import Consultation, Question
from ..permissions import response_error


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


class ConsultationMixin(ActOnObjectMixin):
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


class ConsultationUpdateView(ServiceFormMixin, ConsultationMixin, FormView):
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


class QuestionCreateView(ServiceFormMixin, ConsultationMixin, FormView):
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


class ConfirmView(ServiceFormMixin, ConsultationMixin, FormView):
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
        """Each confirmation page calls its one service and returns what it changed; a base
        with no service of its own is never routed."""
        raise NotImplementedError(f"{type(self).__name__} must say which service it calls")

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


__all__ = [
    "ConsultationCloseView",
    "ConsultationCreateView",
    "ConsultationDetailView",
    "ConsultationListView",
    "ConsultationPublishView",
    "ConsultationUpdateView",
    "QuestionCreateView",
    "QuestionRemoveView",
]
