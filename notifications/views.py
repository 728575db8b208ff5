from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView, ListView

from socialvalue.view_bases import ServiceActionMixin

from . import services
from .forms import PreferencesForm
from .models import Notification, Preference


class NotificationListView(ListView):
    """What the service has told me, newest first; unread ones are marked."""

    template_name = "notifications/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user).only(
            "pk", "kind", "title", "body", "created_at", "read_at"
        )


class NotificationOpenView(View):
    """Open one of my notifications: mark it read and go to what it is about."""

    http_method_names = ["post"]

    def post(self, request, pk):
        note = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
        services.mark_read(user=request.user, ids=[note.pk])
        if not url_has_allowed_host_and_scheme(note.path, allowed_hosts=None) or not (
            note.path.startswith("/")
        ):
            raise Http404
        return redirect(note.path)


class NotificationReadAllView(ServiceActionMixin, View):
    """Mark every one of my notifications read (it refuses nothing)."""

    def perform(self):
        self.count = services.mark_read(user=self.request.user)
        return "notifications:list"

    def success_message(self, result) -> str:
        return "All notifications marked as read" if self.count else "Nothing was unread"

    def refused_redirect(self):
        return redirect("notifications:list")


class PreferencesView(FormView):
    """For each kind of notification: email straight away, in a daily summary, or not at all."""

    template_name = "notifications/preferences.html"

    def get_form(self, form_class=None):
        current = dict(
            Preference.objects.filter(user=self.request.user).values_list("kind", "delivery")
        )
        return PreferencesForm(current=current, **self.get_form_kwargs())

    def form_valid(self, form):
        services.preferences_save(user=self.request.user, choices=form.cleaned_data)
        messages.success(self.request, "Your email choices are saved")
        return redirect("notifications:preferences")
