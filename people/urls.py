from django.urls import path

from . import views
from .views import account as views_account

app_name = "people"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/code/", views_account.SignInCodeView.as_view(), name="sign_in_code"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("account/", views_account.AccountView.as_view(), name="account"),
    path(
        "account/two-factor/set-up/",
        views_account.TwoFactorSetupView.as_view(),
        name="two_factor_setup",
    ),
    path(
        "account/two-factor/recovery-codes/",
        views_account.RecoveryCodesView.as_view(),
        name="two_factor_codes",
    ),
    path(
        "account/two-factor/recovery-codes/new/",
        views_account.RecoveryCodesReplaceView.as_view(),
        name="two_factor_codes_replace",
    ),
    path(
        "account/two-factor/turn-off/",
        views_account.TwoFactorDisableView.as_view(),
        name="two_factor_disable",
    ),
    path("register/", views.ResidentRegisterView.as_view(), name="register"),
    path("register/check-your-email/", views.RegisterSentView.as_view(), name="register_sent"),
    path(
        "register/confirm/<str:token>/",
        views.RegisterConfirmView.as_view(),
        name="register_confirm",
    ),
    path("password-reset/", views.ResetPasswordView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.ResetPasswordDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.ResetPasswordConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        views.ResetPasswordCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "invitations/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"
    ),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path(
        "organisations/new/",
        views.OrganisationRegisterView.as_view(),
        name="organisation_register",
    ),
    path(
        "organisations/<slug:slug>/edit/",
        views.OrganisationUpdateView.as_view(),
        name="organisation_update",
    ),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path(
        "organisations/<slug:slug>/confirm-status/",
        views.OrganisationStatusConfirmView.as_view(),
        name="organisation_status_confirm",
    ),
    path(
        "organisations/<slug:slug>/invite/",
        views.InvitationCreateView.as_view(),
        name="invitation_create",
    ),
    path(
        "organisations/<slug:slug>/members/<int:pk>/remove/",
        views.MembershipEndView.as_view(),
        name="membership_end",
    ),
]
