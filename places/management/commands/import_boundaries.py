"""python manage.py import_boundaries FILE --place SLUG [--dry-run] [--tolerance M] [--source TEXT]"""

from django.core.management.base import BaseCommand

from places.geometry import DEFAULT_TOLERANCE
from places.importers.boundaries import import_boundaries
from places.models import Place

from ._report import fail_with_errors, finish, place_option, plural, read_file


class Command(BaseCommand):
    help = (
        "Import ward or LSOA boundaries for a place from GeoJSON downloaded from the ONS Open "
        "Geography Portal (features with a WDyyCD or LSOAyyCD property, in EPSG:4326 or "
        "EPSG:27700). Shapes are simplified for display; neighbourhoods and groupings take the "
        "union of theirs. If anything in the file is wrong, nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The GeoJSON file")
        parser.add_argument("--place", metavar="SLUG", required=True)
        parser.add_argument("--dry-run", action="store_true", help="Check without saving")
        parser.add_argument(
            "--tolerance",
            type=float,
            default=DEFAULT_TOLERANCE,
            metavar="METRES",
            help=f"How far simplified edges may move (default {DEFAULT_TOLERANCE} m)",
        )
        parser.add_argument(
            "--source", default="", help="Where the file came from, shown with the maps"
        )

    def handle(
        self, *args, file, place, dry_run=False, tolerance=DEFAULT_TOLERANCE, source="", **options
    ):
        place_obj = place_option(Place, place, required=True)
        report = read_file(
            file,
            import_boundaries,
            place=place_obj,
            dry_run=dry_run,
            tolerance=tolerance,
            source=source,
        )
        fail_with_errors(self, report)
        self.stdout.write(
            f"Read {plural(report.rows, report.kind + ' boundary').replace('boundarys', 'boundaries')} "
            f"from {report.year}, in {report.projection}."
        )
        self.stdout.write(
            f"Boundaries: {report.created} created, {report.updated} updated; "
            f"{plural(report.derived, 'neighbourhood or grouping shape')} recomputed."
        )
        finish(self, report, dry_run=dry_run)
