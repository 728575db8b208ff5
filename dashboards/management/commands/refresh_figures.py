"""Compute each place's figures now: what the periodic task does every 2 minutes
(`dashboards.tasks.refresh_figures_when_changed`), for an operator who wants them at once
(after a deploy, or after changing data with psql and `manage.py data_changed`)."""

from django.core.management.base import BaseCommand

from dashboards.tasks import refresh_each_place


class Command(BaseCommand):
    help = (
        "Compute each place's dashboard and transparency figures (without filters) if the data "
        "has changed since they were last computed. The task scheduler (manage.py crontask) "
        "does this every 2 minutes; run it to have them at once."
    )

    def handle(self, *args, **options):
        for place, page, outcome, seconds in refresh_each_place():
            if outcome == "off":
                self.stdout.write(
                    "The figures cache is off (SOCIALVALUE_FIGURES_CACHE_SECONDS is 0): "
                    "nothing to compute ahead."
                )
                return
            if outcome == "computed":
                outcome = f"computed in {seconds:.1f} s"
            elif outcome == "under way":
                outcome = "being computed by a server process or the task worker"
            self.stdout.write(f"{place} {page}: {outcome}")
