"""Background work for notifications: sending the outbox (with retries), the outbox sweep
that makes a lost task harmless, and the daily digest."""

from datetime import timedelta

from crontask import cron
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import Email

# A freshly queued email has its own task; the sweep leaves it this long before assuming
# that task was lost (a worker killed mid-task, a Redis flushed).
SWEEP_GRACE = timedelta(minutes=2)


@task
def send_email(email_id: int) -> str:
    """Send one outbox email. The row is locked while sending, so two workers never send it
    twice; a sent or abandoned email is left alone."""
    from .services import email_failed

    with transaction.atomic():
        email = (
            Email.objects.select_for_update()
            .filter(pk=email_id, status=Email.Status.QUEUED)
            .first()
        )
        if email is None:
            return "not queued"
        try:
            EmailMessage(subject=email.subject, body=email.body, to=[email.to]).send()
        except Exception as error:  # any failure is recorded and retried
            email_failed(email=email, error=f"{type(error).__name__}: {error}")
            return "failed"
        email.status = Email.Status.SENT
        email.sent_at = timezone.now()
        email.attempts += 1
        email.save(update_fields=["status", "sent_at", "attempts"])
        return "sent"


@cron("* * * * *")
@task
def sweep_outbox() -> int:
    """Every minute: queue a send for each email whose time has come and that has not gone
    (retries after backoff, and emails whose task was lost with a killed worker)."""
    due = Email.objects.due(timezone.now()).filter(
        next_attempt_at__lte=timezone.now() - SWEEP_GRACE
    ) | Email.objects.due().filter(attempts__gt=0)
    ids = list(due.values_list("pk", flat=True)[:500])
    for pk in ids:
        send_email.enqueue(pk)
    return len(ids)


@cron("0 7 * * *")
@task
def send_digests() -> int:
    """Every morning at 7: the daily summary for people who chose it."""
    from .services import digest_send

    return digest_send()
