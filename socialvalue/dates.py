"""Dates bounded to what is plausible: one set of rules for every date typed into a form
(`socialvalue.forms.GovDateField`) and every date a model holds (`validate_plausible_date`,
and the period rules the models' `clean()` asks), so imports and the admin obey them too.

- No date before 1 January 2000: the service records procurement under the Public Services
  (Social Value) Act 2012 and what followed; nothing it holds is older.
- No date more than 25 years after today: the longest public service contracts run 25 years.
- A contract period (start to end) at most 25 years long.
- A consultation open for at most a year (366 days).

Without them an award typed as running 1900 to 2100 made 804 reporting periods, and a
consultation could run from 1900 to 9999.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST = datetime.date(2000, 1, 1)
YEARS_AHEAD = 25
LONGEST_CONTRACT_YEARS = 25
LONGEST_CONSULTATION_DAYS = 366


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def latest(today: datetime.date | None = None) -> datetime.date:
    return years_after(today or timezone.localdate(), YEARS_AHEAD)


def _day(value: datetime.date) -> str:
    return f"{value:%-d %B %Y}"


def date_problem(value: datetime.date, what: str = "date") -> str | None:
    """Why `value` is not a plausible date (named `what` in the message), or None."""
    if value < EARLIEST:
        return f"The {what} must be on or after {_day(EARLIEST)}"
    if value > latest():
        return f"The {what} must be no later than {_day(latest())}, {YEARS_AHEAD} years from today"
    return None


def validate_plausible_date(value: datetime.date) -> None:
    """A model field's validator: `date_problem` for a date whose name the form gives."""
    problem = date_problem(value)
    if problem:
        raise ValidationError(problem, code="implausible_date")


def contract_period_problem(start: datetime.date, end: datetime.date) -> str | None:
    """A contract runs at most `LONGEST_CONTRACT_YEARS` years."""
    limit = years_after(start, LONGEST_CONTRACT_YEARS)
    if end > limit:
        return (
            f"A contract can run for at most {LONGEST_CONTRACT_YEARS} years: the end date must "
            f"be no later than {_day(limit)}"
        )
    return None


def consultation_period_problem(opens: datetime.date, closes: datetime.date) -> str | None:
    """A consultation is open for at most a year (`LONGEST_CONSULTATION_DAYS` days)."""
    limit = opens + datetime.timedelta(days=LONGEST_CONSULTATION_DAYS)
    if closes > limit:
        return (
            "A consultation can be open for at most a year: the closing date must be no later "
            f"than {_day(limit)}"
        )
    return None
