"""How a commitment is doing as at a day: the one rule, written once, in SQL.

`with_progress()` annotates commitments with their verified delivery (from the ledger,
`contracts.ledger`), the share of the delivery window gone by, the quantity expected by then
and the status. Every page that shows a commitment's status reads the annotated value — the
contract and commitment pages, the dashboard's counts and at-risk list, the transparency
page's counts — so no page can judge a commitment differently from another.

The rule: complete when verified delivery meets the quantity; on track when it meets the
pro-rata expectation (all of it at the due date for one-off commitments); behind when it is at
least 75% of that; at risk below.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    DateField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import ledger
from .models import Commitment

ZERO = Decimal("0")
BEHIND_SHARE = 0.75  # behind, not at risk, down to this share of what was due

STATUS_LABELS = {
    "complete": "Complete",
    "on_track": "On track",
    "behind": "Behind",
    "at_risk": "At risk",
}
NEEDS_RECOVERY = ("behind", "at_risk")


class DaysBetween(Func):
    """Days from `start` to `end` (two dates), on SQLite and PostgreSQL."""

    output_field = FloatField()

    def __init__(self, end, start):
        super().__init__(end, start)

    def as_sql(self, compiler, connection, **extra_context):
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "sqlite":
            sql = f"(julianday({end_sql}) - julianday({start_sql}))"
        else:
            sql = f"CAST((CAST({end_sql} AS date) - CAST({start_sql} AS date)) AS double precision)"
        return sql, (*end_params, *start_params)


def share_elapsed(start_field: str, end_field: str, on: datetime.date):
    """How much of the time from `start_field` to `end_field` has passed by `on`, 0 to 1."""
    day = Value(on, output_field=DateField())
    return Case(
        When(**{f"{start_field}__gte": on}, then=Value(0.0)),
        When(**{f"{end_field}__lte": on}, then=Value(1.0)),
        default=ExpressionWrapper(
            DaysBetween(day, F(start_field)) / DaysBetween(F(end_field), F(start_field)),
            output_field=FloatField(),
        ),
        output_field=FloatField(),
    )


def is_current(on: datetime.date) -> bool:
    """As at today (or later) every return counts, since none is accepted for a period that
    has not ended: the ledger's per-commitment totals answer. For an earlier day, its lines of
    the periods started by then."""
    return on >= timezone.localdate()


def verified_expression(on: datetime.date):
    """A commitment's verified quantity as at `on` (see `is_current`)."""
    if is_current(on):
        return Coalesce(F("delivery_total__verified"), Value(ZERO), output_field=ledger.MONEY)
    return ledger.verified_as_at(on, commitment_id=OuterRef("pk"))


def with_progress(qs, on: datetime.date, *, verified=None):
    """Commitments annotated, as at `on`, with `verified`, `claimed`, `share` (of the window
    gone by), `expected`, `status` (the rule above) and `due_ratio` (verified delivery against
    what was due, capped at 1; null when nothing was due yet). `verified` replaces the
    ledger's figure with another expression (for tests of the rule alone)."""
    share = Case(
        When(schedule=Commitment.Schedule.ONE_OFF, due_date__lte=on, then=Value(1.0)),
        When(schedule=Commitment.Schedule.ONE_OFF, then=Value(0.0)),
        default=share_elapsed("start_date", "due_date", on),
        output_field=FloatField(),
    )
    return qs.annotate(
        verified=verified if verified is not None else verified_expression(on),
        claimed=Coalesce(F("delivery_total__claimed"), Value(ZERO), output_field=ledger.MONEY),
        share=share,
        expected=ExpressionWrapper(F("quantity") * F("share"), output_field=FloatField()),
        status=Case(
            When(verified__gte=F("quantity"), then=Value("complete")),
            When(verified__gte=F("expected"), then=Value("on_track")),
            When(
                verified__gte=ExpressionWrapper(
                    F("expected") * BEHIND_SHARE, output_field=FloatField()
                ),
                then=Value("behind"),
            ),
            default=Value("at_risk"),
        ),
        due_ratio=Case(
            When(expected__lte=0, then=Value(None, output_field=FloatField())),
            When(verified__gte=F("expected"), then=Value(1.0)),
            default=ExpressionWrapper(F("verified") / F("expected"), output_field=FloatField()),
            output_field=FloatField(),
        ),
    )


def expected_amount(expected: float) -> Decimal:
    """An annotated expectation (`expected`) as a quantity to show, to a hundredth of a unit."""
    return Decimal(str(round(expected, 2)))
