"""Framework pages, included by objectives/urls.py (app_name "objectives")."""

from django.urls import path

from .views import frameworks as views

urlpatterns = [
    path("frameworks/", views.FrameworkListView.as_view(), name="framework_list"),
    path("frameworks/new/", views.FrameworkCreateView.as_view(), name="framework_create"),
    path("frameworks/import/", views.FrameworkImportView.as_view(), name="framework_import"),
    path(
        "frameworks/load-social-value-model/",
        views.SocialValueModelLoadView.as_view(),
        name="social_value_model_load",
    ),
    path("frameworks/<int:pk>/", views.FrameworkDetailView.as_view(), name="framework_detail"),
    path(
        "frameworks/<int:pk>/export.csv",
        views.FrameworkExportView.as_view(),
        name="framework_export",
    ),
    path(
        "frameworks/<int:pk>/retire/", views.FrameworkRetireView.as_view(), name="framework_retire"
    ),
    path("frameworks/<int:pk>/themes/new/", views.ThemeCreateView.as_view(), name="theme_create"),
    path(
        "frameworks/<int:pk>/outcomes/new/",
        views.OutcomeCreateView.as_view(),
        name="outcome_create",
    ),
    path(
        "frameworks/<int:pk>/measures/new/",
        views.MeasureCreateView.as_view(),
        name="measure_create",
    ),
    path("measures/<int:pk>/edit/", views.MeasureUpdateView.as_view(), name="measure_update"),
    path("measures/<int:pk>/retire/", views.MeasureRetireView.as_view(), name="measure_retire"),
]
