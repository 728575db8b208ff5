"""`socialvalue.sql.AnyOf`: the same rows as `field__in`, alone, in `Q` combinations and in a
subquery, on whichever database the suite runs (PostgreSQL sends one array parameter)."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from places.models import Area
from socialvalue.sql import AnyOf
from tests.places.factories import AreaFactory


@pytest.fixture
def areas(place):
    return [AreaFactory(place=place) for _ in range(5)]


def test_any_of_selects_the_same_rows_as_in(areas):
    wanted = [areas[0].pk, areas[3].pk]
    assert set(Area.objects.filter(AnyOf("pk", wanted))) == set(Area.objects.filter(pk__in=wanted))


def test_any_of_nothing_selects_nothing(areas):
    assert not Area.objects.filter(AnyOf("pk", [])).exists()
    assert set(Area.objects.filter(Q(AnyOf("pk", [])) | Q(pk=areas[1].pk))) == {areas[1]}


def test_any_of_combines_with_other_conditions_and_in_subqueries(areas):
    inner = Area.objects.filter(AnyOf("pk", [a.pk for a in areas[:3]])).values("pk")
    found = Area.objects.filter(Q(pk__in=inner) & ~Q(pk=areas[0].pk) | Q(pk=areas[4].pk))
    assert set(found) == {areas[1], areas[2], areas[4]}


def test_a_long_list_is_one_parameter_on_postgresql(areas):
    ids = [a.pk for a in areas] + list(range(10**6, 10**6 + 3000))
    with CaptureQueriesContext(connection) as ctx:
        assert Area.objects.filter(AnyOf("pk", ids)).count() == len(areas)
    sql = ctx.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql
    else:
        assert " IN (" in sql


@pytest.mark.django_db
def test_each_database_connection_has_the_settings_its_pages_were_measured_with(settings):
    """PostgreSQL: no JIT, and index probes priced for SSD or memory (socialvalue/settings.py);
    SQLite: immediate transactions, so two writers wait instead of failing."""
    if connection.vendor == "sqlite":
        assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == 1.1
