"""python manage.py import_ons_wards FILE [--place SLUG] [--dry-run]"""

from django.core.management.base import BaseCommand

from places.importers import FileKind, import_ward_lookup
from places.models import Place

from ._report import fail_with_errors, finish, place_option, plural, read_file, write_carried


class Command(BaseCommand):
    help = (
        "Import wards from an ONS ward to local authority lookup (a CSV file with columns such "
        "as WD24CD, WD24NM, WD24NMW, LAD24CD, LAD24NM) of any year, or a ward to ward change "
        "lookup (WD23CD, WD24CD). A newer year retires the codes it no longer lists and "
        "carries what was drawn on them to their successors. If any row has a problem, "
        "nothing is saved."
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
            help="Check the file and report everything that would change, without saving",
        )

    def handle(self, *args, file, place=None, dry_run=False, **options):
        place_obj = place_option(Place, place, required=False)
        report = read_file(file, import_ward_lookup, place=place_obj, dry_run=dry_run)
        fail_with_errors(self, report)

        if report.kind == FileKind.WARD_CHANGES:
            self.stdout.write(
                f"Read {plural(report.rows, 'row')} of ward changes up to {report.year}: "
                f"{plural(report.created, 'new link')}, {report.unchanged} already known."
            )
        else:
            self.stdout.write(
                f"Read {plural(report.rows, 'row')} of ward codes from {report.year}."
            )
            self.stdout.write(
                f"Places: {report.places_created} created, {report.places_updated} updated, "
                f"{report.places_unchanged} unchanged."
            )
            self.stdout.write(
                f"Wards: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged."
            )
        if report.skipped:
            reason = (
                "other local authority"
                if report.kind == FileKind.WARD_LOOKUP
                else "wards of other places"
            )
            self.stdout.write(f"Skipped {plural(report.skipped, 'row')}: {reason}.")
        if report.retired:
            self.stdout.write(
                f"Retired {plural(len(report.retired), 'ward code')} (kept, archived):"
            )
            for name in report.retired:
                self.stdout.write(f"  {name}")
        if report.links:
            self.stdout.write("Successors:")
            for old, new in report.links:
                self.stdout.write(f"  {old} → {new}")
        write_carried(self, report.carried)
        finish(self, report, dry_run=dry_run)
