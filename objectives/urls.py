from django.urls import path

from . import views
from .urls_frameworks import urlpatterns as framework_urlpatterns

app_name = "objectives"

urlpatterns = [
    path("objectives/", views.ObjectiveListView.as_view(), name="objective_list"),
    path("objectives/export.csv", views.ObjectiveExportView.as_view(), name="objective_export"),
    path("objectives/new/", views.ObjectiveCreateView.as_view(), name="objective_create"),
    path("objectives/<int:pk>/", views.ObjectiveDetailView.as_view(), name="objective_detail"),
    path("objectives/<int:pk>/edit/", views.ObjectiveUpdateView.as_view(), name="objective_update"),
    path(
        "objectives/<int:pk>/status/", views.ObjectiveStatusView.as_view(), name="objective_status"
    ),
    path(
        "objectives/<int:pk>/targets/new/", views.TargetCreateView.as_view(), name="target_create"
    ),
    path(
        "objectives/<int:pk>/targets/<int:target_pk>/edit/",
        views.TargetUpdateView.as_view(),
        name="target_update",
    ),
    path(
        "objectives/<int:pk>/targets/<int:target_pk>/archive/",
        views.TargetArchiveView.as_view(),
        name="target_archive",
    ),
    *framework_urlpatterns,
]
