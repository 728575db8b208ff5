"""What the service tells people: the in-app list, each person's email choices, and the
outbox every email goes through (sent by a task, never inside a web request)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .querysets import EmailQuerySet, NotificationQuerySet


class Kind(models.TextChoices):
    """What a notification is about. Each person chooses how each kind reaches them by email."""

    ASSESSMENT_SUBMITTED = "assessment_submitted", "An assessment is waiting for your sign-off"
    ASSESSMENT_APPROVED = (
        "assessment_approved",
        ("An assessment you worked on or could sign off was approved"),
    )
    ASSESSMENT_RETURNED = (
        "assessment_returned",
        ("An assessment you worked on or could sign off was sent back"),
    )
    RETURN_DUE = "return_due", "A delivery return is due"
    RETURN_OVERDUE = "return_overdue", "A delivery return is overdue"
    RETURN_QUERIED = "return_queried", "An officer queried your return"
    RETURN_VERIFIED = "return_verified", "Your return was verified"
    RETURN_REJECTED = "return_rejected", "Your return was rejected"
    SUPPORT_CONFIRMATION = "support_confirmation", "Your group is asked to confirm support"
    PROPOSAL_ANSWERED = "proposal_answered", "A question about a proposal was answered"
    INVITATION = "invitation", "You were invited to join an organisation"
    IMPORT_FINISHED = "import_finished", "A contracts import you started finished or failed"
    PLEDGE_MADE = "pledge_made", "A supplier pledged to meet your group's need"
    PLEDGE_DECIDED = "pledge_decided", "Your pledge was accepted or declined"
    PLEDGE_RECEIVED = "pledge_received", "A group confirmed receiving what you pledged"
    PLEDGE_MESSAGE = "pledge_message", "A message about a pledge"


class Delivery(models.TextChoices):
    INSTANTLY = "instantly", "Email me straight away"
    DIGEST = "digest", "Email me a daily summary"
    OFF = "off", "Do not email me (show it here only)"


class Notification(models.Model):
    """One thing one person was told, with a link to it. Reading it marks it read; nothing
    is deleted."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    path = models.CharField(max_length=500, help_text="The page it is about, within the site")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # When a daily digest included it; set at once when it does not wait for a digest.
    digested_at = models.DateTimeField(null=True, blank=True)
    # Reminders are raised once per subject and day: the key makes a re-run harmless.
    dedupe_key = models.CharField(max_length=200, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """How one kind of notification reaches one person by email. No row means `INSTANTLY`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.delivery}"


class Email(models.Model):
    """The outbox. Every email the service sends is a row here first; the `send_email` task
    sends it, retrying with backoff. Failures stay visible in the admin."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"

    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="email_due")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
