"""Demo data for places: a fictional borough. Codes are in the E0599…/E0199… ranges, which ONS
has never issued, so nothing here can be mistaken for a real council's geography."""

import io
import json

import shapely
from django.db import transaction

from . import services
from .importers.boundaries import import_boundaries
from .importers.need import import_need
from .models import Area, Boundary, NeedSource, Place

PLACE = {
    "slug": "wrenford",
    "name": "Wrenford (fictional borough)",
    "gss_code": "E09999901",
    "gss_year": 2024,
    "description": (
        "A made-up borough for trying the service. Its wards, neighbourhoods and codes are "
        "fictional and do not describe any real place."
    ),
}

# ward name -> its neighbourhoods (30 in all across 12 wards)
WARDS = {
    "Abbey Mills": ["Abbey Green", "Millrace", "Tanners Yard"],
    "Brookside": ["Brookside Estate", "Willow Bank", "Kingfisher Walk"],
    "Castle Hill": ["Castle Hill North", "Castle Hill South", "Keep Lane"],
    "Dunmore": ["Dunmore Village", "Dunmore Heath"],
    "Eastgate": ["Eastgate Centre", "Railway Triangle", "Station Quarter"],
    "Fernlea": ["Fernlea Park", "Orchard Rise"],
    "Greystones": ["Greystones", "Quarry Fields", "Slate Row"],
    "Harbour": ["Harbour Front", "Netmakers"],
    "Ivybridge": ["Ivybridge", "Canal Side"],
    "Kingsmead": ["Kingsmead", "Meadow Vale", "Jubilee Estate"],
    "Longford": ["Longford", "Ferry Lane"],
    "Marshfield": ["Marshfield", "Saltings"],
}

GROUPINGS = {
    "North Wrenford Community Partnership": ["Abbey Mills", "Brookside", "Castle Hill", "Dunmore"],
    "Central Wrenford Community Partnership": ["Eastgate", "Fernlea", "Greystones", "Harbour"],
    "South Wrenford Community Partnership": ["Ivybridge", "Kingsmead", "Longford", "Marshfield"],
}


def _get_or_create_area(place, kind, name, **fields):
    area = Area.objects.filter(place=place, kind=kind, name=name).first()
    if area is None:
        area = Area(place=place, kind=kind, name=name, **fields)
        area.full_clean()
        services.area_save(area)
    return area


@transaction.atomic
def load(stdout=None) -> Place:
    place = Place.objects.filter(slug=PLACE["slug"]).first()
    if place is None:
        place = Place(**PLACE)
        place.full_clean()
        place.save()
    wards = {}
    for number, (ward_name, neighbourhoods) in enumerate(WARDS.items(), start=1):
        ward = _get_or_create_area(
            place,
            Area.Kind.WARD,
            ward_name,
            gss_code=f"E05999{number:03d}",
            gss_year=2024,
        )
        wards[ward_name] = ward
        for n_number, name in enumerate(neighbourhoods, start=1):
            neighbourhood = _get_or_create_area(place, Area.Kind.NEIGHBOURHOOD, name, parent=ward)
            # Two LSOAs per neighbourhood, named as ONS does (ward-less, numbered).
            for lsoa_number in (1, 2):
                code = f"E0199{number:02d}{n_number}{lsoa_number}"
                _get_or_create_area(
                    place,
                    Area.Kind.LSOA,
                    f"Wrenford {number:03d}{chr(64 + n_number)}{lsoa_number}",
                    parent=neighbourhood,
                    gss_code=code,
                    gss_year=2021,
                )
    for name, ward_names in GROUPINGS.items():
        grouping = _get_or_create_area(place, Area.Kind.GROUPING, name)
        wanted = [wards[w] for w in ward_names]
        if set(grouping.wards.values_list("pk", flat=True)) != {w.pk for w in wanted}:
            services.area_set_wards(area=grouping, wards=wanted)
    if not Boundary.objects.filter(area__place=place).exists():
        _load_shapes(place)
    if not NeedSource.objects.filter(place=place).exists():
        _load_need(place)
    return place


