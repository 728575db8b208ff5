"""What the community adds to a proposal: support, and questions with their answers (and an
officer hiding a comment)."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import FormView

from socialvalue.view_bases import ServiceActionMixin, ServiceFormMixin

from .. import services
from ..forms import (
    CommentForm,
    HideCommentForm,
    SupportForm,
)
from ..models import Comment
from .proposals import ProposalMixin


class SupportView(ServiceActionMixin, ProposalMixin, View):
    """Support (POST from the proposal page). Refusals come back as a message on the page."""

    permission_rule = "consultations.view_proposal"

    def perform(self):
        form = SupportForm(self.request.POST, user=self.request.user)
        if not form.is_valid():
            raise ValidationError("Choose who you are supporting as")
        services.support_add(
            proposal=self.get_proposal(),
            by=self.request.user,
            organisation=form.cleaned_data["organisation"],
        )
        return self.get_proposal()

    def success_message(self, result) -> str:
        return "Thank you for supporting this proposal"


class SupportWithdrawView(ServiceActionMixin, ProposalMixin, View):
    permission_rule = "consultations.view_proposal"

    def perform(self):
        services.support_withdraw(proposal=self.get_proposal(), by=self.request.user)
        return self.get_proposal()

    def success_message(self, result) -> str:
        return "You no longer support this proposal"


class CommentCreateView(ServiceFormMixin, ProposalMixin, FormView):
    """Ask a question, or (with comment_pk) answer one."""

    template_name = "consultations/comment_form.html"
    permission_rule = "consultations.comment_proposal"

    def get_reply_to(self) -> Comment | None:
        if "comment_pk" not in self.kwargs:
            return None
        return get_object_or_404(
            Comment.objects.filter(proposal=self.get_proposal()), pk=self.kwargs["comment_pk"]
        )

    def get_form(self, form_class=None):
        return CommentForm(**self.get_form_kwargs(), answering=self.get_reply_to() is not None)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reply_to": self.get_reply_to()}

    def perform(self, form):
        return services.comment_add(
            proposal=self.get_proposal(),
            by=self.request.user,
            body=form.cleaned_data["body"],
            reply_to=self.get_reply_to(),
        )

    def success_message(self, comment):
        return (
            "Your answer has been posted"
            if comment.reply_to_id
            else "Your question has been posted"
        )

    def success_redirect(self, comment):
        return redirect(f"{self.get_proposal().get_absolute_url()}#comment-{comment.pk}")


class CommentHideView(ServiceFormMixin, ProposalMixin, FormView):
    template_name = "consultations/comment_hide.html"
    permission_rule = "consultations.review_proposal"
    form_class = HideCommentForm

    def get_comment(self) -> Comment:
        return get_object_or_404(
            Comment.objects.filter(proposal=self.get_proposal(), hidden_at__isnull=True),
            pk=self.kwargs["comment_pk"],
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "comment": self.get_comment()}

    def perform(self, form):
        return services.comment_hide(
            comment=self.get_comment(), by=self.request.user, reason=form.cleaned_data["reason"]
        )

    def success_message(self, _result):
        return "The comment is hidden. Its author has been told why"

    def success_redirect(self, _result):
        return redirect(self.get_proposal())


__all__ = ["CommentCreateView", "CommentHideView", "SupportView", "SupportWithdrawView"]
