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

    def handle(self, *args, scale, seed, **options):
        if not 0 < scale <= 2:
            raise CommandError("--scale must be more than 0 and at most 2")
        from dashboards.scale import generate

        counts = generate(scale=scale, seed=seed, stdout=self.stdout)
        self.stdout.write(json.dumps(counts, indent=2, sort_keys=True))
