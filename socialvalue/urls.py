from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.HealthView.as_view(), name="healthz"),
    path("search/", views.SearchView.as_view(), name="search"),
    path(
        "accessibility/",
        views.InformationPageView.as_view(template_name="pages/accessibility.html"),
        name="accessibility",
    ),
    path(
        "privacy/",
        views.InformationPageView.as_view(template_name="pages/privacy.html"),
        name="privacy",
    ),
    path("admin/", admin.site.urls),
    path("", include("people.urls")),
    path("", include("places.urls")),
    path("", include("objectives.urls")),
    path("", include("consultations.urls")),
    path("", include("contracts.urls")),
    path("", include("needs.urls")),
    path("", include("dashboards.urls")),
    path("", include("notifications.urls")),
    path("", include("publishing.urls")),
]

handler403 = "socialvalue.views.error_403"
handler404 = "socialvalue.views.error_404"
handler500 = "socialvalue.views.error_500"
