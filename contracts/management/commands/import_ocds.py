"""python manage.py import_ocds FILE --place SLUG [--buyer SLUG] [--by EMAIL] [--dry-run]"""

from django.core.management.base import BaseCommand, CommandError

from contracts.ocds import import_release_package
from people.models import Organisation, User
from places.models import Place


class Command(BaseCommand):
    help = (
        "Import contracts from an OCDS release package (JSON from Find a Tender or Contracts "
        "Finder). If the file has any problem, nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The release package (or a single release), as JSON")
        parser.add_argument(
            "--place", metavar="SLUG", required=True, help="The place the contracts are for"
        )
        parser.add_argument(
            "--buyer",
            metavar="SLUG",
            help="The buyer of every contract in the file, when the file's buyer is not found",
        )
        parser.add_argument(
            "--by",
            metavar="EMAIL",
            help="Who is importing: recorded in the history and as the contracts' owner. "
            "Needed unless there is exactly one active superuser",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, without saving anything",
        )

    def handle(self, *args, file, place, buyer=None, by=None, dry_run=False, **options):
        place_obj = Place.objects.filter(slug=place).first()
        if place_obj is None:
            raise CommandError(f'There is no place with the slug "{place}"')
        buyer_obj = None
        if buyer:
            buyer_obj = Organisation.objects.filter(slug=buyer).first()
            if buyer_obj is None:
                raise CommandError(f'There is no organisation with the slug "{buyer}"')
        user = self._user(by)
        try:
            with open(file, "rb") as package:
                report = import_release_package(
                    package, place=place_obj, by=user, buyer=buyer_obj, dry_run=dry_run
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from None

        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            count = len(report.errors)
            raise CommandError(
                f"Nothing was imported: the file has {count} "
                f"{'problem' if count == 1 else 'problems'}. Fix the file and try again."
            )

        releases = "release" if report.releases == 1 else "releases"
        self.stdout.write(f"Read {report.releases} {releases}.")
        for label, results in (
            ("Created", report.created),
            ("Updated", report.updated),
            ("Unchanged", report.unchanged),
            ("Skipped", report.skipped),
        ):
            if label == "Skipped" and not results:
                continue
            self.stdout.write(f"{label}: {len(results)}")
            for result in results:
                changed = f" ({', '.join(result.changed)})" if result.changed else ""
                self.stdout.write(f"  {result}{changed}")
        for supplier in report.suppliers_created:
            self.stdout.write(f"New supplier: {supplier}")
        if report.periods_created:
            self.stdout.write(f"Reporting periods created: {report.periods_created}")
        for note in report.notes:
            self.stdout.write(self.style.WARNING(f"Note: {note}"))
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        else:
            self.stdout.write(self.style.SUCCESS("Import complete."))

    def _user(self, email: str | None) -> User:
        if email:
            user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
            if user is None:
                raise CommandError(f"There is no active user with the email address {email}")
            return user
        superusers = list(User.objects.filter(is_superuser=True, is_active=True)[:2])
        if len(superusers) != 1:
            raise CommandError("Say who is importing with --by EMAIL")
        return superusers[0]
