"""The headline figures' totals, typed: what each headline figure gives its template, its table
and its CSV, by name. (The lists' rows are in `rows.py`.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .rows import CountRow, MeasureRow, NonCompliantRow

ZERO = Decimal("0")


@dataclass
class SpendTotals:
    """Contracts awarded or in delivery and their award value, in scope of the Act and not
    (`spend_in_scope`)."""

    count: int = 0
    total: Decimal = ZERO
    exempt_count: int = 0
    exempt_total: Decimal = ZERO


@dataclass
class ComplianceTotals:
    """Contracts whose procurement started, by section 1 compliance (`compliance`): `counted`
    is compliant and not compliant, `share` the compliant part of it in whole percent, and
    `not_compliant` lists those not compliant (never on the public page)."""

    compliant: int = 0
    non_compliant: int = 0
    exempt: int = 0
    not_recorded: int = 0
    counted: int = 0
    share: int | None = None
    not_compliant: list[NonCompliantRow] = field(default_factory=list)


@dataclass
class WeightingTotals:
    """The social value weighting of the approved assessments of contracts started
    (`average_weighting`)."""

    average: Decimal | None
    count: int
    lowest: Decimal | None
    highest: Decimal | None
    below_minimum: int
    started: int
    without_weighting: int


@dataclass
class StatusCounts:
    """Current commitments by status as at the scope's day (`commitment_statuses`)."""

    complete: int = 0
    on_track: int = 0
    behind: int = 0
    at_risk: int = 0

    @property
    def total(self) -> int:
        return self.complete + self.on_track + self.behind + self.at_risk


@dataclass
class ObjectiveCounts:
    """Objectives by status (`objectives_summary`); `draft` is None on the public page, which
    never shows drafts."""

    active: int
    on_track: int
    behind: int
    no_targets: int
    achieved: int
    draft: int | None


@dataclass
class MeasureTotals:
    """Committed and delivered per measure (`delivery_by_measure`), the £ estimates summed over
    them, and the proxy values' sources and years."""

    rows: list[MeasureRow]
    verified_value: Decimal
    committed_value: Decimal
    commitments: int
    without_proxy: int
    sources: list[dict]


@dataclass
class ProposalCounts:
    """Community proposals by status and through review (`proposals_summary`)."""

    by_status: list[CountRow]
    funnel: list[CountRow]
    total: int


@dataclass
class ConsultationCounts:
    """Consultations by stage, and their responses by respondent type
    (`consultations_summary`)."""

    total: int
    by_stage: list[CountRow]
    responses: list[CountRow]
    response_total: int
