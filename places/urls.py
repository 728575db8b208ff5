from django.urls import path

from . import views

app_name = "places"

urlpatterns = [
    path("places/", views.PlaceListView.as_view(), name="place_list"),
    path("places/<slug:slug>/", views.PlaceDetailView.as_view(), name="place_detail"),
    path("places/<slug:slug>/areas/new/", views.AreaCreateView.as_view(), name="area_create"),
    path(
        "places/<slug:slug>/areas/<int:pk>/edit/",
        views.AreaUpdateView.as_view(),
        name="area_update",
    ),
    path(
        "places/<slug:slug>/areas/<int:pk>/archive/",
        views.AreaArchiveView.as_view(),
        name="area_archive",
    ),
    path("areas/<int:pk>/", views.AreaDetailView.as_view(), name="area_detail"),
]
