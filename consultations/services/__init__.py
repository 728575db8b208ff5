"""Every write to proposals and consultations goes through these functions."""

from .consultation_responses import *  # noqa: F403
from .consultation_responses import __all__ as _consultation_responses
from .consultations import *  # noqa: F403
from .consultations import __all__ as _consultations
from .proposal_common import submission_error
from .proposal_review import *  # noqa: F403
from .proposal_review import __all__ as _proposal_review
from .proposal_voice import *  # noqa: F403
from .proposal_voice import __all__ as _proposal_voice
from .proposals import *  # noqa: F403
from .proposals import __all__ as _proposals

__all__ = [
    *_consultations,
    *_consultation_responses,
    *_proposals,
    *_proposal_review,
    *_proposal_voice,
    "submission_error",
]
