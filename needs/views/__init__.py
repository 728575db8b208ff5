from .council import NeedsToProposalView, UnmetNeedsView
from .needs import (
    NeedCreateView,
    NeedDetailView,
    NeedFileView,
    NeedHideView,
    NeedListView,
    NeedStepView,
    NeedUnhideView,
    NeedUpdateView,
)
from .pledges import (
    PledgeAcceptView,
    PledgeCreateView,
    PledgeDeclineView,
    PledgeDetailView,
    PledgeListView,
    PledgeReceiptFileView,
    PledgeReceiptView,
    PledgeWithdrawView,
)

__all__ = [
    "NeedCreateView",
    "NeedDetailView",
    "NeedFileView",
    "NeedHideView",
    "NeedListView",
    "NeedStepView",
    "NeedUnhideView",
    "NeedUpdateView",
    "NeedsToProposalView",
    "PledgeAcceptView",
    "PledgeCreateView",
    "PledgeDeclineView",
    "PledgeDetailView",
    "PledgeListView",
    "PledgeReceiptFileView",
    "PledgeReceiptView",
    "PledgeWithdrawView",
    "UnmetNeedsView",
]
