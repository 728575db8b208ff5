"""The task queue as the service runs it: nothing is sent until a worker runs, a killed
worker loses nothing, failures are retried with backoff. Run against the database backend and
against Redis (`SOCIALVALUE_TASKS=redis pytest -m tasks`, as .ci/run does)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.test import TestCase
from django.utils import timezone

from notifications import tasks as notification_tasks
from notifications.models import Email
from notifications.services import queue_email
from tests.tasks.worker import chosen_backend, pending, run_worker, use_real_queue

pytestmark = [pytest.mark.django_db, pytest.mark.tasks]


@pytest.fixture(autouse=True)
def real_queue(settings):
    use_real_queue(settings)
    settings.NOTIFICATIONS_EMAIL_MAX_ATTEMPTS = 3


def _queue(n=1):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return [queue_email(to=f"p{i}@example.org", subject=f"S{i}", body="B") for i in range(n)]


def test_an_email_waits_for_the_worker_and_is_sent_when_it_runs():
    (email,) = _queue()
    assert mail.outbox == [] and pending() == 1
    email.refresh_from_db()
    assert email.status == Email.Status.QUEUED

    run_worker()

    email.refresh_from_db()
    assert email.status == Email.Status.SENT and email.sent_at and email.attempts == 1
    assert [m.to for m in mail.outbox] == [["p0@example.org"]]
    assert pending() == 0


def test_nothing_is_queued_when_the_change_is_rolled_back():
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        queue_email(to="p@example.org", subject="S", body="B")
    # The transaction rolled back: its callbacks never run, nothing is enqueued.
    assert len(callbacks) == 1 and pending() == 0


def test_killing_the_worker_loses_nothing():
    """Tasks enqueued while no worker runs wait; an email whose task was lost with a killed
    worker (claimed, never finished) is found by the sweep. When a worker returns, each email
    is sent exactly once."""
    emails = _queue(3)
    # The worker is down: nothing is sent, the tasks wait.
    assert mail.outbox == [] and pending() == 3
    if chosen_backend() == "database":
        # A worker claimed one task and was killed before finishing it.
        from django_tasks_db.models import DBTaskResult

        claimed = DBTaskResult.objects.ready().first()
        claimed.claim("killed-worker")
    # The worker comes back.
    run_worker()
    sent = Email.objects.filter(status=Email.Status.SENT).count()
    assert sent == (2 if chosen_backend() == "database" else 3)
    # The sweep finds what was lost, once it has waited long enough.
    Email.objects.filter(status=Email.Status.QUEUED).update(
        next_attempt_at=timezone.now() - notification_tasks.SWEEP_GRACE - timedelta(seconds=1)
    )
    notification_tasks.sweep_outbox.enqueue()
    run_worker()
    run_worker()  # the sends the sweep queued
    assert set(Email.objects.values_list("status", flat=True)) == {Email.Status.SENT}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.to for e in emails)


def test_a_task_run_twice_sends_once():
    (email,) = _queue()
    notification_tasks.send_email.enqueue(email.pk)
    run_worker()
    assert len(mail.outbox) == 1


def test_a_failing_send_is_retried_with_backoff_then_marked_failed(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    (email,) = _queue()
    run_worker()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Email.Status.QUEUED, 1)
    assert "mail server down" in email.last_error
    wait = email.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(minutes=1)

    # Not retried before its time.
    notification_tasks.sweep_outbox.enqueue()
    run_worker()
    email.refresh_from_db()
    assert email.attempts == 1

    for attempt in (2, 3):
        Email.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
        notification_tasks.sweep_outbox.enqueue()
        run_worker()
        run_worker()
        email.refresh_from_db()
        assert email.attempts == attempt
    assert email.status == Email.Status.FAILED  # after NOTIFICATIONS_EMAIL_MAX_ATTEMPTS
    assert mail.outbox == []


def test_the_periodic_tasks_are_scheduled_inside_the_app():
    """`manage.py crontask` loads each app's tasks module; these register their schedules."""
    import importlib

    from crontask import scheduler

    for module in (
        "notifications.tasks",
        "publishing.tasks",
        "contracts.tasks",
        "dashboards.tasks",
        "socialvalue.tasks",
    ):
        importlib.import_module(module)
    jobs = {job.name: job for job in scheduler.get_jobs()}
    assert {
        "sweep_outbox",
        "send_digests",
        "open_data_when_changed",
        "open_data_nightly",
        "return_reminders",
        "refresh_figures_when_changed",
        "clear_kept_uploads",
        "requeue_lost_ocds_imports",
    } <= set(jobs)
    # The figures: every 2 minutes, as operators were told to run refresh_figures from cron.
    assert "minute='*/2'" in str(jobs["refresh_figures_when_changed"].trigger)
