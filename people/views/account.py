"""A person's own account: their details, and two-factor sign-in (setting it up, the code step
at sign-in, recovery codes, turning it off). See `people.two_factor` for how it works."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import FormView, TemplateView

from socialvalue.view_bases import ServiceFormMixin

from .. import two_factor
from ..forms_account import PasswordConfirmForm, SignInCodeForm, TwoFactorSetupForm
from ..permissions import two_factor_required


def _next(request) -> str:
    return two_factor.safe_next(request, request.POST.get("next") or request.GET.get("next"))


class AccountView(TemplateView):
    template_name = "people/account.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        device = two_factor.authenticator(user)
        return {
            **super().get_context_data(**kwargs),
            "authenticator": device,
            "recovery_codes_left": two_factor.recovery_codes_left(user) if device else 0,
            "two_factor_required": two_factor_required(user),
        }


class VerifiedIfOnMixin:
    """Changing how one signs in needs a session in which a code was entered, when two-factor
    sign-in is on (it may have been turned on in another session since this one began)."""

    def dispatch(self, request, *args, **kwargs):
        if two_factor.has_two_factor(request.user) and not two_factor.is_verified(request):
            return redirect(two_factor.step_url("people:sign_in_code", request.get_full_path()))
        return super().dispatch(request, *args, **kwargs)


class TwoFactorSetupView(ServiceFormMixin, FormView):
    """Scan the QR code (or type the key), then enter the first code to turn it on."""

    template_name = "people/two_factor_setup.html"
    form_class = TwoFactorSetupForm

    def dispatch(self, request, *args, **kwargs):
        if two_factor.has_two_factor(request.user):
            messages.info(request, "Two-factor sign-in is already on for your account")
            return redirect(_next(request) or "people:account")
        return super().dispatch(request, *args, **kwargs)

    def secret(self) -> str:
        """Kept in the session until the first code proves the app has it: nothing is stored
        against the account before then."""
        key = self.request.session.get(two_factor.SETUP_KEY)
        if not key:
            key = two_factor.new_secret()
            self.request.session[two_factor.SETUP_KEY] = key
        return key

    def get_context_data(self, **kwargs):
        key = self.secret()
        return {
            **super().get_context_data(**kwargs),
            "qr_code": two_factor.qr_code_data_uri(two_factor.setup_url(self.request.user, key)),
            "secret": two_factor.secret_for_typing(key),
            "two_factor_required": two_factor_required(self.request.user),
            "next": _next(self.request),
        }

    def perform(self, form):
        return two_factor.two_factor_enable(
            user=self.request.user, key=self.secret(), code=form.cleaned_data["code"]
        )

    def success_redirect(self, result):
        """No message: the session forgets the setup key, counts as verified with the new
        device, and carries the first recovery codes to the page that shows them once."""
        device, codes = result
        self.request.session.pop(two_factor.SETUP_KEY, None)
        two_factor.mark_verified(self.request, device)
        self.request.session[two_factor.NEW_CODES] = {
            "codes": codes,
            "next": _next(self.request),
            "first": True,
        }
        return redirect("people:two_factor_codes")


class RecoveryCodesView(TemplateView):
    """New recovery codes, shown once: they leave the session as this page is made."""

    template_name = "people/two_factor_codes.html"

    def get(self, request, *args, **kwargs):
        shown = request.session.pop(two_factor.NEW_CODES, None)
        if not shown:
            messages.info(
                request,
                "Recovery codes are shown only once. If you have lost yours, make new ones",
            )
            return redirect("people:account")
        return self.render_to_response(self.get_context_data(**shown))


class PasswordConfirmView(VerifiedIfOnMixin, FormView):
    """A change to two-factor sign-in, confirmed with the password."""

    template_name = "people/password_confirm.html"
    heading = ""
    intro = ""
    submit_label = ""

    def dispatch(self, request, *args, **kwargs):
        if not two_factor.has_two_factor(request.user):
            messages.info(request, "Two-factor sign-in is not on for your account")
            return redirect("people:account")
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return PasswordConfirmForm(
            **self.get_form_kwargs(),
            user=self.request.user,
            request=self.request,
            submit_label=self.submit_label,
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": self.heading,
            "intro": self.intro,
            "two_factor_required": two_factor_required(self.request.user),
        }


class RecoveryCodesReplaceView(PasswordConfirmView):
    heading = "Make new recovery codes"
    intro = "Your old recovery codes will stop working, including any you have not used."
    submit_label = "Make new recovery codes"

    def form_valid(self, form):
        codes = two_factor.recovery_codes_replace(user=self.request.user)
        self.request.session[two_factor.NEW_CODES] = {"codes": codes, "next": "", "first": False}
        return redirect("people:two_factor_codes")


class TwoFactorDisableView(PasswordConfirmView):
    heading = "Turn off two-factor sign-in"
    intro = (
        "You will sign in with your password only. Your authenticator app and your recovery "
        "codes will stop working for this account."
    )
    submit_label = "Turn off two-factor sign-in"

    def form_valid(self, form):
        two_factor.two_factor_disable(user=self.request.user)
        messages.success(self.request, "Two-factor sign-in is off")
        return redirect("people:account")


@method_decorator(login_not_required, name="dispatch")
class SignInCodeView(FormView):
    """The code step: after a right password at sign-in, or when a signed-in person with an
    authenticator is asked for a code before doing something that needs one."""

    template_name = "people/sign_in_code.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        self.pending = None
        if user.is_authenticated:
            if not two_factor.has_two_factor(user):
                return redirect(
                    two_factor.step_url("people:two_factor_setup", _next(request) or "/")
                )
            if two_factor.is_verified(request):
                return redirect(_next(request) or "home")
            self.person = user
        else:
            self.pending = two_factor.pending(request)
            if self.pending is None:
                messages.info(request, "Sign in again: the code must be entered within 5 minutes")
                return redirect("people:login")
            self.person = self.pending.user
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return SignInCodeForm(**self.get_form_kwargs(), person=self.person, request=self.request)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": _next(self.request)}

    def form_valid(self, form):
        device = form.device
        if self.pending is not None:
            login(self.request, self.person, backend=self.pending.backend)
            two_factor.pending_clear(self.request)
            destination = self.pending.next_url
        else:
            destination = _next(self.request) or reverse("home")
        two_factor.mark_verified(self.request, device)
        if two_factor.is_recovery_code(device):
            left = two_factor.recovery_codes_left(self.person)
            messages.warning(
                self.request,
                f"You used a recovery code. It will not work again. You have {left} left: "
                "make new ones from your account page if you are running out",
            )
        return redirect(destination)
