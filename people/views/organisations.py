from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, FormView, ListView, TemplateView

from notifications.services import site_url
from socialvalue.forms import ConfirmForm, apply_validation_error
from socialvalue.http import client_ip
from socialvalue.rules import allowed
from socialvalue.view_bases import ActOnObjectMixin, RuleRequiredMixin, ServiceFormMixin

from . import services, two_factor
from .filters import OrganisationFilterSet
from .forms import (
    AcceptInvitationForm,
    ChoosePasswordForm,
    InvitationForm,
    OrganisationForm,
    OrganisationRegisterForm,
    ResetPasswordForm,
    SignInForm,
)
from .models import Invitation, Membership, Organisation
from .two_factor import TwoFactorRequiredMixin


class SignInView(auth_views.LoginView):
    """Email and password; then, for a person with two-factor sign-in, their code (the person
    is signed in only once the code is right: `views_account.SignInCodeView`)."""

    template_name = "people/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.has_two_factor(user):
            two_factor.pending_start(self.request, user=user, next_url=self.get_success_url())
            return redirect("people:sign_in_code")
        return super().form_valid(form)


class AdminSignInView(SignInView):
    """The Django admin's sign-in page is this service's sign-in, with the same throttle, lock
    and two-factor step. Someone already signed in goes on to the admin if they are staff; if
    not, they are refused here rather than sent back and forth between the two pages."""

    redirect_authenticated_user = False
    next_page = reverse_lazy("admin:index")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if request.user.is_active and request.user.is_staff:
                return redirect(self.get_success_url())
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class SignOutView(auth_views.LogoutView):
    pass


class ResetPasswordView(auth_views.PasswordResetView):
    template_name = "people/password_reset.html"
    form_class = ResetPasswordForm
    email_template_name = "people/email/password_reset.txt"
    subject_template_name = "people/email/password_reset_subject.txt"
    success_url = reverse_lazy("people:password_reset_done")

    def get_form_kwargs(self):
        # The form counts each request against the connection, to throttle them.
        return {**super().get_form_kwargs(), "request": self.request}


class ResetPasswordDoneView(auth_views.PasswordResetDoneView):
    template_name = "people/password_reset_done.html"


class LinkThrottleMixin:
    """For a view opened from an emailed link with a token: refuse (429) while too many links
    that did not work came from this IP address, and count this one if it does not work
    (`link_failed(response)`)."""

    def link_failed(self, response) -> bool:
        """Each view says what a link that did not work looks like (all three define it)."""
        raise NotImplementedError(f"{type(self).__name__} must define link_failed()")

    def dispatch(self, request, *args, **kwargs):
        ip = client_ip(request)
        if services.link_is_throttled(ip_address=ip):
            return render(request, "people/link_throttled.html", status=429)
        response = super().dispatch(request, *args, **kwargs)
        if self.link_failed(response):
            services.bad_link_record(ip_address=ip)
        return response


@method_decorator(login_not_required, name="dispatch")
class ResetPasswordConfirmView(LinkThrottleMixin, auth_views.PasswordResetConfirmView):
    template_name = "people/password_reset_confirm.html"
    form_class = ChoosePasswordForm
    success_url = reverse_lazy("people:password_reset_complete")

    def link_failed(self, response) -> bool:
        # A working link redirects to the form (its token moves to the session), then shows
        # it; anything else is the "link has expired" page.
        return not self.validlink and response.status_code != 302


class ResetPasswordCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "people/password_reset_complete.html"


class OrganisationListView(ListView):
    template_name = "people/organisation_list.html"
    paginate_by = 25
    context_object_name = "organisations"

    def get_queryset(self):
        base = Organisation.objects.visible_to(self.request.user).current().for_list()
        self.filterset = OrganisationFilterSet(
            self.request.GET or None, queryset=base, request=self.request
        )
        return self.filterset.qs.order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["may_register"] = allowed(self.request.user, "people.register_organisation")
        return context


class OrganisationDetailView(DetailView):
    template_name = "people/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return (
            Organisation.objects.visible_to(self.request.user)
            .select_related("place", "status_confirmed_by")
            .prefetch_related("areas")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org, user = self.object, self.request.user
        may_see_members = allowed(user, "people.view_members", org)
        may_manage = allowed(user, "people.invite_member", org)
        context.update(
            may_see_members=may_see_members,
            may_manage=may_manage,
            may_change=allowed(user, "people.change_organisation", org),
            may_confirm_status=org.status_is_self_declared
            and allowed(user, "people.confirm_status", org),
        )
        if may_see_members:
            context["memberships"] = (
                Membership.objects.visible_to(user)
                .current()
                .filter(organisation=org)
                .select_related("user")
                .order_by("user__full_name", "role")
            )
        if may_manage:
            context["invitations"] = [
                invitation
                for invitation in Invitation.objects.filter(
                    organisation=org, accepted_at__isnull=True, revoked_at__isnull=True
                ).select_related("invited_by")
                if invitation.is_pending
            ]
        return context


