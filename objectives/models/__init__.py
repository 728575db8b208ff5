"""Outcomes frameworks and the register of objectives, one module per family. Import models
from here (`objectives.models`), as migrations and other apps do."""

from .frameworks import (
    Dimension,
    DimensionsMixin,
    Framework,
    Measure,
    Outcome,
    Theme,
    code_order,
)
from .objectives import EvidenceLink, Objective, Target

__all__ = [
    "Dimension",
    "DimensionsMixin",
    "EvidenceLink",
    "Framework",
    "Measure",
    "Objective",
    "Outcome",
    "Target",
    "Theme",
    "code_order",
]
