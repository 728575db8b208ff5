"""A resident registering an account of their own, confirmed by an emailed link."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.generic import FormView, TemplateView

from notifications.services import site_url
from socialvalue.forms import ConfirmForm, apply_validation_error
from socialvalue.http import client_ip
from socialvalue.view_bases import ServiceFormMixin

from .. import services
from .sign_in import LinkThrottleMixin


@method_decorator(login_not_required, name="dispatch")
class ResidentRegisterView(ServiceFormMixin, FormView):
    """Residents create their own account, to support proposals and ask questions. Then they
    are signed in and sent back where they came from (`next`, when it is on this site)."""

    template_name = "people/register.html"

    def get_form(self, form_class=None):
        from ..forms import ResidentRegistrationForm

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

    def perform(self, form):
        return services.registration_request(
            ip_address=client_ip(self.request),
            absolute_url=site_url,
            next_url=self.next_url(),
            **form.service_kwargs(),
        )

    def success_redirect(self, _result):
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
        """Not a ServiceFormMixin view: it signs the new resident in before the welcome message,
        and the mixin flashes the message before `success_redirect` could do so."""
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
