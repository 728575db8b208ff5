"""A proposal's review: the steps of its life cycle, adopting it as an objective, officers'
private notes, and hiding it."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView

from objectives.forms import ObjectiveForm
from socialvalue.links import link_initial
from socialvalue.rules import allowed
from socialvalue.view_bases import ServiceFormMixin

from .. import services
from ..forms import (
    AttachForm,
    HideProposalForm,
    MergeForm,
    NoteForm,
    ReasonForm,
    ShowProposalForm,
)
from .proposals import ProposalMixin, Status


class TransitionView(ServiceFormMixin, ProposalMixin, FormView):
    """One step of the life cycle, with a public answer and (for officers) a private note."""

    template_name = "consultations/proposal_transition.html"
    to: str = ""
    heading = ""
    intro = ""
    form_options: dict = {}

    def get_form(self, form_class=None):
        return ReasonForm(**self.get_form_kwargs(), **self.form_options)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "heading": self.heading, "intro": self.intro}

    def service(self, form):
        return services.proposal_transition(
            proposal=self.get_proposal(),
            to=self.to,
            by=self.request.user,
            reason=form.cleaned_data.get("reason", ""),
            note=form.cleaned_data.get("note", ""),
        )

    def perform(self, form):
        return self.service(form)

    def success_message(self, proposal):
        return f"Proposal {proposal.reference} is now {proposal.get_status_display().lower()}"


class ProposalSubmitView(TransitionView):
    permission_rule = "consultations.submit_proposal"
    to = Status.SUBMITTED
    heading = "Submit your proposal"
    intro = (
        "Once submitted, anyone can read your proposal, and officers of the public bodies "
        "here will review it. Your organisation's name is shown; your own name is not."
    )
    form_options = {"submit_label": "Submit proposal", "with_note": False}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        del form.fields["reason"]
        return form


class ProposalWithdrawView(TransitionView):
    permission_rule = "consultations.withdraw_proposal"
    to = Status.WITHDRAWN
    heading = "Withdraw your proposal"
    intro = "A withdrawn proposal stays on record but can no longer be reviewed or supported."
    form_options = {
        "submit_label": "Withdraw proposal",
        "reason_label": "Why are you withdrawing it?",
        "with_note": False,
    }


class ProposalStartReviewView(TransitionView):
    permission_rule = "consultations.start_review"
    to = Status.UNDER_REVIEW
    heading = "Start reviewing this proposal"
    intro = "The proposer and supporters are told the proposal is under review."
    form_options = {"submit_label": "Start review", "reason_label": "Message to the proposer"}


class ProposalDeclineView(TransitionView):
    permission_rule = "consultations.decide_proposal"
    to = Status.DECLINED
    heading = "Decline this proposal"
    intro = "The proposer can revise a declined proposal and submit it again."
    form_options = {
        "submit_label": "Decline proposal",
        "reason_required": True,
        "reason_label": "Why is it declined?",
        "missing": "Explain why the proposal is declined: this is shown publicly",
    }


class ProposalMergeView(TransitionView):
    permission_rule = "consultations.decide_proposal"
    to = Status.MERGED
    heading = "Merge into another proposal"
    intro = "Use this when two groups have proposed the same thing."

    def get_form(self, form_class=None):
        return MergeForm(**self.get_form_kwargs(), proposal=self.get_proposal())

    def service(self, form):
        return services.proposal_transition(
            proposal=self.get_proposal(),
            to=Status.MERGED,
            by=self.request.user,
            reason=form.cleaned_data.get("reason", ""),
            note=form.cleaned_data.get("note", ""),
            merged_into=form.cleaned_data["merged_into"],
        )


class ProposalAttachView(TransitionView):
    permission_rule = "consultations.decide_proposal"
    heading = "Accept into an existing objective"

    def get_form(self, form_class=None):
        return AttachForm(
            **self.get_form_kwargs(), proposal=self.get_proposal(), user=self.request.user
        )

    def service(self, form):
        proposal = services.proposal_accept_into_objective(
            proposal=self.get_proposal(),
            by=self.request.user,
            objective=form.cleaned_data["objective"],
            reason=form.cleaned_data.get("reason", ""),
        )
        if form.cleaned_data.get("note"):
            services.proposal_note(
                proposal=proposal, by=self.request.user, note=form.cleaned_data["note"]
            )
        return proposal


class ProposalAcceptView(ProposalMixin, TemplateView):
    """Accepting: adopt as a new objective, or attach to one that exists."""

    template_name = "consultations/proposal_accept.html"
    permission_rule = "consultations.decide_proposal"


class ProposalAdoptView(ServiceFormMixin, ProposalMixin, FormView):
    """The objective form, filled in from the proposal; saving also accepts the proposal."""

    template_name = "consultations/proposal_adopt.html"
    permission_rule = "consultations.decide_proposal"

    def dispatch(self, request, *args, **kwargs):
        if not allowed(request.user, "objectives.add_objective"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        proposal = self.get_proposal()
        description = "\n\n".join(
            part
            for part in (
                proposal.change,
                f"Who is affected: {proposal.affected}" if proposal.affected else "",
                f"How it could be measured: {proposal.measurement}" if proposal.measurement else "",
            )
            if part
        )
        evidence = "\n\n".join(
            part
            for part in (
                f"The problem, as {proposal.organisation} put it: {proposal.problem}",
                proposal.evidence,
            )
            if part
        )
        initial = {
            "title": proposal.title,
            "description": description or proposal.problem,
            "areas": [a.pk for a in proposal.areas.all()],
            "partners": [proposal.organisation_id],
            "evidence_of_need": evidence,
        }
        if proposal.suggested_outcome_id:
            initial["outcome"] = proposal.suggested_outcome_id
            initial["dimensions"] = proposal.suggested_outcome.dimensions
        initial.update(link_initial(proposal.links.all(), ObjectiveForm.link_slots))
        return initial

    def get_form(self, form_class=None):
        form = ObjectiveForm(
            **self.get_form_kwargs(), place=self.get_proposal().place, user=self.request.user
        )
        form.helper.inputs[0].value = "Create objective and accept proposal"
        return form

    def perform(self, form):
        return services.proposal_accept_as_new_objective(
            proposal=self.get_proposal(), by=self.request.user, **form.service_kwargs()
        )

    def success_message(self, result):
        proposal, objective = result
        return (
            f"Proposal {proposal.reference} accepted. Objective {objective.reference} was "
            "created as a draft: add a target, then make it active"
        )

    def success_redirect(self, result):
        _proposal, objective = result
        return redirect(objective)


class ProposalNoteView(ServiceFormMixin, ProposalMixin, FormView):
    template_name = "consultations/proposal_transition.html"
    permission_rule = "consultations.review_proposal"
    form_class = NoteForm

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": "Add a private note",
            "intro": "Notes help officers review together. They are never shown to the proposer or the public.",
        }

    def perform(self, form):
        return services.proposal_note(
            proposal=self.get_proposal(), by=self.request.user, note=form.cleaned_data["note"]
        )

    def success_message(self, _result):
        return "Private note saved"

    def success_redirect(self, _result):
        return redirect(self.get_proposal())


class ProposalHideView(ServiceFormMixin, ProposalMixin, FormView):
    """An officer hides a whole proposal (abusive content) with a public reason."""

    template_name = "consultations/proposal_hide.html"
    permission_rule = "consultations.hide_proposal"
    form_class = HideProposalForm

    def perform(self, form):
        return services.proposal_hide(
            proposal=self.get_proposal(),
            by=self.request.user,
            reason=form.cleaned_data["reason"],
        )

    def success_message(self, proposal):
        return f"Proposal {proposal.reference} is hidden. {proposal.organisation} has been told why"


class ProposalUnhideView(ServiceFormMixin, ProposalMixin, FormView):
    template_name = "consultations/proposal_unhide.html"
    permission_rule = "consultations.unhide_proposal"
    form_class = ShowProposalForm

    def perform(self, form):
        return services.proposal_unhide(
            proposal=self.get_proposal(),
            by=self.request.user,
            reason=form.cleaned_data.get("reason", ""),
        )

    def success_message(self, proposal):
        return f"Proposal {proposal.reference} is shown again"


__all__ = [
    "ProposalAcceptView",
    "ProposalAdoptView",
    "ProposalAttachView",
    "ProposalDeclineView",
    "ProposalHideView",
    "ProposalMergeView",
    "ProposalNoteView",
    "ProposalStartReviewView",
    "ProposalSubmitView",
    "ProposalUnhideView",
    "ProposalWithdrawView",
    "TransitionView",
]
