"""Writes to contracts, assessments, commitments, returns and the records that say who decides
for a public body, one module per family (contracts through the pipeline, reporting periods,
award, assessments, suppliers and commitments, delivery returns, confirmed support,
governance). Import from here (`contracts.services`); every public name is re-exported.

Each function is keyword-only, runs in one transaction, validates with the models' rules, and
records who acted in the history. The named business rules are functions with docstrings:
`procurement_start_gate`, `compliance_for`. The double-count rule is `contracts.double_counting`;
a commitment's status is `contracts.progress`'s one rule, in SQL.
"""

from .assessments import (
    SECTION_FIELDS,
    assessment_approve,
    assessment_reopen,
    assessment_return,
    assessment_save_section,
    assessment_start,
    assessment_submit,
    section_problems,
    submission_problems,
)
from .award import (
    AwardedSupplier,
    award_supplier_add,
    award_supplier_ids,
    contract_award,
    contract_award_amend,
)
from .commitments import (
    commitment_add,
    commitment_set_recovery_action,
    kpi_add,
    performance_rate,
    subcontractor_add,
    supplier_create,
)
from .common import (
    Stage,
)
from .contracts import (
    TRANSITIONS,
    approved_assessment,
    compliance_for,
    contract_advance,
    contract_cancel,
    contract_create,
    contract_record_procurement_start,
    contract_start_procurement,
    contract_update,
    procurement_start_gate,
)
from .governance import (
    arrangement_confirm,
    arrangement_decline,
    arrangement_end,
    arrangement_record,
    arrangement_update,
    exemption_confirm,
    exemption_decline,
    exemption_propose,
    threshold_set,
)
from .periods import (
    period_allow_early_returns,
    period_has_ended,
    period_of,
    quarters,
    reportable_periods,
)
from .returns import (
    quantity_above_remaining,
    return_answer,
    return_query,
    return_reject,
    return_submit,
    return_verify,
    return_verify_refusal,
)
from .support import return_add_confirmed_support, return_confirm_support

__all__ = [
    "SECTION_FIELDS",
    "TRANSITIONS",
    "AwardedSupplier",
    "Stage",
    "approved_assessment",
    "arrangement_confirm",
    "arrangement_decline",
    "arrangement_end",
    "arrangement_record",
    "arrangement_update",
    "assessment_approve",
    "assessment_reopen",
    "assessment_return",
    "assessment_save_section",
    "assessment_start",
    "assessment_submit",
    "award_supplier_add",
    "award_supplier_ids",
    "commitment_add",
    "commitment_set_recovery_action",
    "compliance_for",
    "contract_advance",
    "contract_award",
    "contract_award_amend",
    "contract_cancel",
    "contract_create",
    "contract_record_procurement_start",
    "contract_start_procurement",
    "contract_update",
    "exemption_confirm",
    "exemption_decline",
    "exemption_propose",
    "kpi_add",
    "performance_rate",
    "period_allow_early_returns",
    "period_has_ended",
    "period_of",
    "procurement_start_gate",
    "quantity_above_remaining",
    "quarters",
    "reportable_periods",
    "return_add_confirmed_support",
    "return_answer",
    "return_confirm_support",
    "return_query",
    "return_reject",
    "return_submit",
    "return_verify",
    "return_verify_refusal",
    "section_problems",
    "subcontractor_add",
    "submission_problems",
    "supplier_create",
    "threshold_set",
]
