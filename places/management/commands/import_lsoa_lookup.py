"""python manage.py import_lsoa_lookup FILE --place SLUG [--dry-run]"""

from django.core.management.base import BaseCommand

from places.importers.lsoas import import_lsoa_lookup
from places.models import Place

from ._report import fail_with_errors, finish, place_option, plural, read_file


class Command(BaseCommand):
    help = (
        "Import a place's LSOAs under their wards from an ONS LSOA to ward lookup (columns such "
        "as LSOA21CD, LSOA21NM, WD24CD, WD24NM, LAD24CD). If any row has a problem, nothing is "
        "saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The lookup CSV file, saved as UTF-8")
        parser.add_argument("--place", metavar="SLUG", required=True)
        parser.add_argument("--dry-run", action="store_true", help="Check without saving")

    def handle(self, *args, file, place, dry_run=False, **options):
        place_obj = place_option(Place, place, required=True)
        report = read_file(file, import_lsoa_lookup, place=place_obj, dry_run=dry_run)
        fail_with_errors(self, report)
        self.stdout.write(
            f"Read {plural(report.rows, 'row')}: LSOAs of {report.lsoa_year} in wards of "
            f"{report.ward_year}."
        )
        self.stdout.write(
            f"LSOAs: {report.created} created, {report.moved} moved to their ward, "
            f"{report.updated} updated, {report.unchanged} unchanged."
        )
        if report.skipped:
            self.stdout.write(f"Skipped {plural(report.skipped, 'row')}: other local authority.")
        finish(self, report, dry_run=dry_run)
