from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.exceptions import ValidationError

from socialvalue.forms import GovFormMixin
from socialvalue.http import client_ip

from . import services
from .models import Membership, Organisation


class SignInForm(GovFormMixin, AuthenticationForm):
    submit_label = "Sign in"

    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been switched off. Contact your organisation's admin",
        "throttled": services.SIGN_IN_THROTTLED,
    }

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        ip = client_ip(self.request) if self.request else None
        if email and services.login_is_throttled(email=email, ip_address=ip):
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            if email:
                services.login_failure_record(email=email, ip_address=ip)
            raise
        services.login_failures_clear(email=email)
        return cleaned


class ResetPasswordForm(GovFormMixin, PasswordResetForm):
    """Ask for a reset link. Each request is counted against the email address and the
    connection, whether or not an account uses the address; too many are refused, and no email
    is sent (see `services.password_reset_attempt`)."""

    submit_label = "Send reset link"

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if email:
            ip = client_ip(self.request) if self.request else None
            services.password_reset_attempt(email=email, ip_address=ip)
        return cleaned

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Through the outbox (sent by the worker, not in this request), with the link at the
        service's configured address rather than the request's host."""
        from django.conf import settings
        from django.template import loader

        from notifications.services import queue_email

        context = {**context, "site_url": settings.SOCIALVALUE_SITE_URL}
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        queue_email(
            to=to_email,
            subject=subject,
            body=loader.render_to_string(email_template_name, context),
        )


class ChoosePasswordForm(GovFormMixin, SetPasswordForm):
    """Set a password: after a reset link, or when accepting an invitation."""

    submit_label = "Save password"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = PASSWORD_HINT
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the password again"
        self.error_messages["password_mismatch"] = "The two passwords do not match"


PASSWORD_HINT = "At least 12 characters. A few unrelated words make a strong password"


def new_password_field(label: str) -> forms.CharField:
    """A new password, as every form that sets one asks for it."""
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HINT,
        error_messages={"required": "Enter a password"},
    )


def password_again_field() -> forms.CharField:
    return forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again"},
    )


def check_new_password(form, *, field: str, again: str, email: str) -> ValidationError | None:
    """The two entries must match (an error on `again` if not); returns what Django's password
    validators find wrong with the password (None when nothing), for the form to word."""
    cleaned = form.cleaned_data
    password, confirm = cleaned.get(field), cleaned.get(again)
    if password and confirm and password != confirm:
        form.add_error(again, "The two passwords do not match")
    if not password:
        return None
    from .models import User

    try:
        password_validation.validate_password(
            password, User(email=email, full_name=cleaned.get("full_name", ""))
        )
    except ValidationError as error:
        return error
    return None


class AcceptInvitationForm(GovFormMixin, forms.Form):
    """A newcomer's details when they accept an invitation."""

    submit_label = "Create account"

    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter your full name"},
    )
    password1 = new_password_field("Choose a password")
    password2 = password_again_field()

    def __init__(self, *args, invitation, **kwargs):
        self.invitation = invitation
        super().__init__(*args, **kwargs)
        self.fields["full_name"].initial = invitation.full_name

    def clean(self):
        cleaned = super().clean()
        error = check_new_password(
            self, field="password1", again="password2", email=self.invitation.email
        )
        if error is not None:
            self.add_error("password1", error)
        return cleaned


class InvitationForm(GovFormMixin, forms.Form):
    submit_label = "Send invitation"

    full_name = forms.CharField(
        label="Their full name",
        max_length=200,
        error_messages={"required": "Enter the full name of the person you are inviting"},
    )
    email = forms.EmailField(
        label="Their email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the email address of the person you are inviting",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the role they will have"},
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Membership.ROLES_FOR_KIND.get(organisation.kind, set())
        self.fields["role"].choices = [
            (value, label) for value, label in Membership.Role.choices if value in allowed
        ]


class AreasChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, area):
        return f"{area.name} ({area.get_kind_display().lower()})"


