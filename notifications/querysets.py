from django.db import models
from django.utils import timezone


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        """A person sees only their own notifications."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class EmailQuerySet(models.QuerySet):
    def due(self, now=None):
        """Queued emails whose next attempt time has come."""
        return self.filter(status="queued", next_attempt_at__lte=now or timezone.now())
