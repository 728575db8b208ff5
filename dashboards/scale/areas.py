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

        def add(kind: str, name: str, parent: Area | None, into: list) -> Area:
            area = Area(
                pk=ids.take(),
                place=self.place,
                kind=kind,
                name=name,
                parent_id=parent.pk if parent else None,
            )
            area.path = area.path_under(parent.path if parent else "")
            areas.append(area)
            into.append(area)
            return area

        for w in range(self.n("wards")):
            ward = add("ward", f"Ward {w + 1}", None, self.wards)
            for n in range(FULL["neighbourhoods_per_ward"]):
                hood = add(
                    "neighbourhood", f"Neighbourhood {w + 1}.{n + 1}", ward, self.neighbourhoods
                )
                for s in range(FULL["lsoas_per_neighbourhood"]):
                    add("lsoa", f"LSOA {w + 1}.{n + 1}.{s + 1}", hood, lsoas)
        self.save(Area, areas)
        self.say(f"{len(areas):,} areas")

    def geography(self):
        """Shapes for every area and need figures for every LSOA (dashboards/scale/geography)."""
        counts = add_geography(self.place, seed=self.seed, say=self.say)
        for label, count in counts.items():
            self.counts[label] = self.counts.get(label, 0) + count
