"""Background work for notifications: sending the outbox (with retries), the outbox sweep
that makes a lost task harmless, and the daily digest."""

from datetime import timedelta

from crontask import cron
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import timezone

from .models import Email

# A freshly queued email has its own task; the sweep leaves it this long before assuming
# that task was lost (a worker killed mid-task, a Redis flushed).
SWEEP_GRACE = timedelta(minutes=2)


# How long a worker holds an email it is sending before the sweep may try it again.
SENDING_LEASE = timedelta(minutes=10)


@task
def send_email(email_id: int) -> str:
    """Send one outbox email. The worker first takes the email (a short transaction that
    pushes its next attempt past a lease), so no other worker or sweep sends it meanwhile and
    no database lock is held while the mail server answers; a sent or abandoned email is left
    alone."""
    from .services import email_failed

    now = timezone.now()
    # One UPDATE: of two workers given the same email, only one takes it.
    taken = Email.objects.filter(
        pk=email_id, status=Email.Status.QUEUED, next_attempt_at__lte=now
    ).update(next_attempt_at=now + SENDING_LEASE)
    if not taken:
        return "not due"
    email = Email.objects.get(pk=email_id)
    try:
        EmailMessage(subject=email.subject, body=email.body, to=[email.to]).send()
    except Exception as error:  # any failure is recorded and retried
        email_failed(email=email, error=f"{type(error).__name__}: {error}")
        return "failed"
    Email.objects.filter(pk=email_id).update(
        status=Email.Status.SENT, sent_at=timezone.now(), attempts=email.attempts + 1
    )
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
