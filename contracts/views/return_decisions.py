"""A return's page and the decisions on it: verify, query, reject, and the supplier's answer to a
query."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import DetailView

from notifications.emails import notify
from notifications.services import site_url
from people.two_factor import two_factor_required_view
from socialvalue.forms import apply_validation_error
from socialvalue.kept_uploads import discard
from socialvalue.rules import allowed

from .. import services
from ..forms import (
    AnswerForm,
    QueryForm,
    RejectForm,
    VerifyForm,
)
from .delivery_base import RETURN_TAG_CLASSES, Status, _returns


class ReturnDetailView(DetailView):
    """A return with its evidence, the query and answer, and the actions the user may take."""

    template_name = "contracts/return_detail.html"
    context_object_name = "delivery_return"

    def get_queryset(self):
        return (
            _returns(self.request.user)
            .select_related(
                "commitment",
                "commitment__contract",
                "commitment__contract__supplier",
                "commitment__measure",
                "commitment__area",
                "commitment__objective",
                "commitment__delivered_by",
                "period",
                "submitted_by",
                "decided_by",
                "supported_group",
                "group_confirmed_by",
            )
            .prefetch_related("commitment__contract__joint_buyers", "files")
        )

    def action_forms(self) -> dict:
        r, user = self.object, self.request.user
        forms = {}
        if allowed(user, "contracts.verify_return", r):
            if r.status == Status.SUBMITTED:
                forms["verify"] = VerifyForm(delivery_return=r)
                forms["query"] = QueryForm(delivery_return=r)
            if r.status in (Status.SUBMITTED, Status.QUERIED):
                forms["reject"] = RejectForm(delivery_return=r)
        if allowed(user, "contracts.answer_query", r):
            forms["answer"] = AnswerForm(delivery_return=r)
        return forms

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        r = self.object
        forms = self.action_forms()
        bound = kwargs.get("bound_form")
        if bound is not None:
            forms[bound.prefix] = bound
        context.update(
            commitment=r.commitment,
            contract=r.commitment.contract,
            tag=RETURN_TAG_CLASSES[r.status],
            action_forms=forms,
            form=bound,  # for the error summary
            is_own=r.submitted_by_id == self.request.user.pk,
            may_see_evidence=allowed(self.request.user, "contracts.view_return_evidence", r),
        )
        return context


class ReturnActionView(ReturnDetailView):
    """POST one action on a return; on a refusal, show the return again with the message."""

    http_method_names = ["post"]
    permission_rule = ""
    form_class = None
    success_message = ""

    def act(self, form):
        """Each action (verify, query, answer, reject…) calls its service with the valid form
        and returns the updated return; a base with no action of its own is never routed."""
        raise NotImplementedError(f"{type(self).__name__} must say which service it calls")

    def service_kwargs(self, form) -> dict:
        """What every action's service is given: the return, who acts, and the version of the
        return they were looking at."""
        return {
            "delivery_return": self.object,
            "by": self.request.user,
            "expected_version": form.cleaned_data["version"],
        }

    def after(self, delivery_return):
        pass

    def post(self, request, *args, **kwargs):
        """Not a ServiceFormMixin view: a form posted to the return's detail page, which a
        refusal shows again with every action form, and which keeps or discards uploads."""
        self.object = self.get_object()
        if not allowed(request.user, self.permission_rule, self.object):
            raise PermissionDenied
        form = self.form_class(request.POST, request.FILES, delivery_return=self.object)
        keeps = hasattr(form, "keep_uploads")
        if keeps:
            form.upload_owner = request.user
        if form.is_valid():
            try:
                updated = self.act(form)
            except ValidationError as error:
                if hasattr(form, "ask_to_confirm_quantity"):
                    form.ask_to_confirm_quantity(error)
                apply_validation_error(form, error)
            else:
                for upload in form.kept_files() if keeps else ():
                    discard(upload)
                self.after(updated)
                messages.success(request, self.success_message)
                return redirect("contracts:return_detail", pk=updated.pk)
        if keeps:
            form.keep_uploads()
        return self.render_to_response(self.get_context_data(bound_form=form))


@method_decorator(two_factor_required_view, name="dispatch")
class OfficerDecisionView(ReturnActionView):
    """An officer's decision on a return (verify, query, reject): asks for two-factor and the
    verify rule. The submitter is told by the service (contracts.notices.return_decided)."""

    permission_rule = "contracts.verify_return"


class ReturnVerifyView(OfficerDecisionView):
    form_class = VerifyForm
    success_message = "Return verified. Its quantity now counts as delivered"

    def act(self, form):
        return services.return_verify(**self.service_kwargs(form))


class ReturnQueryView(OfficerDecisionView):
    form_class = QueryForm
    success_message = "Question sent to the supplier"

    def act(self, form):
        return services.return_query(
            **self.service_kwargs(form), question=form.cleaned_data["question"]
        )


class ReturnRejectView(OfficerDecisionView):
    form_class = RejectForm
    success_message = "Return rejected. The supplier has been told why"

    def act(self, form):
        return services.return_reject(
            **self.service_kwargs(form), reason=form.cleaned_data["reason"]
        )


class ReturnAnswerView(ReturnActionView):
    permission_rule = "contracts.answer_query"
    form_class = AnswerForm
    success_message = "Answer sent. An officer will look at the return again"

    def act(self, form):
        return services.return_answer(
            **self.service_kwargs(form),
            answer=form.cleaned_data["answer"],
            quantity=form.cleaned_data["quantity"],
            files=form.evidence_files(),
            quantity_confirmed=form.quantity_confirmed(),
        )

    def after(self, r):
        if r.decided_by_id:
            notify(
                recipients=[r.decided_by],
                subject="Your question about a return was answered",
                template="contracts/email/return_answered.txt",
                context={
                    "delivery_return": r,
                    "commitment": self.object.commitment,
                    "url": site_url(reverse("contracts:return_detail", kwargs={"pk": r.pk})),
                },
            )
