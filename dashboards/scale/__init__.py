"""County-scale generated data for benchmarks: a whole partnership, deterministic from a seed.

`generate(scale=1.0)` builds, at full scale: 5 public bodies, 1,000 areas (100 wards, 300
neighbourhoods, 600 LSOAs), 5,000 objectives with targets, 100,000 contracts across every stage
with their assessments, about 400,000 commitments and 2,000,000 delivery returns, 50,000
proposals with supports and answers, and 200 consultations with 500,000 responses; every area
has a fictional shape and every LSOA a deprivation decile and population (`geography.py`), so
the maps and neighbourhood pages are measured too. Smaller scales shrink every count in
proportion (tests use a tiny one).

Rows are written with `bulk_create` and explicit primary keys (so tree paths and links are
known without reading back), in batches, with progress printed as it goes. Generated rows have
no audit history: they were never edited by anyone. Everything is fictional, in a place called
"Scaleshire (generated)" with codes in ranges ONS has never issued.
"""

from django.db import transaction

from .areas import AreasPart
from .community import CommunityPart
from .contracts import ContractsPart
from .objectives import ObjectivesPart
from .people import PeoplePart

__all__ = ["Generator", "generate"]


class Generator(AreasPart, PeoplePart, ObjectivesPart, ContractsPart, CommunityPart):
    """One run of the generator: each part adds its rows (one module per model family)."""

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self.place_and_areas()
            self.geography()
            self.organisations_and_people()
            self.framework()
            self.objectives()
        self.contracts()
        self.delivery_totals()
        self.community()
        self.reset_sequences()
        self.analyse()
        self.say("Done")
        return self.counts


def generate(*, scale: float = 1.0, seed: int = 2026, stdout=None) -> dict[str, int]:
    return Generator(scale=scale, seed=seed, stdout=stdout).run()
