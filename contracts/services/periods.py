"""Reporting periods: the quarters over a contract period, which have ended, and which take
returns."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from people.models import User

from .. import ledger
from ..models import (
    Commitment,
    ReportingPeriod,
)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day if it is shorter (31 Jan + 1: 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def quarters(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """Reporting periods: the financial-year quarters (Q1 April–June, Q2 July–September, Q3
    October–December, Q4 January–March) from `start` to `end` (both days included), the first
    and the last cut to those days. Each period ends the day before the next one starts, so no
    day belongs to two periods, and every period is in one quarter of the charts."""
    periods = []
    current = start
    while current <= end:
        last = ledger.quarter_end(current)
        periods.append((current, min(last, end)))
        current = last + datetime.timedelta(days=1)
    return periods


def period_has_ended(period: ReportingPeriod, today: datetime.date | None = None) -> bool:
    """A named rule: delivery is reported for a period once it has ended (the day after its
    last day), unless an officer allowed early returns for it, with a reason."""
    return period.end < (today or timezone.localdate())


def reportable_periods(today: datetime.date | None = None) -> Q:
    """The same rule as a filter on reporting periods: ended, or opened early by an officer."""
    return Q(end__lt=today or timezone.localdate()) | ~Q(early_returns_reason="")


@transaction.atomic
def period_allow_early_returns(
    *, period: ReportingPeriod, by: User, reason: str
) -> ReportingPeriod:
    """An officer lets returns be made for a period before it ends (a contract finishing early,
    say). The reason is recorded and shown with every return for the period."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Explain why returns may be made before the period ends"})
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period_has_ended(period):
        raise ValidationError("This period has ended: returns can already be made for it")
    period.early_returns_reason = reason.strip()
    period.early_returns_allowed_by = by
    period.early_returns_allowed_at = timezone.now()
    period.save()
    return period


def period_of(commitment: Commitment, day: datetime.date) -> ReportingPeriod | None:
    """The reporting period of the commitment's contract that `day` falls in, if any."""
    return ReportingPeriod.objects.filter(
        contract_id=commitment.contract_id, start__lte=day, end__gte=day
    ).first()
