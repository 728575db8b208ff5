from django.core.management.base import BaseCommand

from socialvalue.datacache import data_changed


class Command(BaseCommand):
    help = (
        "Tell the caches of computed pages (dashboard figures, the public register) that the "
        "data changed. The application sees its own writes; run this after changing the "
        "database by other means (psql, a restore)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        data_changed(database)
        self.stdout.write("Cached pages will be computed afresh.")
