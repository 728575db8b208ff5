"""Memberships: inviting someone into an organisation, accepting the invitation, and ending a
membership."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import FormView

from notifications.services import site_url
from socialvalue.forms import ConfirmForm, apply_validation_error

from .. import services
from ..forms import (
    AcceptInvitationForm,
    InvitationForm,
)
from ..models import Membership
from ..two_factor import TwoFactorRequiredMixin
from .organisations import OrganisationScopedMixin
from .sign_in import LinkThrottleMixin


class InvitationCreateView(TwoFactorRequiredMixin, OrganisationScopedMixin, FormView):
    template_name = "people/invitation_form.html"
    form_class = InvitationForm
    permission_rule = "people.invite_member"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.get_organisation()}

    def perform(self, form):
        return services.invitation_create(
            organisation=self.get_organisation(),
            by=self.request.user,
            accept_url_for=lambda token: site_url(
                reverse("people:invitation_accept", kwargs={"token": token})
            ),
            **form.cleaned_data,
        )

    def success_message(self, invitation):
        return f"Invitation sent to {invitation.email}. It lasts 14 days."

    def success_redirect(self, _invitation):
        return redirect(self.get_organisation())


class MembershipEndView(TwoFactorRequiredMixin, OrganisationScopedMixin, FormView):
    template_name = "people/membership_end.html"
    permission_rule = "people.end_membership"

    def get_membership(self) -> Membership:
        if not hasattr(self, "_membership"):
            self._membership = get_object_or_404(
                Membership.objects.visible_to(self.request.user)
                .current()
                .select_related("user", "organisation"),
                pk=self.kwargs["pk"],
                organisation=self.get_organisation(),
            )
        return self._membership

    def get_permission_object(self):
        return self.get_membership()

    def get_form(self, form_class=None):
        return ConfirmForm(**self.get_form_kwargs(), submit_label="Remove from organisation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["membership"] = self.get_membership()
        return context

    def perform(self, form):
        return services.membership_end(membership=self.get_membership(), by=self.request.user)

    def success_message(self, _ended):
        """From the page's membership, whose person and organisation are already loaded."""
        membership = self.get_membership()
        return (
            f"{membership.user} is no longer {membership.get_role_display().lower()} "
            f"at {membership.organisation}"
        )

    def success_redirect(self, _ended):
        return redirect(self.get_membership().organisation)


@method_decorator(login_not_required, name="dispatch")
class InvitationAcceptView(LinkThrottleMixin, FormView):
    """The link in an invitation email. Newcomers choose a password; people who already have
    an account sign in first, then confirm."""

    template_name = "people/invitation_accept.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = services.invitation_for_token(kwargs["token"])
        return super().dispatch(request, *args, **kwargs)

    def link_failed(self, response) -> bool:
        # Only a token that matches no invitation: an expired or used one was not a guess.
        return self.invitation is None

    @property
    def account_exists(self) -> bool:
        from ..models import User

        return User.objects.filter(email__iexact=self.invitation.email).exists()

    @property
    def mode(self) -> str:
        if self.invitation is None or not self.invitation.is_pending:
            return "invalid"
        user = self.request.user
        if user.is_authenticated:
            return "confirm" if user.email.lower() == self.invitation.email else "wrong_user"
        return "sign_in" if self.account_exists else "new_account"

    def get_form(self, form_class=None):
        mode = self.mode
        if mode == "new_account":
            return AcceptInvitationForm(**self.get_form_kwargs(), invitation=self.invitation)
        if mode == "confirm":
            return ConfirmForm(**self.get_form_kwargs(), submit_label="Accept invitation")
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(invitation=self.invitation, mode=self.mode)
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.mode == "invalid":
            response.status_code = 404
        return response

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form is None:
            return self.render_to_response(self.get_context_data(), status=400)
        if form.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def form_valid(self, form):
        """Not a ServiceFormMixin view: a newcomer is signed in before the welcome message, and
        the mixin flashes the message before `success_redirect` could do so."""
        try:
            if self.mode == "new_account":
                membership = services.invitation_accept(
                    invitation=self.invitation,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
                login(
                    self.request,
                    membership.user,
                    backend="django.contrib.auth.backends.ModelBackend",
                )
            else:
                membership = services.invitation_accept(
                    invitation=self.invitation, user=self.request.user
                )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"You are now {membership.get_role_display().lower()} at {membership.organisation}",
        )
        return redirect("home")
