"""Recompute the ledger of delivery from the returns, reporting any difference found."""

from django.core.management.base import BaseCommand, CommandError

from contracts import ledger, ledger_check


class Command(BaseCommand):
    help = (
        "Compare the ledger of delivery (lines per commitment and period, totals per "
        "commitment) with the returns it is summed from, report each difference, then rebuild "
        "it. --check only reports, and exits with status 1 if anything differs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="report differences without rebuilding"
        )

    def handle(self, *args, check, **options):
        found = ledger_check.differences()
        for which, stored, computed in found:
            self.stderr.write(f"{which}: the ledger has {stored}, the returns give {computed}")
        if check:
            if found:
                raise CommandError(
                    f"{len(found)} ledger line(s) (first 20 shown) differ from the returns. "
                    "Run rebuild_ledger without --check to recompute them"
                )
            self.stdout.write("The ledger matches the returns.")
            return
        lines = ledger.rebuild()
        self.stdout.write(
            f"{len(found)} difference(s) found; rebuilt the ledger: {lines:,} lines from the returns."
        )
