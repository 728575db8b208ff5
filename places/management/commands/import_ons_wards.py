"""python manage.py import_ons_wards FILE [--place SLUG] [--dry-run]"""

from django.core.management.base import BaseCommand, CommandError

from places.importers import import_ward_lookup
from places.models import Place


class Command(BaseCommand):
    help = (
        "Import wards from an ONS ward to local authority lookup (a CSV file with columns such "
        "as WD24CD, WD24NM, LAD24CD, LAD24NM). If any row has a problem, nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The lookup CSV file, saved as UTF-8")
        parser.add_argument(
            "--place",
            metavar="SLUG",
            help="Only import wards for this place; rows for other local authorities are skipped",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, without saving anything",
        )

    def handle(self, *args, file, place=None, dry_run=False, **options):
        place_obj = None
        if place:
            try:
                place_obj = Place.objects.get(slug=place)
            except Place.DoesNotExist:
                raise CommandError(f'There is no place with the slug "{place}"') from None
        try:
            with open(file, "rb") as lookup:
                report = import_ward_lookup(lookup, place=place_obj, dry_run=dry_run)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None

        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            summary = "Nothing was imported"
            if report.rows and report.rejected:
                rows = "row was" if report.rejected == 1 else "rows were"
                summary += f": {report.rejected} of {report.rows} {rows} rejected"
            raise CommandError(f"{summary}. Fix the file and try again.")

        rows = "row" if report.rows == 1 else "rows"
        self.stdout.write(f"Read {report.rows} {rows} of ward codes from {report.year}.")
        self.stdout.write(
            f"Places: {report.places_created} created, {report.places_updated} updated, "
            f"{report.places_unchanged} unchanged."
        )
        self.stdout.write(
            f"Wards: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged."
        )
        if report.skipped:
            rows = "row" if report.skipped == 1 else "rows"
            self.stdout.write(f"Skipped {report.skipped} {rows}: other local authority.")
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        else:
            self.stdout.write(self.style.SUCCESS("Import complete."))
