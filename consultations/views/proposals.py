"""Proposals: the list, a proposal's page, writing one, and its files."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView

from objectives.models import Objective, Target
from objectives.progress import delivery_for, percent
from people.permissions import place_to_work_in
from places.area_picker import AreaPickerMixin
from places.models import Place
from socialvalue.files import serve_private_file
from socialvalue.kept_uploads import KeepUploadsViewMixin
from socialvalue.rules import allowed
from socialvalue.view_bases import ActOnObjectMixin, ServiceActionMixin, ServiceFormMixin

from .. import services
from ..filters import ProposalFilterSet
from ..forms import (
    CommentForm,
    ProposalForm,
    SupportForm,
)
from ..models import Comment, Proposal, ProposalEvent, ProposalFile, Support
from ..permissions import OWN_ORGANISATION, review_error, reviews_in, support_error

Status = Proposal.Status


def _visible(user):
    return Proposal.objects.visible_to(user)


@method_decorator(login_not_required, name="dispatch")
class ProposalListView(FilterView):
    """Submitted proposals are public; an organisation also sees its own drafts."""

    template_name = "consultations/proposal_list.html"
    filterset_class = ProposalFilterSet
    paginate_by = 25
    context_object_name = "proposals"

    def get_queryset(self):
        return (
            Proposal.objects.listed_for(self.request.user).for_list().order_by("-updated_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_add"] = allowed(self.request.user, "consultations.add_proposal")
        return context


class ProposalMixin(ActOnObjectMixin):
    """The proposal from the URL, through `visible_to` (404 if hidden); the view's
    `permission_rule` asked of it (403)."""

    model = Proposal

    def get_acted_on_queryset(self):
        return _visible(self.request.user).select_related("organisation", "place")

    def get_proposal(self) -> Proposal:
        return self.acted_on()


def _thread(proposal):
    """Questions, each with its answers, oldest first (one query)."""
    questions, replies = [], {}
    for comment in Comment.objects.filter(proposal=proposal).for_thread():
        if comment.reply_to_id:
            replies.setdefault(comment.reply_to_id, []).append(comment)
        else:
            questions.append(comment)
    return [{"question": q, "replies": replies.get(q.pk, [])} for q in questions]


@method_decorator(login_not_required, name="dispatch")
class ProposalDetailView(DetailView):
    template_name = "consultations/proposal_detail.html"
    context_object_name = "proposal"

    def get_queryset(self):
        return _visible(self.request.user).for_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal, user = self.object, self.request.user
        if proposal.hidden_at and not allowed(user, "consultations.view_hidden_proposal", proposal):
            # Only why it was hidden: not its content, questions, supporters or history.
            context["content_hidden"] = True
            return context
        may_review = allowed(user, "consultations.review_proposal", proposal)
        events = (
            ProposalEvent.objects.visible_to(user)
            .filter(proposal=proposal)
            .select_related("by_organisation", "by")
        )
        supports = list(Support.objects.filter(proposal=proposal).select_related("organisation"))
        context.update(
            events=list(events),
            thread=_thread(proposal),
            supporting_organisations=sorted(
                {s.organisation.name for s in supports if s.organisation_id}
            ),
            supporting_people=sum(1 for s in supports if not s.organisation_id),
            my_support=next((s for s in supports if s.user_id == user.pk), None),
            may_edit=allowed(user, "consultations.change_proposal", proposal),
            may_submit=allowed(user, "consultations.submit_proposal", proposal),
            may_withdraw=allowed(user, "consultations.withdraw_proposal", proposal),
            may_review=may_review,
            may_start_review=allowed(user, "consultations.start_review", proposal),
            may_decide=allowed(user, "consultations.decide_proposal", proposal),
            may_hide=allowed(user, "consultations.hide_proposal", proposal),
            may_unhide=allowed(user, "consultations.unhide_proposal", proposal),
            may_comment=user.is_authenticated
            and allowed(user, "consultations.comment_proposal", proposal),
            may_answer=allowed(user, "consultations.answer_question", proposal),
            may_support=allowed(user, "consultations.support_proposal", proposal),
            support_problem=support_error(user, proposal) if user.is_authenticated else None,
            review_problem=review_error(user, proposal) if user.is_authenticated else None,
        )
        if context["may_support"] and context["my_support"] is None:
            form = SupportForm(user=user)
            form.helper.form_action = reverse("consultations:proposal_support", args=[proposal.pk])
            context["support_form"] = form
        if context["may_comment"]:
            form = CommentForm()
            form.helper.form_action = reverse("consultations:comment_create", args=[proposal.pk])
            context["comment_form"] = form
        context["show_review_problem"] = (
            proposal.status in Proposal.OPEN_STATUSES
            and context["review_problem"] == OWN_ORGANISATION
            and reviews_in(user, proposal.place_id)
        )
        context.update(self._outcome(proposal, user))
        return context

    def _outcome(self, proposal, user) -> dict:
        """The objective it became, and what is being delivered against its targets."""
        if proposal.objective_id is None:
            return {}
        objective = proposal.objective
        if not Objective.objects.visible_to(user).filter(pk=objective.pk).exists():
            return {"objective": objective, "objective_visible": False}
        targets = list(
            Target.objects.current().filter(objective=objective).select_related("measure")
        )
        delivery = delivery_for(t.pk for t in targets)
        rows = [
            {
                "target": t,
                "verified": delivery[t.pk].verified,
                "percent": percent(delivery[t.pk].verified, t.target_quantity),
            }
            for t in targets
        ]
        return {"objective": objective, "objective_visible": True, "delivery_rows": rows}


def place_for_new_proposal(request) -> Place:
    """`people.permissions.place_to_work_in`, chosen with `?place=`; a 404 when there is none."""
    place = place_to_work_in(request.user, request.GET.get("place"))
    if place is None:
        raise Http404("Choose a place")
    return place


def _submitting(request) -> bool:
    return request.POST.get("action") == "Submit proposal"


class ProposalCreateView(ServiceFormMixin, KeepUploadsViewMixin, AreaPickerMixin, FormView):
    template_name = "consultations/proposal_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not allowed(request.user, "consultations.add_proposal"):
            raise PermissionDenied
        self.place = place_for_new_proposal(request)
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = ProposalForm(**self.get_form_kwargs(), place=self.place, user=self.request.user)
        return self.tick_chosen_area(form)  # the area picker's map links here with ?area=

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "place": self.place}

    def perform(self, form):
        return services.proposal_create(
            by=self.request.user,
            place=self.place,
            submit=_submitting(self.request),
            **form.service_kwargs(),
        )

    def success_message(self, proposal):
        if _submitting(self.request):
            return (
                f"Thank you. Proposal {proposal.reference} has been submitted. "
                "Officers will review it, and we will email you when its status changes"
            )
        return (
            f"Proposal {proposal.reference} saved as a draft. Only people in "
            f"{proposal.organisation} can see it until you submit it"
        )


class ProposalUpdateView(ServiceFormMixin, KeepUploadsViewMixin, ProposalMixin, FormView):
    template_name = "consultations/proposal_form.html"
    permission_rule = "consultations.change_proposal"

    def get_form(self, form_class=None):
        proposal = self.get_proposal()
        return ProposalForm(
            **self.get_form_kwargs(),
            place=proposal.place,
            user=self.request.user,
            proposal=proposal,
        )

    def get_context_data(self, **kwargs):
        proposal = self.get_proposal()
        return {
            **super().get_context_data(**kwargs),
            "place": proposal.place,
            "files": proposal.files.filter(removed_at__isnull=True),
        }

    def perform(self, form):
        return services.proposal_update(
            proposal=self.get_proposal(),
            by=self.request.user,
            submit=_submitting(self.request),
            **form.service_kwargs(),
        )

    def success_message(self, proposal):
        if _submitting(self.request):
            return f"Proposal {proposal.reference} has been submitted"
        return f"Proposal {proposal.reference} saved"


def _evidence_file(proposal, pk) -> ProposalFile:
    """One of the proposal's evidence files that has not been removed (404 otherwise)."""
    return get_object_or_404(
        ProposalFile.objects.filter(proposal=proposal, removed_at__isnull=True), pk=pk
    )


