"""Periodic work for contracts (django.tasks, scheduled by `manage.py crontask`)."""

from crontask import cron
from django.tasks import task


@cron("0 8 * * *")
@task
def return_reminders() -> int:
    """Every morning at 8: remind suppliers of returns due and overdue."""
    from .notices import returns_reminders

    return returns_reminders()
