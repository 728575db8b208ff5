import datetime

from dashboards import periods


def test_financial_years_and_quarters():
    assert periods.financial_year_of(datetime.date(2026, 3, 31)) == 2025
    assert periods.financial_year_of(datetime.date(2026, 4, 1)) == 2026
    year = periods.parse("2025")
    assert (year.start, year.end) == (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
    q4 = periods.parse("2025Q4")
    assert (q4.start, q4.end) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    q1 = periods.parse("2025Q1")
    assert (q1.start, q1.end) == (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
    assert periods.quarter_label(datetime.date(2026, 2, 14)) == "2025/26 Q4"
    assert periods.quarter_label(datetime.date(2025, 7, 1)) == "2025/26 Q2"


def test_bad_keys_are_none():
    for key in ("", "2025Q5", "abc", "Q1", "2025Qx"):
        assert periods.parse(key) is None


def test_choices_run_newest_first_with_quarters():
    choices = periods.choices(datetime.date(2026, 5, 1), years=2)
    assert [c.key for c in choices] == [
        "2026",
        "2026Q1",
        "2026Q2",
        "2026Q3",
        "2026Q4",
        "2025",
        "2025Q1",
        "2025Q2",
        "2025Q3",
        "2025Q4",
    ]
