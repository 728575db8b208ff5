"""Every write to proposals and consultations goes through these functions."""

from .consultations import *  # noqa: F403
from .consultations import __all__ as _consultations
from .proposals import *  # noqa: F403
from .proposals import __all__ as _proposals

__all__ = [*_consultations, *_proposals]
