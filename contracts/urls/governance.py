"""Who signs off for whom: joint arrangements between a place's public bodies (included by
contracts.urls, namespace "contracts")."""

from django.urls import path

from ..views import governance

urlpatterns = [
    path(
        "contracts/sign-off/",
        governance.SignOffOverviewView.as_view(),
        name="sign_off_overview",
    ),
    path(
        "contracts/sign-off/<slug:slug>/arrangements/new/",
        governance.ArrangementCreateView.as_view(),
        name="arrangement_create",
    ),
    path(
        "contracts/sign-off/arrangements/<int:pk>/edit/",
        governance.ArrangementUpdateView.as_view(),
        name="arrangement_update",
    ),
    path(
        "contracts/sign-off/arrangements/<int:pk>/end/",
        governance.ArrangementEndView.as_view(),
        name="arrangement_end",
    ),
    path(
        "contracts/sign-off/invitations/<int:pk>/",
        governance.ArrangementAnswerView.as_view(),
        name="arrangement_answer",
    ),
    path(
        "contracts/sign-off/bodies/<slug:slug>/threshold/",
        governance.ThresholdSetView.as_view(),
        name="threshold_set",
    ),
]
