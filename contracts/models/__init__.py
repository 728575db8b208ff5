"""Contracts: the pipeline, the section 1 social impact assessment, award commitments and
verified delivery, one module per family (contracts and their ratings, assessments, delivery,
the ledger, OCDS imports, governance). Import models from here (`contracts.models`), as
migrations and other apps do.

Section 1 of the Public Services (Social Value) Act 2012 requires the authority to *consider*
well-being, how to secure it, and whether to consult, *before* procurement starts. The legal
evidence is a dated, approved assessment made before the start date. Contracts record both, and
whether the order was right, in `s1_compliance`.
"""

from .assessments import Assessment
from .common import (
    CENTRAL_GOVERNMENT_MINIMUM_WEIGHTING,
    FIVE_MILLION,
    SUPPLIER_KINDS,
    LoadedStatusMixin,
    cpv_validator,
)
from .contracts import Contract, KeyPerformanceIndicator, PerformanceAssessment
from .delivery import Commitment, DeliveryReturn, ReportingPeriod
from .governance import (
    ArrangementMember,
    Exemption,
    ExemptionThreshold,
    JointArrangement,
    JointArrangementQuerySet,
)
from .ledger import ClaimKey, DeliveryTotal, EvidenceFile, LedgerEntry, ObjectiveDelivery
from .ocds import AwardSupplier, BuyerAlias, OcdsImport, normalise_identifier, normalise_name

__all__ = [
    "CENTRAL_GOVERNMENT_MINIMUM_WEIGHTING",
    "FIVE_MILLION",
    "SUPPLIER_KINDS",
    "ArrangementMember",
    "Assessment",
    "AwardSupplier",
    "BuyerAlias",
    "ClaimKey",
    "Commitment",
    "Contract",
    "DeliveryReturn",
    "DeliveryTotal",
    "EvidenceFile",
    "Exemption",
    "ExemptionThreshold",
    "JointArrangement",
    "JointArrangementQuerySet",
    "KeyPerformanceIndicator",
    "LedgerEntry",
    "LoadedStatusMixin",
    "ObjectiveDelivery",
    "OcdsImport",
    "PerformanceAssessment",
    "ReportingPeriod",
    "cpv_validator",
    "normalise_identifier",
    "normalise_name",
]