class OrganisationScopedMixin(ServiceFormMixin, ActOnObjectMixin):
    """The organisation from the URL (404 if it cannot be seen); the view's rule asked of it."""

    model = Organisation
    lookups = {"slug": "slug"}

    def get_organisation(self) -> Organisation:
        return self.acted_on()


class OrganisationUpdateView(TwoFactorRequiredMixin, OrganisationScopedMixin, FormView):
    template_name = "people/organisation_form.html"
    permission_rule = "people.change_organisation"

    def get_form(self, form_class=None):
        org = self.get_organisation()
        return OrganisationForm(**self.get_form_kwargs(), instance=org, place=org.place)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            organisation = services.organisation_update(
                organisation=self.get_organisation(), by=self.request.user, **data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{organisation} updated")
        return redirect(organisation)


class OrganisationRegisterView(ServiceFormMixin, RuleRequiredMixin, FormView):
    """Officers of public bodies register the community groups and suppliers they work with."""

    template_name = "people/organisation_form.html"
    permission_rule = "people.register_organisation"

    def get_form(self, form_class=None):
        return OrganisationRegisterForm(**self.get_form_kwargs())

    def perform(self, form):
        return services.organisation_register(
            by=self.request.user, confirm_status=True, **form.cleaned_data
        )

    def success_message(self, organisation):
        return (
            f"{organisation} registered. Invite its first admin from its page, or ask a "
            "superuser to"
        )


class OrganisationStatusConfirmView(TwoFactorRequiredMixin, OrganisationScopedMixin, FormView):
    """An officer confirms a supplier's SME and VCSE status, so it counts in published figures."""

    template_name = "people/organisation_status_confirm.html"
    permission_rule = "people.confirm_status"

    def get_form(self, form_class=None):
        return ConfirmForm(**self.get_form_kwargs(), submit_label="Confirm this status")

    def perform(self, form):
        return services.organisation_status_confirm(
            organisation=self.get_organisation(), by=self.request.user
        )

    def success_message(self, organisation):
        return f"{organisation}'s status is confirmed: it now counts in the figures"


class InvitationCreateView(TwoFactorRequiredMixin, OrganisationScopedMixin, FormView):
    template_name = "people/invitation_form.html"
    form_class = InvitationForm
    permission_rule = "people.invite_member"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.get_organisation()}

    def form_valid(self, form):
        organisation = self.get_organisation()
        try:
            invitation = services.invitation_create(
                organisation=organisation,
                by=self.request.user,
                accept_url_for=lambda token: site_url(
                    reverse("people:invitation_accept", kwargs={"token": token})
                ),
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Invitation sent to {invitation.email}. It lasts 14 days.")
        return redirect(organisation)


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

    def form_valid(self, form):
        membership = self.get_membership()
        try:
            services.membership_end(membership=membership, by=self.request.user)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{membership.user} is no longer {membership.get_role_display().lower()} "
            f"at {membership.organisation}",
        )
        return redirect(membership.organisation)


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
        from .models import User

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


@method_decorator(login_not_required, name="dispatch")
class ResidentRegisterView(FormView):
    """Residents create their own account, to support proposals and ask questions. Then they
    are signed in and sent back where they came from (`next`, when it is on this site)."""

    template_name = "people/register.html"

    def get_form(self, form_class=None):
        from .forms import ResidentRegistrationForm

        return ResidentRegistrationForm(**self.get_form_kwargs())

    def next_url(self) -> str:
        from django.utils.http import url_has_allowed_host_and_scheme

        url = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return url
        return ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect(self.next_url() or "home")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": self.next_url()}

    def form_valid(self, form):
        try:
            services.registration_request(
                ip_address=client_ip(self.request),
                absolute_url=site_url,
                next_url=self.next_url(),
                **form.service_kwargs(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        return redirect("people:register_sent")


@method_decorator(login_not_required, name="dispatch")
class RegisterSentView(TemplateView):
    """The same answer whether or not the address has an account: look in your email."""

    template_name = "people/register_sent.html"


@method_decorator(login_not_required, name="dispatch")
class RegisterConfirmView(LinkThrottleMixin, FormView):
    """The link emailed to a resident who asked for an account: a button (a GET, which mail
    scanners follow, changes nothing) that makes the account and signs them in."""

    template_name = "people/register_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        self.registration = services.registration_for_token(kwargs["token"])
        return super().dispatch(request, *args, **kwargs)

    def link_failed(self, response) -> bool:
        return self.registration is None

    def get_form(self, form_class=None):
        return ConfirmForm(**self.get_form_kwargs(), submit_label="Create my account")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "registration": self.registration}

    def get(self, request, *args, **kwargs):
        if self.registration is None or not self.registration.is_pending:
            return self.render_to_response(self.get_context_data(), status=404)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.registration is None:
            return self.render_to_response(self.get_context_data(), status=404)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            user = services.registration_confirm(registration=self.registration)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            self.request,
            "Your account has been created. You can now support proposals and ask questions",
        )
        return redirect(self.registration.next_url or "home")
