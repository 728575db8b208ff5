"""Compare the per-commitment delivery totals with the returns they are summed from."""

from django.core.management.base import BaseCommand, CommandError

from contracts import totals


class Command(BaseCommand):
    help = (
        "Check that every commitment's stored delivery totals equal the sum of its returns; "
        "--rebuild recomputes them all (after a bulk load, or if the check fails)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="recompute every total")

    def handle(self, *args, rebuild, **options):
        if rebuild:
            rows = totals.refresh_all()
            self.stdout.write(f"Rebuilt delivery totals for {rows:,} commitments with returns.")
        found = totals.differences()
        if found:
            for pk, stored, computed in found:
                self.stderr.write(f"Commitment {pk}: stored {stored}, returns give {computed}")
            raise CommandError(
                f"{len(found)} commitment(s) (first 20 shown) have totals that differ from "
                "their returns. Run with --rebuild to recompute them"
            )
        self.stdout.write("Delivery totals match the returns.")
