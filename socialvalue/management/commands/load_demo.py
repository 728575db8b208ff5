"""Load the fictional demo borough, its organisations and the demo accounts.

Idempotent: a second run changes nothing. Refuses to run with DEBUG off unless --force, so demo
accounts with the password "demo" never reach a production database by accident.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

DEMO_LOGINS = [
    ("officer@demo.test", "procurement officer and organisation admin, Wrenford Borough Council"),
    ("leader@demo.test", "council leader (cabinet member), Wrenford Borough Council"),
    ("nhs@demo.test", "commissioning officer, Wrenford Health and Care Partnership"),
    ("vcs@demo.test", "member of Eastgate Community Pantry, a VCS group"),
    ("supplier@demo.test", "contact at Brightway Facilities Ltd, a supplier"),
    ("admin@demo.test", "superuser (Django admin at /admin/)"),
]


class Command(BaseCommand):
    help = "Load fictional demo data and demo accounts (password: demo)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off. Never do this on a real service.",
        )
        parser.add_argument(
            "--no-logins", action="store_true", help="Do not list the demo accounts."
        )
        parser.add_argument(
            "--logins-only", action="store_true", help="Only list the demo accounts."
        )

    def handle(self, *args, force=False, no_logins=False, logins_only=False, **options):
        if logins_only:
            self.logins()
            return
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo data is only loaded with DJANGO_DEBUG=true. It creates accounts whose "
                "password is 'demo'. Use --force only on a throwaway database."
            )
        from consultations import demo as consultations_demo
        from contracts import demo as contracts_demo
        from needs import demo as needs_demo
        from objectives import demo as objectives_demo
        from people import demo as people_demo
        from places import demo as places_demo

        place = places_demo.load()
        people_demo.load(place)
        objectives_demo.load(place)
        consultations_demo.load(place)
        contracts_demo.load(place)
        needs_demo.load(place)
        if no_logins:
            self.stdout.write("Demo data loaded.")
        else:
            self.logins()

    def logins(self):
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in with password 'demo' as:"))
        for email, what in DEMO_LOGINS:
            self.stdout.write(f"  {email:22} {what}")
