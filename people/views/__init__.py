"""People's pages, one module per family: signing in, organisations, memberships and
invitations, residents' registration, and a person's own account (two-factor sign-in)."""

from .memberships import InvitationAcceptView, InvitationCreateView, MembershipEndView
from .organisations import (
    OrganisationDetailView,
    OrganisationListView,
    OrganisationRegisterView,
    OrganisationScopedMixin,
    OrganisationStatusConfirmView,
    OrganisationUpdateView,
)
from .registration import RegisterConfirmView, RegisterSentView, ResidentRegisterView
from .sign_in import (
    AdminSignInView,
    LinkThrottleMixin,
    ResetPasswordCompleteView,
    ResetPasswordConfirmView,
    ResetPasswordDoneView,
    ResetPasswordView,
    SignInView,
    SignOutView,
)

__all__ = [
    "AdminSignInView",
    "InvitationAcceptView",
    "InvitationCreateView",
    "LinkThrottleMixin",
    "MembershipEndView",
    "OrganisationDetailView",
    "OrganisationListView",
    "OrganisationRegisterView",
    "OrganisationScopedMixin",
    "OrganisationStatusConfirmView",
    "OrganisationUpdateView",
    "RegisterConfirmView",
    "RegisterSentView",
    "ResetPasswordCompleteView",
    "ResetPasswordConfirmView",
    "ResetPasswordDoneView",
    "ResetPasswordView",
    "ResidentRegisterView",
    "SignInView",
    "SignOutView",
]
