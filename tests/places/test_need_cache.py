"""Need figures are kept in the figures cache until the data changes (places/selectors.py):
keyed by the data token (`socialvalue.datacache`), which every committed write to the places
tables replaces. The token is stood in for here, as tests run in one rolled-back transaction."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from places import selectors
from places.models import LsoaFigure
from places.selectors import need_by_area
from tests.places.test_need import run

pytestmark = pytest.mark.django_db


def test_need_figures_come_from_the_cache_until_the_data_token_changes(
    lsoa_borough, settings, monkeypatch
):
    from dashboards.cache import figures_cache

    settings.SOCIALVALUE_FIGURES_CACHE_SECONDS = 600
    figures_cache().clear()
    token = {"now": "first"}
    monkeypatch.setattr(selectors, "current_token", lambda: token["now"])
    place, meadow = lsoa_borough["place"], lsoa_borough["meadow"]
    run("imd_2025_file1.csv", place, year=2025)
    run("population_mid2022.csv", place, year=2022)

    def read():
        with CaptureQueriesContext(connection) as queries:
            needs = need_by_area(place)
        return needs[meadow.pk].population, len(queries)

    population, computed = read()
    figure = LsoaFigure.objects.filter(area__parent=meadow, population__isnull=False).first()
    figure.population += 100
    figure.save()
    again, cached = read()
    assert again == population == 3000  # the same token: the kept figures
    assert cached < computed  # only the sources are read
    token["now"] = "second"  # the write committed
    assert read()[0] == 3100
    figures_cache().clear()


def test_with_the_cache_off_no_token_is_read(lsoa_borough, monkeypatch):
    """Tests and SOCIALVALUE_FIGURES_CACHE_SECONDS=0: computed every time, as before."""
    monkeypatch.setattr(selectors, "current_token", lambda: pytest.fail("a token was read"))
    run("population_mid2022.csv", lsoa_borough["place"], year=2022)
    assert need_by_area(lsoa_borough["place"])[lsoa_borough["meadow"].pk].population == 3000
