"""The leaders' dashboard and the transparency page's figures, as pure query functions.

Every figure is a named function taking a `Scope` and returning plain, typed data: a
headline's totals (`totals.py`), a list of rows (`rows.py`), or a number. Each computes in SQL with `aggregate()`, `values().annotate()` and conditional
aggregation, so the number of queries does not depend on the number of contracts, commitments
or returns. Python only merges a handful of already-aggregated rows (one per measure, area,
organisation or quarter).

Each function carries its definition (`DEFINITIONS[name]`), shown beside the figure in the
"Definition" details component, so a reader can see exactly what is counted.

Honesty rules, applied everywhere:

- Counts come before £. A £ figure is quantity × the proxy value copied on the commitment when
  it was made; it is an estimate, shown with the distinct proxy sources and years it rests on.
- Only verified returns count as delivered; claimed but unverified quantities are shown apart.
- Nothing is double counted: a return belongs to one commitment, so totals are sums over
  returns or commitments, never over targets or objectives.

One module per family, in the order of the pages: `scope.py` (what the figures are about, and
the scoped querysets every figure starts from), `sums.py` (delivery summed from the ledger), `rows.py` (the lists' rows, typed),
`totals.py` (the headline figures' totals, typed), `definitions.py` (the registry of definitions), `headlines.py` (spend, compliance,
weighting), `delivery.py` (by measure, lead buyer and quarter), `targets.py` (objectives,
targets, outcomes), `progress.py` (commitments by status, at risk), `community.py`
(proposals and consultations), `areas.py` (neighbourhood tiles and gaps) and `lists.py` (the
public page's lists). This package names every figure, so callers
write `figures.by_area(scope)` whatever the layout.
"""

from contracts.progress import with_progress

from .areas import BANDS, band_for, by_area, gaps
from .community import consultations_summary, proposals_summary
from .definitions import DEFINITIONS, definition
from .delivery import by_organisation, by_quarter, delivery_by_measure
from .headlines import average_weighting, compliance, spend_in_scope
from .lists import contracts_with_commitments, proposals_adopted
from .progress import commitment_statuses, commitments_at_risk, progress_groups
from .rows import (
    AdoptedProposalRow,
    AreaRow,
    AtRiskRow,
    ContractRow,
    CountRow,
    MeasureRow,
    NonCompliantRow,
    OrganisationRow,
    OutcomeRow,
    QuarterRow,
    TargetRow,
    UnservedObjectiveRow,
)
from .scope import (
    CENTRAL_MINIMUM,
    CLAIMED,
    MONEY,
    NARROW,
    SPEND_STAGES,
    ZERO,
    Compliance,
    ReturnStatus,
    Scope,
    Stage,
    _narrow_ids,
    commitments,
    contracts,
    objectives,
)
from .sums import COMMITTED, delivered, lines, verified_by_area_and_measure
from .targets import by_outcome, objectives_summary, targets_progress, targets_total
from .totals import (
    ComplianceTotals,
    ConsultationCounts,
    MeasureTotals,
    ObjectiveCounts,
    ProposalCounts,
    SpendTotals,
    StatusCounts,
    WeightingTotals,
)

__all__ = [
    "BANDS",
    "CENTRAL_MINIMUM",
    "CLAIMED",
    "COMMITTED",
    "DEFINITIONS",
    "MONEY",
    "NARROW",
    "SPEND_STAGES",
    "ZERO",
    "AdoptedProposalRow",
    "AreaRow",
    "AtRiskRow",
    "Compliance",
    "ComplianceTotals",
    "ConsultationCounts",
    "ContractRow",
    "CountRow",
    "MeasureRow",
    "MeasureTotals",
    "NonCompliantRow",
    "ObjectiveCounts",
    "OrganisationRow",
    "OutcomeRow",
    "ProposalCounts",
    "QuarterRow",
    "ReturnStatus",
    "Scope",
    "SpendTotals",
    "Stage",
    "StatusCounts",
    "TargetRow",
    "UnservedObjectiveRow",
    "WeightingTotals",
    "_narrow_ids",
    "average_weighting",
    "band_for",
    "by_area",
    "by_organisation",
    "by_outcome",
    "by_quarter",
    "commitment_statuses",
    "commitments",
    "commitments_at_risk",
    "compliance",
    "consultations_summary",
    "contracts",
    "contracts_with_commitments",
    "definition",
    "delivered",
    "delivery_by_measure",
    "gaps",
    "lines",
    "objectives",
    "objectives_summary",
    "progress_groups",
    "proposals_adopted",
    "proposals_summary",
    "spend_in_scope",
    "targets_progress",
    "targets_total",
    "verified_by_area_and_measure",
    "with_progress",
]
