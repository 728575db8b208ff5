"""Periodic work for the service as a whole (django.tasks, scheduled by `manage.py crontask`)."""

from crontask import cron
from django.tasks import task


@cron("17 * * * *")
@task
def clear_kept_uploads() -> int:
    """Every hour: delete files kept across a form error that their person never sent again
    (older than `kept_uploads.MAX_AGE`, so no token can bring them back)."""
    from .kept_uploads import clear_expired

    return clear_expired()
