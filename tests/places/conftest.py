import pytest

from places import services
from places.models import Place


@pytest.fixture
def lsoa_borough(db):
    """Testborough (E09099001): wards Abbey Fields and Brook Green, the neighbourhood Abbey
    Meadow in Abbey Fields, four LSOAs E01099001–4 (two in the meadow, two directly in Brook
    Green) and the grouping North of both wards, all through the services."""
    place = Place.objects.create(name="Testborough", slug="testborough", gss_code="E09099001")
    abbey = services.area_create(
        place=place, kind="ward", name="Abbey Fields", gss_code="E05099001", gss_year=2024
    )
    brook = services.area_create(
        place=place, kind="ward", name="Brook Green", gss_code="E05099002", gss_year=2024
    )
    meadow = services.area_create(
        place=place, kind="neighbourhood", name="Abbey Meadow", parent=abbey
    )
    lsoas = [
        services.area_create(
            place=place,
            kind="lsoa",
            name=f"Testborough 00{n}",
            parent=parent,
            gss_code=f"E0109900{n}",
            gss_year=2021,
        )
        for n, parent in ((1, meadow), (2, meadow), (3, brook), (4, brook))
    ]
    grouping = services.area_create(
        place=place, kind="grouping", name="North", wards=[abbey, brook]
    )
    return {
        "place": place,
        "abbey": abbey,
        "brook": brook,
        "meadow": meadow,
        "lsoas": lsoas,
        "grouping": grouping,
    }
