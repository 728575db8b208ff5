"""Forms for a person's own account: two-factor codes, and confirming a change with the
password."""

from django import forms
from django.core.exceptions import ValidationError

from socialvalue.forms import GovFormMixin
from socialvalue.http import client_ip

from . import services, two_factor


def _code_field(*, label: str, help_text: str, numeric: bool) -> forms.CharField:
    attrs = {
        "autocomplete": "one-time-code",
        "spellcheck": "false",
        "autocapitalize": "none",
        "class": "govuk-input--width-10",
    }
    if numeric:
        attrs.update(inputmode="numeric")
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=20,
        widget=forms.TextInput(attrs=attrs),
        error_messages={
            "required": "Enter the code",
            "max_length": "The code must be 20 characters or fewer",
        },
    )


class SignInCodeForm(GovFormMixin, forms.Form):
    """The second step of signing in: a code from the authenticator app, or a recovery code.
    Throttled (`two_factor.code_verify`); the device that accepted it is kept as `device`."""

    submit_label = "Continue"

    code = _code_field(
        label="Code from your authenticator app",
        help_text="The 6-digit code your app shows now. Lost your phone? Enter one of your "
        "recovery codes instead",
        numeric=False,
    )

    def __init__(self, *args, person, request, **kwargs):
        self.person, self.request = person, request
        self.device = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code")
        if code:
            self.device = two_factor.code_verify(
                user=self.person, code=code, ip_address=client_ip(self.request)
            )
        return cleaned


class TwoFactorSetupForm(GovFormMixin, forms.Form):
    """The first code from the app just set up, which proves it holds the secret."""

    submit_label = "Turn on two-factor sign-in"

    code = _code_field(
        label="Code from the app",
        help_text="6 digits. It changes every 30 seconds",
        numeric=True,
    )


class PasswordConfirmForm(GovFormMixin, forms.Form):
    """Confirm a change to how one signs in with the password. A wrong password counts as a
    failed sign-in, so guesses here lock the account exactly as guesses at sign-in do."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, *args, user, request, submit_label: str, **kwargs):
        self.user, self.request = user, request
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        email, ip = self.user.email, client_ip(self.request)
        if services.login_is_throttled(email=email, ip_address=ip):
            raise ValidationError(services.SIGN_IN_THROTTLED, code="throttled")
        if not self.user.check_password(password):
            services.login_failure_record(email=email, ip_address=ip)
            raise ValidationError("Enter your correct password", code="wrong")
        services.login_failures_clear(email=email)
        return password
