"""Award, commitments and delivery returns, named in one place for `contracts.urls.delivery`
and whoever imports them from here; each family lives in its own module (`supply_chain`,
`commitments`, `periods`, `returns`, `return_decisions`, `return_list`, and the shared
`delivery_base`).

Every object is fetched through `Contract.objects.visible_to(user)`, so what a user may not see
is a 404; what they may see but not do is a 403 from the named rule in `contracts.permissions`.
Each form hands its values to one service in `contracts.services` and redirects.
"""

from .commitments import (
    CommitmentCreateView,
    CommitmentDetailView,
    CommitmentRecoveryView,
    delivery_context,
)
from .delivery_base import RETURN_TAG_CLASSES, STATUS_TAG_CLASSES, ContractActionMixin
from .periods import ContractPeriodsView
from .return_decisions import (
    ReturnActionView,
    ReturnAnswerView,
    ReturnDetailView,
    ReturnQueryView,
    ReturnRejectView,
    ReturnVerifyView,
)
from .return_list import ReturnListView
from .returns import EvidenceDownloadView, ReturnConfirmSupportView, ReturnCreateView
from .supply_chain import (
    AwardSupplierCreateView,
    AwardView,
    KpiCreateView,
    RatingCreateView,
    SubcontractorCreateView,
    SupplyChainAddView,
)

__all__ = [
    "RETURN_TAG_CLASSES",
    "STATUS_TAG_CLASSES",
    "AwardSupplierCreateView",
    "AwardView",
    "CommitmentCreateView",
    "CommitmentDetailView",
    "CommitmentRecoveryView",
    "ContractActionMixin",
    "ContractPeriodsView",
    "EvidenceDownloadView",
    "KpiCreateView",
    "RatingCreateView",
    "ReturnActionView",
    "ReturnAnswerView",
    "ReturnConfirmSupportView",
    "ReturnCreateView",
    "ReturnDetailView",
    "ReturnListView",
    "ReturnQueryView",
    "ReturnRejectView",
    "ReturnVerifyView",
    "SubcontractorCreateView",
    "SupplyChainAddView",
    "delivery_context",
]
