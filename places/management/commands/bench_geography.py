"""python manage.py bench_geography [--wards 9000] [--lsoas 1000]

Times the geography imports on this machine and database, with made-up data in a transaction
that is rolled back (nothing is left behind): a whole-UK-sized ward lookup, the next year's
lookup re-coding a tenth of its wards, a county's LSOA to ward lookup (first import, then the
same file again), its deprivation ranks and deciles and population estimates, and the
boundaries of a county's LSOAs in longitude/latitude (projected, validated, simplified,
stored, neighbourhoods derived).
"""

import datetime
import io
import json
import math
import random
import time

import numpy
import shapely
from django.core.management.base import BaseCommand
from django.db import transaction

from places import services
from places.geometry import _from_bng
from places.importers import import_ward_lookup
from places.importers.boundaries import import_boundaries
from places.importers.lsoas import import_lsoa_lookup
from places.importers.need import import_need
from places.models import Area, Place

WARDS_PER_AUTHORITY = 25


class Command(BaseCommand):
    help = "Time the ward lookup and boundary imports (made-up data, rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--wards", type=int, default=9000)
        parser.add_argument("--lsoas", type=int, default=1000)

    def handle(self, *args, wards, lsoas, **options):
        with transaction.atomic():
            self._wards(wards)
            self._lsoas(lsoas)
            self._boundaries(lsoas)
            transaction.set_rollback(True)

    def _time(self, label, function):
        start = time.perf_counter()
        report = function()
        seconds = time.perf_counter() - start
        if report.errors:
            raise SystemExit(f"{label}: {report.errors[:3]}")
        self.stdout.write(f"{label}: {seconds:.1f} s")
        return report

    def _wards(self, count):
        def lookup(year, recode_every=0):
            yy = year % 100
            lines = [f"FID,WD{yy}CD,WD{yy}NM,WD{yy}NMW,LAD{yy}CD,LAD{yy}NM,ObjectId"]
            for n in range(count):
                authority = n // WARDS_PER_AUTHORITY
                code = n + (500_000 if recode_every and n % recode_every == 0 else 0)
                welsh = f"Ward Cymraeg {n}" if authority % 10 == 0 else ""
                lines.append(
                    f"{n},E05{900_000 + code % 100_000 + (code // 500_000) * 50_000:06d},"
                    f"Bench ward {n},{welsh},E07{900_000 + authority:06d},"
                    f"Bench authority {authority},{n}"
                )
            return io.StringIO("\n".join(lines) + "\n")

        first = self._time(
            f"Ward lookup, {count:,} rows, first import",
            lambda: import_ward_lookup(lookup(2030)),
        )
        assert first.created == count
        second = self._time(
            f"Ward lookup, {count:,} rows, next year re-coding a tenth of them",
            lambda: import_ward_lookup(lookup(2031, recode_every=10)),
        )
        self.stdout.write(
            f"  {second.created:,} created, {len(second.retired):,} retired, "
            f"{len(second.links):,} linked to successors"
        )

    def _lsoas(self, count):
        """A county's LSOAs under its wards from a lookup, then the need figures for them."""
        place = Place.objects.create(name="Bench county lookups", slug="bench-county-lookups")
        wards = count // 20 + 1
        for n in range(wards):
            services.area_create(
                place=place,
                kind="ward",
                name=f"Bench lookup ward {n}",
                gss_code=f"E05{800_000 + n:06d}",
                gss_year=2024,
            )
        codes = [f"E01{800_000 + n:06d}" for n in range(count)]
        lookup = ["LSOA21CD,LSOA21NM,WD24CD,WD24NM,LAD24CD,LAD24NM"] + [
            f"{code},Bench LSOA {n},E05{800_000 + n // 20:06d},Bench lookup ward {n // 20},,"
            for n, code in enumerate(codes)
        ]
        text = "\n".join(lookup) + "\n"
        first = self._time(
            f"LSOA lookup, {count:,} rows, first import",
            lambda: import_lsoa_lookup(io.StringIO(text), place=place),
        )
        assert first.created == count
        again = self._time(
            f"LSOA lookup, {count:,} rows, the same file again",
            lambda: import_lsoa_lookup(io.StringIO(text), place=place),
        )
        assert again.unchanged == count
        deprivation = [
            "LSOA code (2021),Index of Multiple Deprivation (IMD) Rank,"
            "Index of Multiple Deprivation (IMD) Decile"
        ] + [f"{code},{n * 33 + 1},{n % 10 + 1}" for n, code in enumerate(codes)]
        population = ["LSOA 2021 Code,Total"] + [
            f"{code},{1_200 + n % 600}" for n, code in enumerate(codes)
        ]
        for label, lines, year in (
            ("Deprivation ranks and deciles", deprivation, 2025),
            ("Population estimates", population, 2022),
        ):
            report = self._time(
                f"{label}, {count:,} LSOAs",
                lambda lines=lines, year=year: import_need(
                    io.StringIO("\n".join(lines) + "\n"),
                    place=place,
                    published_on=datetime.date(year + 1, 1, 1),
                    year=year,
                ),
            )
            assert report.created == count

    def _boundaries(self, count):
        place = Place.objects.create(name="Bench county", slug="bench-county-geography")
        rng = random.Random(7)  # noqa: S311 - repeatable bench data
        side = math.sqrt(count) * 700  # LSOAs of about half a square kilometre
        x0, y0 = 400_000, 300_000
        region = shapely.box(x0, y0, x0 + side, y0 + side)
        points = shapely.MultiPoint(
            [(rng.uniform(x0, x0 + side), rng.uniform(y0, y0 + side)) for _ in range(count)]
        )
        cells = [shapely.intersection(c, region) for c in shapely.voronoi_polygons(points).geoms]
        cells = [
            c if c.geom_type == "Polygon" else max(c.geoms, key=lambda p: p.area) for c in cells
        ]
        # Generalised (20 m) ONS boundaries have a vertex every few tens of metres.
        cells = shapely.segmentize(numpy.asarray(cells, dtype=object), 25)
        transformer = _from_bng()
        features = []
        ward = None
        for n, cell in enumerate(cells):
            if n % 20 == 0:
                ward = services.area_create(place=place, kind="ward", name=f"Bench ward {n}")
                hood = services.area_create(
                    place=place, kind="neighbourhood", name=f"Hood {n}", parent=ward
                )
            code = f"E01{900_000 + n:06d}"
            services.area_save(
                Area(
                    place=place,
                    kind="lsoa",
                    name=f"Bench {n}",
                    parent=hood,
                    gss_code=code,
                    gss_year=2021,
                )
            )
            ring = numpy.asarray(cell.exterior.coords)
            lon, lat = transformer.transform(ring[:, 0], ring[:, 1])
            features.append(
                {
                    "type": "Feature",
                    "properties": {"LSOA21CD": code, "LSOA21NM": f"Bench {n}"},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [numpy.column_stack([lon, lat]).round(7).tolist()],
                    },
                }
            )
        data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
        vertices = sum(len(f["geometry"]["coordinates"][0]) for f in features)
        self.stdout.write(
            f"Boundary file: {count:,} LSOAs, {vertices:,} vertices, {len(data) / 1e6:.1f} MB"
        )
        report = self._time(
            f"LSOA boundaries, {count:,} features, longitude/latitude",
            lambda: import_boundaries(io.BytesIO(data), place=place),
        )
        self.stdout.write(f"  {report.created:,} stored, {report.derived} neighbourhood shapes")
