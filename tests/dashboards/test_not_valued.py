"""Counts before £: a measure whose commitments carry no proxy value is "not valued", never
"£0" (found from outside: the transparency page showed 0 verified £ beside 450 square metres
of green space verified)."""

from decimal import Decimal

from dashboards.figures import MeasureRow, MeasureTotals
from dashboards.tables import NOT_VALUED, measures_table


def _row(**overrides):
    row = {
        "measure_id": 1,
        "code": "WR12",
        "name": "Green space improved",
        "unit": "square metres",
        "retired": False,
        "commitments": 2,
        "committed": Decimal("800"),
        "verified": Decimal("450"),
        "claimed": Decimal("0"),
        "verified_percent": 56,
        "verified_value": Decimal("0"),
        "without_proxy": 2,
    }
    return MeasureRow(**(row | overrides))


def _totals(row: MeasureRow) -> MeasureTotals:
    """The measures' figure with this one row (its totals are not what the table shows)."""
    return MeasureTotals(
        rows=[row],
        verified_value=row.verified_value,
        committed_value=row.committed_value,
        commitments=row.commitments,
        without_proxy=row.without_proxy,
        sources=[],
    )


def test_a_measure_with_no_proxy_is_not_valued_rather_than_worth_nothing():
    (row,) = measures_table(_totals(_row()), public=True).rows
    assert row[-1] == NOT_VALUED


def test_a_measure_with_some_proxies_shows_the_valued_part():
    (row,) = measures_table(
        _totals(_row(without_proxy=1, verified_value=Decimal("120.4"))), public=True
    ).rows
    assert row[-1] == Decimal("120")


def test_the_demo_transparency_page_says_not_valued(client, settings, db):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("load_demo", "--no-logins", stdout=None)
    page = client.get("/transparency/wrenford/").content.decode()
    assert NOT_VALUED in page
    # The map does not call an area with unvalued verified delivery "none verified".
    from django.utils.html import escape

    from dashboards.delivery_map import NO_ESTIMATE

    assert escape(NO_ESTIMATE) in page
    assert "None verified yet" not in page
