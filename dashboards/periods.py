"""UK financial years (1 April to 31 March) and their quarters (Q1 April to June, ...)."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    key: str  # "2025" for the year 2025/26, "2025Q1" for its first quarter
    label: str
    start: datetime.date
    end: datetime.date


def financial_year_of(day: datetime.date) -> int:
    """The year the financial year containing `day` starts in (2025 for 2025/26)."""
    return day.year if day.month >= 4 else day.year - 1


def year_label(year: int) -> str:
    return f"{year}/{str(year + 1)[-2:]}"


def year_period(year: int) -> Period:
    return Period(
        key=str(year),
        label=f"Financial year {year_label(year)}",
        start=datetime.date(year, 4, 1),
        end=datetime.date(year + 1, 3, 31),
    )


def quarter_period(year: int, quarter: int) -> Period:
    start_month = 4 + 3 * (quarter - 1)
    start = datetime.date(year + (start_month - 1) // 12, (start_month - 1) % 12 + 1, 1)
    after = datetime.date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
    return Period(
        key=f"{year}Q{quarter}",
        label=f"{year_label(year)} Q{quarter} ({start:%b} to {after - datetime.timedelta(days=1):%b %Y})",
        start=start,
        end=after - datetime.timedelta(days=1),
    )


def quarter_of(day: datetime.date) -> tuple[int, int]:
    """(financial year, quarter 1–4) of a day."""
    year = financial_year_of(day)
    months_in = (day.month - 4) % 12
    return year, months_in // 3 + 1


def quarter_label(day: datetime.date) -> str:
    year, quarter = quarter_of(day)
    return f"{year_label(year)} Q{quarter}"


def choices(today: datetime.date, years: int = 5) -> list[Period]:
    """The current financial year and the `years - 1` before it, each followed by its quarters,
    newest first."""
    current = financial_year_of(today)
    periods = []
    for year in range(current, current - years, -1):
        periods.append(year_period(year))
        periods.extend(quarter_period(year, q) for q in (1, 2, 3, 4))
    return periods


def parse(key: str) -> Period | None:
    key = (key or "").strip()
    try:
        if "Q" in key:
            year, quarter = key.split("Q")
            if quarter not in {"1", "2", "3", "4"}:
                return None
            return quarter_period(int(year), int(quarter))
        if key:
            return year_period(int(key))
    except ValueError:
        return None
    return None
