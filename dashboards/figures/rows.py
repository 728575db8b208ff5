"""The rows of the figures' lists, typed: what each figure gives its table, its template and its
CSV download, field by field. A field named with `__` is the commitment's, contract's or
target's field of that path (`contract__reference`), as the query that reads it names it. (The
headline figures' totals are typed in `totals.py`.)"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0")


@dataclass
class AreaRow:
    """A neighbourhood (or a ward, or a whole ward's own row) on the map and in the table of
    areas (`by_area`)."""

    area_id: int
    name: str
    gss_code: str
    commitments: int
    at_risk: int
    percent: int | None  # delivered against due; None when nothing was due
    band: int
    band_label: str
    verified_value: Decimal
    has_objectives: bool
    bar: int
    wider: bool = False  # the commitments for a whole ward or wider, not shared out


@dataclass
class AtRiskRow:
    """A current commitment behind or at risk (`commitments_at_risk`)."""

    pk: int
    contract_id: int
    contract__reference: str
    contract__title: str
    delivered_by__name: str
    measure__code: str
    measure__name: str
    measure__unit: str
    area__name: str
    objective__title: str
    quantity: Decimal
    verified: Decimal
    expected: Decimal  # due by the scope's day, to a hundredth of a unit
    status: str
    status_label: str
    recovery_action: str


@dataclass
class TargetRow:
    """A current target with the delivery counted towards it (`targets_progress`)."""

    pk: int
    objective_id: int
    objective__title: str
    objective__status: str
    measure_id: int
    measure__code: str
    measure__name: str
    measure__unit: str
    target_quantity: Decimal
    target_date: datetime.date
    expected: float  # due by the scope's day
    verified: Decimal
    claimed: Decimal
    percent: int | None
    status: str
    status_label: str
    on_track: bool
    bar: int  # the percent, capped at 100, for the bar chart


@dataclass
class MeasureRow:
    """A framework measure: what was committed and delivered in its unit
    (`delivery_by_measure`)."""

    measure_id: int
    code: str
    name: str
    unit: str
    retired: bool
    commitments: int = 0
    committed: Decimal = ZERO
    committed_value: Decimal = ZERO
    without_proxy: int = 0
    verified: Decimal = ZERO
    claimed: Decimal = ZERO
    verified_value: Decimal = ZERO
    verified_percent: int | None = None


@dataclass
class OutcomeRow:
    """An outcome of the framework with its objectives and commitments (`by_outcome`)."""

    theme: str
    outcome: str
    objectives: int = 0
    commitments: int = 0
    at_risk: int = 0
    committed_value: Decimal = ZERO
    verified_value: Decimal = ZERO


@dataclass
class OrganisationRow:
    """A lead buyer's contracts, commitments and verified £ (`by_organisation`)."""

    buyer_id: int
    buyer__name: str
    awarded: int
    spend: Decimal
    started: int
    non_compliant: int
    commitments: int = 0
    verified_value: Decimal = ZERO


@dataclass
class QuarterRow:
    """A financial-year quarter's awards and returns (`by_quarter`)."""

    quarter: datetime.date
    label: str
    awarded: int = 0
    awarded_value: Decimal = ZERO
    verified: int = 0
    claimed: int = 0
    verified_value: Decimal = ZERO
    bar: int = 0  # verified £ against the largest quarter's, for the bar chart


@dataclass
class NonCompliantRow:
    """A contract whose procurement started without an assessment approved first
    (`compliance`)."""

    pk: int
    reference: str
    title: str
    buyer__name: str
    procurement_started_on: datetime.date
    first_approved_at: datetime.datetime | None
    reason: str


@dataclass
class UnservedObjectiveRow:
    """An active objective that no contract serves (`gaps`)."""

    pk: int
    title: str
    lead_organisation__name: str | None


@dataclass
class AdoptedProposalRow:
    """A community proposal accepted as (or attached to) a published objective
    (`proposals_adopted`)."""

    pk: int
    title: str
    organisation__name: str | None
    objective_id: int
    objective__title: str


@dataclass
class CountRow:
    """A count with its label: proposals by state, consultations by stage, responses by type of
    respondent, the steps of the proposals' funnel (`proposals_summary`,
    `consultations_summary`). `key` is the state, stage or type counted ("" for a step)."""

    label: str
    count: int
    key: str = ""


@dataclass
class ContractRow:
    """A contract carrying commitments in the filters (`contracts_with_commitments`)."""

    pk: int
    reference: str
    title: str
    buyer__name: str
    supplier__name: str | None
    award_value: Decimal | None
    awarded_on: datetime.date | None
    stage: str
    commitment_count: int = 0
    verified_value: Decimal = ZERO
