"""Background work for contracts (django.tasks): the OCDS checks and imports, and the
periodic reminders (scheduled by `manage.py crontask`)."""

from crontask import cron
from django.tasks import task


@cron("0 8 * * *")
@task
def return_reminders() -> int:
    """Every morning at 8: remind suppliers of returns due and overdue."""
    from .notices import returns_reminders

    return returns_reminders()


@task
def check_ocds_import(import_id: str, revision: int) -> str:
    """Preview an uploaded OCDS file (a dry run) for the person's review."""
    from .ocds.staging import run_check

    return run_check(import_id, revision)


@task
def run_ocds_import(import_id: str, revision: int) -> str:
    """Import a confirmed OCDS file, and tell the person who confirmed it how it went."""
    from .ocds.staging import run_import

    return run_import(import_id, revision)


@cron("*/5 * * * *")
@task
def requeue_lost_ocds_imports() -> int:
    """Every 5 minutes: queue again a check or import whose task was lost with its worker."""
    from .ocds.staging import requeue_lost

    return requeue_lost()
