"""Signing in and out, and resetting a password (each link throttled)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from socialvalue.http import client_ip

from .. import services, two_factor
from ..forms import (
    ChoosePasswordForm,
    ResetPasswordForm,
    SignInForm,
)


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
