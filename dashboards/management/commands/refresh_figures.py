"""Keep each place's dashboard and transparency figures computed, for a scheduled job."""

import time

from django.core.management.base import BaseCommand

from dashboards.filters import scope_from
from dashboards.forms import DashboardFilterForm
from dashboards.views import refresh_figures
from places.models import Place


class Command(BaseCommand):
    help = (
        "Compute each place's dashboard and transparency figures (without filters) if the data "
        "has changed since they were last computed. Run it every few minutes from cron or a "
        "systemd timer, so nobody waits for them: at county scale they take seconds."
    )

    def handle(self, *args, **options):
        for place in Place.objects.order_by("name"):
            for public, page in ((False, "dashboard"), (True, "transparency page")):
                # The figures a visitor without filters asks for: the same form, so the same key.
                form = DashboardFilterForm(
                    None, place=place, places=Place.objects.filter(pk=place.pk), public=public
                )
                started = time.perf_counter()
                outcome = refresh_figures(scope_from(form, public=public))
                if outcome == "off":
                    self.stdout.write(
                        "The figures cache is off (SOCIALVALUE_FIGURES_CACHE_SECONDS is 0): "
                        "nothing to compute ahead."
                    )
                    return
                if outcome == "computed":
                    seconds = time.perf_counter() - started
                    outcome = f"computed in {seconds:.1f} s"
                elif outcome == "under way":
                    outcome = "being computed by a server process"
                self.stdout.write(f"{place.name} {page}: {outcome}")
