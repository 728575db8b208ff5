from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="list"),
    path("notifications/read-all/", views.NotificationReadAllView.as_view(), name="read_all"),
    path("notifications/<int:pk>/open/", views.NotificationOpenView.as_view(), name="open"),
    path("notifications/preferences/", views.PreferencesView.as_view(), name="preferences"),
]
