from .consultations import (
    AGREEMENT_SCALE,
    Answer,
    Consultation,
    Option,
    Question,
    RespondentType,
    Response,
    SummaryEntry,
)
from .proposals import (
    Comment,
    Proposal,
    ProposalEvent,
    ProposalFile,
    ProposalLink,
    Support,
    transition_error,
)

__all__ = [
    "AGREEMENT_SCALE",
    "Answer",
    "Comment",
    "Consultation",
    "Option",
    "Proposal",
    "ProposalEvent",
    "ProposalFile",
    "ProposalLink",
    "Question",
    "RespondentType",
    "Response",
    "SummaryEntry",
    "Support",
    "transition_error",
]
