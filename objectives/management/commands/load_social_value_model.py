"""manage.py load_social_value_model --place SLUG"""

from django.core.management.base import BaseCommand, CommandError

from objectives.social_value_model import load_social_value_model
from places.models import Place


class Command(BaseCommand):
    help = (
        "Load the government's Social Value Model (PPN 06/20 and PPN 002: themes and policy "
        "outcomes, no reporting metrics) as two frameworks for a place. Running it again "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--place", required=True, help="The place's slug, like wrenford")

    def handle(self, *args, place, **options):
        try:
            found = Place.objects.get(slug=place)
        except Place.DoesNotExist:
            raise CommandError(f"There is no place with the slug {place}") from None
        report = load_social_value_model(place=found, by=None)
        self.stdout.write(self.style.SUCCESS(f"{found}: {report.summary()}"))
