from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/summary.pdf", views.DashboardSummaryPdfView.as_view(), name="dashboard_pdf"),
    path("transparency/", views.TransparencyIndexView.as_view(), name="transparency_index"),
    path("transparency/<slug:slug>/", views.TransparencyView.as_view(), name="transparency"),
    path(
        "transparency/<slug:slug>/commitments.csv",
        views.CommitmentsCsvView.as_view(),
        name="commitments_csv",
    ),
    path("transparency/<slug:slug>/ocds.json", views.OcdsView.as_view(), name="ocds"),
    path(
        "open-data/ocds/extension/<str:name>",
        views.OcdsExtensionView.as_view(),
        name="ocds_extension",
    ),
]