@method_decorator(login_not_required, name="dispatch")
class ProposalFileView(ProposalMixin, View):
    """An evidence file, to people who may see the proposal (so drafts' files stay private)."""

    permission_rule = "consultations.view_evidence_file"

    def get(self, request, pk, file_pk):
        record = _evidence_file(self.get_proposal(), file_pk)
        return serve_private_file(record.file, download_name=record.original_name)


class ProposalFileRemoveView(ServiceActionMixin, ProposalMixin, View):
    """Remove an evidence file (POST from the proposal's edit page, where either way the
    person goes back to)."""

    permission_rule = "consultations.change_proposal"

    def perform(self):
        self._record = _evidence_file(self.get_proposal(), self.kwargs["file_pk"])
        services.proposal_remove_file(file=self._record, by=self.request.user)
        return reverse("consultations:proposal_update", args=[self.get_proposal().pk])

    def success_message(self, result) -> str:
        return f"{self._record.original_name} removed"

    def refused_redirect(self):
        return redirect("consultations:proposal_update", pk=self.get_proposal().pk)


__all__ = [
    "ProposalCreateView",
    "ProposalDetailView",
    "ProposalFileRemoveView",
    "ProposalFileView",
    "ProposalListView",
    "ProposalMixin",
    "ProposalUpdateView",
]