class OrganisationForm(GovFormMixin, forms.ModelForm):
    """An organisation's own details. Public bodies' kind and place are set by a superuser."""

    submit_label = "Save"

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "description",
            "website",
            "identifier",
            "size",
            "is_vcse",
            "areas",
        ]
        labels = {
            "kind": "Kind of organisation",
            "is_vcse": "This is a VCSE",
            "areas": "Areas you work in",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "size": forms.RadioSelect,
            "areas": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "name": {
                "required": "Enter the organisation's name",
                "unique": "An organisation with this name is already registered",
            },
            "kind": {"required": "Choose the kind of organisation"},
            "website": {"invalid": "Enter a web address, like https://example.org"},
        }

    REGISTERABLE_KINDS = [
        Organisation.Kind.VCS,
        Organisation.Kind.SOCIAL_ENTERPRISE,
        Organisation.Kind.SUPPLIER,
    ]

    def __init__(self, *args, place=None, **kwargs):
        super().__init__(*args, **kwargs)
        from places.models import Area

        org = self.instance
        if org.pk:
            # The kind of an existing organisation does not change here.
            del self.fields["kind"]
        else:
            self.fields["kind"].choices = [(k.value, k.label) for k in self.REGISTERABLE_KINDS]
        areas = Area.objects.current().exclude(kind__in=[Area.Kind.LSOA, Area.Kind.MSOA])
        if place is not None:
            areas = areas.filter(place=place)
        self.fields["areas"].queryset = areas.order_by("path")
        self.fields["areas"].required = False
        if org.pk and org.is_public_body:
            for name in ("areas", "size", "is_vcse"):
                del self.fields[name]
        if "size" in self.fields:
            self.fields["size"].required = False
            self.fields["size"].choices = Organisation.Size.choices


class OrganisationRegisterForm(OrganisationForm):
    submit_label = "Register organisation"


class ResidentRegistrationForm(GovFormMixin, forms.Form):
    """A resident creates their own account, to support proposals and ask questions."""

    submit_label = "Create account"

    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        help_text="Never shown publicly. Your questions and support appear as from ‘A resident’",
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your full name",
            "max_length": "Your full name must be 200 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="You will use this to sign in. We email you when a proposal you support changes",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
            "max_length": "Your email address must be 254 characters or fewer",
        },
    )
    password = new_password_field("Create a password")
    password_confirm = password_again_field()
    agree_privacy = forms.BooleanField(
        label="I agree to the privacy notice",
        error_messages={"required": "Confirm you agree to the privacy notice"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.urls import reverse
        from django.utils.html import format_html

        self.fields["agree_privacy"].help_text = format_html(
            '<a class="govuk-link" href="{}" target="_blank" rel="noopener">'
            "Read the privacy notice (opens in new tab)</a> to see what we keep and why",
            reverse("privacy"),
        )

    def clean(self):
        cleaned = super().clean()
        error = check_new_password(
            self, field="password", again="password_confirm", email=cleaned.get("email") or ""
        )
        if error is not None:
            for message in self.gov_password_messages(error):
                self.add_error("password", message)
        return cleaned

    @staticmethod
    def gov_password_messages(error: ValidationError) -> list[str]:
        """Django's password validators, in the GOV.UK voice (by error code)."""
        messages = []
        for item in error.error_list:
            params = item.params or {}
            if item.code == "password_too_short":
                messages.append(
                    f"Password must be {params.get('min_length', 12)} characters or more"
                )
            elif item.code == "password_too_similar":
                messages.append("Password must not be like your name or email address")
            elif item.code == "password_too_common":
                messages.append("Password is too easy to guess. Choose a less common password")
            elif item.code == "password_entirely_numeric":
                messages.append("Password must include letters or symbols, not only numbers")
            else:
                messages.extend(item.messages)
        return messages

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("full_name", "email", "password")}