# Wards from the most to the least deprived, roughly: the harbour and the old mills worst off.
DEPRIVATION_ORDER = [
    "Harbour",
    "Eastgate",
    "Abbey Mills",
    "Marshfield",
    "Greystones",
    "Ivybridge",
    "Brookside",
    "Longford",
    "Castle Hill",
    "Kingsmead",
    "Fernlea",
    "Dunmore",
]


def _load_need(place: Place) -> None:
    """Fictional deprivation deciles and population estimates for every demo LSOA, through the
    same importer as the published files, labelled as fictional wherever they are shown."""
    import datetime
    import random

    rng = random.Random(16)  # noqa: S311 - repeatable demo figures, not secrets
    lsoas = Area.objects.filter(place=place, kind=Area.Kind.LSOA).select_related("parent__parent")
    deprivation = [
        "LSOA code (2021),Index of Multiple Deprivation (IMD) Rank,Index of Multiple "
        "Deprivation (IMD) Decile"
    ]
    population = ["LSOA 2021 Code,Total"]
    for lsoa in lsoas.order_by("gss_code"):
        ward = lsoa.parent.parent.name
        centre = 1 + DEPRIVATION_ORDER.index(ward) * 9 / (len(DEPRIVATION_ORDER) - 1)
        decile = min(10, max(1, round(centre + rng.uniform(-1.6, 1.6))))
        rank = (decile - 1) * 3375 + rng.randint(1, 3375)
        deprivation.append(f"{lsoa.gss_code},{rank},{decile}")
        population.append(f"{lsoa.gss_code},{rng.randint(1250, 2600)}")
    published = datetime.date(2025, 10, 30)
    for rows, year, title in (
        (deprivation, 2025, "Fictional deprivation deciles for the demo borough (not real data)"),
        (population, 2024, "Fictional population estimates for the demo borough (not real data)"),
    ):
        report = import_need(
            io.StringIO("\n".join(rows) + "\n"),
            place=place,
            year=year,
            published_on=published,
            title=title,
            publisher="socialvalue demo data",
            file_name="demo",
            licence="made up for the demo",
        )
        if report.errors:
            raise ValueError("; ".join(str(e) for e in report.errors))


def _feature_collection(column: str, shapes: dict) -> io.BytesIO:
    """GeoJSON as ONS publishes it in the British National Grid, for the real importer."""
    features = [
        {
            "type": "Feature",
            "properties": {column: code},
            "geometry": json.loads(shapely.to_geojson(shape)),
        }
        for code, shape in shapes.items()
    ]
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
        "features": features,
    }
    return io.BytesIO(json.dumps(collection).encode())


def _load_shapes(place: Place) -> None:
    """Every demo LSOA and ward gets a fictional shape through the boundary importer; the
    neighbourhoods' and groupings' shapes follow from them."""
    from .demo_shapes import wrenford

    shapes = wrenford(WARDS)
    codes = dict(
        Area.objects.filter(place=place, kind__in=[Area.Kind.LSOA, Area.Kind.WARD]).values_list(
            "name", "gss_code"
        )
    )
    lsoas, wards = {}, {}
    for number, (ward_name, neighbourhoods) in enumerate(shapes.items(), start=1):
        for n_number, pair in enumerate(neighbourhoods.values(), start=1):
            for lsoa_number, shape in enumerate(pair, start=1):
                name = f"Wrenford {number:03d}{chr(64 + n_number)}{lsoa_number}"
                lsoas[codes[name]] = shape
        wards[codes[ward_name]] = shapely.union_all(
            [shape for pair in neighbourhoods.values() for shape in pair], grid_size=1.0
        )
    source = "Fictional demo shapes (not a real place)"
    for column, found in (("LSOA21CD", lsoas), ("WD24CD", wards)):
        report = import_boundaries(_feature_collection(column, found), place=place, source=source)
        if report.errors:
            raise ValueError("; ".join(str(e) for e in report.errors))
