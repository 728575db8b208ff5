"""The generated place and its tree of areas, with their shapes and need (`geography.py`)."""

from places.models import Area, Place

from .base import FULL, Base, Counter
from .geography import add_geography


class AreasPart(Base):
    def place_and_areas(self):
        suffix = Place.objects.filter(name__startswith="Scaleshire").count() + 1
        self.place = Place.objects.create(
            name=f"Scaleshire (generated {suffix})",
            slug=f"scaleshire-{suffix}",
            description="Generated for benchmarks. Fictional.",
        )
        # Explicit ids, so each path is known before the bulk insert (Area.path_under is the
        # rule places.services.area_save keeps; no area here moves, so no subtree to rewrite).
        ids = Counter.after(Area)
        areas, self.wards, self.neighbourhoods, lsoas = [], [], [], []
        for w in range(self.n("wards")):
            ward = Area(pk=ids.take(), place=self.place, kind="ward", name=f"Ward {w + 1}")
            ward.path = ward.path_under("")
            areas.append(ward)
            self.wards.append(ward)
            for n in range(FULL["neighbourhoods_per_ward"]):
                hood = Area(
                    pk=ids.take(),
                    place=self.place,
                    kind="neighbourhood",
                    name=f"Neighbourhood {w + 1}.{n + 1}",
                    parent_id=ward.pk,
                )
                hood.path = hood.path_under(ward.path)
                areas.append(hood)
                self.neighbourhoods.append(hood)
                for s in range(FULL["lsoas_per_neighbourhood"]):
                    lsoa = Area(
                        pk=ids.take(),
                        place=self.place,
                        kind="lsoa",
                        name=f"LSOA {w + 1}.{n + 1}.{s + 1}",
                        parent_id=hood.pk,
                    )
                    lsoa.path = lsoa.path_under(hood.path)
                    areas.append(lsoa)
                    lsoas.append(lsoa)
        self.save(Area, areas)
        self.say(f"{len(areas):,} areas")

    def geography(self):
        """Shapes for every area and need figures for every LSOA (dashboards/scale/geography)."""
        counts = add_geography(self.place, seed=self.seed, say=self.say)
        for label, count in counts.items():
            self.counts[label] = self.counts.get(label, 0) + count
