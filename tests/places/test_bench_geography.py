"""`manage.py bench_geography` times every geography import on made-up data and leaves
nothing behind."""

import io

import pytest
from django.core.management import call_command

from places.models import Area, NeedSource, Place


@pytest.mark.django_db
def test_bench_geography_times_each_import_and_rolls_back():
    out = io.StringIO()
    call_command("bench_geography", wards=50, lsoas=40, stdout=out)
    text = out.getvalue()
    for label in (
        "Ward lookup, 50 rows, first import",
        "LSOA lookup, 40 rows, first import",
        "LSOA lookup, 40 rows, the same file again",
        "Deprivation ranks and deciles, 40 LSOAs",
        "Population estimates, 40 LSOAs",
        "LSOA boundaries, 40 features",
    ):
        assert label in text
    assert not Place.objects.exists()
    assert not Area.objects.exists()
    assert not NeedSource.objects.exists()
