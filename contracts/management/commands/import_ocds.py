"""python manage.py import_ocds FILE --as EMAIL [--place SLUG] [--dry-run]
[--buyer KEY=SLUG ...] [--confirm-cancel OCID ...]

The same import as the page: only the releases whose buyer is one of the bodies the person
named by `--as` is an officer of, through the same rules, each release reported with what was
done or why not.
"""

from django.core.management.base import BaseCommand, CommandError

from contracts.forms import places_for_import
from contracts.ocds import import_release_package
from contracts.ocds.matching import importer_bodies
from contracts.ocds.report import Status
from people.models import User


class Command(BaseCommand):
    help = (
        "Import contracts from an OCDS release package (Contracts Finder, Find a Tender, Public "
        "Contracts Scotland, Sell2Wales) for the bodies the person is an officer of. Each "
        "release is reported: imported, skipped or refused, and why."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The release package (or a single release), as JSON")
        parser.add_argument(
            "--as",
            dest="as_email",
            metavar="EMAIL",
            required=True,
            help="The officer importing: only their bodies' releases are imported, and the "
            "history records them",
        )
        parser.add_argument(
            "--place", metavar="SLUG", help="The place, if the officer serves more than one"
        )
        parser.add_argument(
            "--buyer",
            action="append",
            default=[],
            metavar="KEY=SLUG",
            help="An unrecognised buyer (its key as the dry run lists it) is this body of yours",
        )
        parser.add_argument(
            "--confirm-cancel",
            action="append",
            default=[],
            metavar="OCID",
            help="Apply the notice that cancels this recorded contract",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; save nothing"
        )

    def handle(self, *args, file, as_email, place=None, dry_run=False, **options):
        user = User.objects.filter(email__iexact=as_email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user with the email address {as_email}")
        place_obj = self._place(user, place)
        matches = self._matches(user, place_obj, options["buyer"])
        try:
            with open(file, "rb") as package:
                report = import_release_package(
                    package,
                    place=place_obj,
                    by=user,
                    dry_run=dry_run,
                    buyer_matches=matches,
                    confirmed_cancellations=options["confirm_cancel"],
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from None
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError("Nothing was imported.")
        self._write_report(report)
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        else:
            self.stdout.write(self.style.SUCCESS("Import complete."))

    def _place(self, user, slug):
        places = list(places_for_import(user))
        if slug:
            chosen = next((p for p in places if p.slug == slug), None)
            if chosen is None:
                raise CommandError(
                    f'{user.email} is not an officer of a public body in a place "{slug}"'
                )
            return chosen
        if len(places) != 1:
            if not places:
                raise CommandError(f"{user.email} is not an officer of any public body")
            raise CommandError("Say which place with --place SLUG")
        return places[0]

    def _matches(self, user, place, pairs):
        bodies = {body.slug: body for body in importer_bodies(user, place)}
        matches = {}
        for pair in pairs:
            key, sep, slug = pair.rpartition("=")
            if not sep or slug not in bodies:
                raise CommandError(
                    f"--buyer {pair}: give KEY=SLUG, where SLUG is one of your bodies "
                    f"({', '.join(bodies)})"
                )
            matches[key] = bodies[slug]
        return matches

    def _write_report(self, report):
        self.stdout.write(report.summary())
        for status, label in Status.LABELS.items():
            outcomes = report.of(status)
            if not outcomes:
                continue
            self.stdout.write(f"{label}: {len(outcomes)}")
            for outcome in outcomes:
                self.stdout.write(f"  {outcome}")
                for problem in outcome.problems:
                    self.stdout.write(f"    {problem}")
                for note in outcome.notes:
                    self.stdout.write(self.style.WARNING(f"    Note: {note}"))
        for key, buyer in report.unrecognised.items():
            self.stdout.write(
                f"Unrecognised buyer {buyer} in {buyer.releases} releases: "
                f"--buyer {key}=SLUG imports them for one of your bodies"
            )
        for supplier in report.suppliers_created:
            self.stdout.write(f"New supplier: {supplier}")
        if report.periods_created:
            self.stdout.write(f"Reporting periods created: {report.periods_created}")
