from django.core.management.base import BaseCommand

from notifications.models import Email
from notifications.services import email_retry


class Command(BaseCommand):
    help = "Queue every failed email again (after fixing the mail server settings)."

    def handle(self, *args, **options):
        failed = list(Email.objects.filter(status=Email.Status.FAILED))
        for email in failed:
            email_retry(email=email)
        self.stdout.write(f"{len(failed)} failed emails queued again.")
