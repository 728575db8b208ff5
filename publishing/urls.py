from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path(
        "transparency/<slug:slug>/open-data/<str:name>",
        views.PublishedFileView.as_view(),
        name="file",
    ),
]
