"""python manage.py import_need FILE --place SLUG --published YYYY-MM-DD [--year YYYY] [--dry-run]"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from places.importers.need import import_need
from places.models import Place

from ._report import fail_with_errors, finish, place_option, read_file


class Command(BaseCommand):
    help = (
        "Import deprivation ranks and deciles (English Indices of Deprivation, Welsh Index of "
        "Multiple Deprivation) or ONS LSOA population estimates for a place's LSOAs, from the "
        "published CSV. The source and its publication date are kept with every figure. If "
        "any row has a problem, nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file, saved as UTF-8")
        parser.add_argument("--place", metavar="SLUG", required=True)
        parser.add_argument(
            "--published",
            required=True,
            metavar="YYYY-MM-DD",
            help="The date the publisher released the figures, as on its release page",
        )
        parser.add_argument(
            "--year",
            type=int,
            help="The edition (2019 for the Indices of Deprivation 2019) or the mid-year of "
            "the estimates; a Welsh index names its own",
        )
        parser.add_argument("--title", default="", help="The dataset's title, if not the usual")
        parser.add_argument("--dry-run", action="store_true", help="Check without saving")

    def handle(self, *args, file, place, published, year=None, title="", dry_run=False, **options):
        place_obj = place_option(Place, place, required=True)
        try:
            published_on = datetime.date.fromisoformat(published)
        except ValueError:
            raise CommandError(
                "Enter the publication date as YYYY-MM-DD, like 2025-10-30"
            ) from None
        report = read_file(
            file,
            import_need,
            place=place_obj,
            published_on=published_on,
            year=year,
            title=title,
            file_name=file.rsplit("/", 1)[-1],
            dry_run=dry_run,
        )
        fail_with_errors(self, report)
        self.stdout.write(f"{report.source.citation}.")
        self.stdout.write(
            f"LSOA figures: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged; {report.skipped} rows skipped."
        )
        finish(self, report, dry_run=dry_run)
