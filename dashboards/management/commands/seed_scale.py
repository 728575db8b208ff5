"""Generate a county-sized partnership for benchmarks (see dashboards/scale/)."""

import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Generate county-scale fictional data (use PostgreSQL). --scale 0.01 for a taste."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1.0 is the full county (100,000 contracts); 0.01 is 1%%",
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--geography-only",
            metavar="PLACE_SLUG",
            help="only add shapes and need figures to a place generated before they were made",
        )

    def handle(self, *args, scale, seed, geography_only, **options):
        if geography_only:
            return self.geography(geography_only, seed)
        if not 0 < scale <= 2:
            raise CommandError("--scale must be more than 0 and at most 2")
        from dashboards.scale import generate

        counts = generate(scale=scale, seed=seed, stdout=self.stdout)
        self.stdout.write(json.dumps(counts, indent=2, sort_keys=True))

    def geography(self, slug: str, seed: int) -> None:
        from django.db import transaction

        from dashboards.scale.geography import add_geography
        from places.models import Boundary, Place

        place = Place.objects.filter(slug=slug, name__startswith="Scaleshire").first()
        if place is None:
            raise CommandError(f"No generated place has the slug {slug!r}")
        if Boundary.objects.filter(area__place=place).exists():
            raise CommandError(f"{place} already has shapes")
        with transaction.atomic():
            counts = add_geography(place, seed=seed, say=self.stdout.write)
        self.stdout.write(json.dumps(counts, indent=2, sort_keys=True))
