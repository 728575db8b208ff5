"""The community needs board: needs posted by VCS groups and social enterprises, the steps of
their life, their files, and the pledges suppliers make to meet them."""

from .needs import Need, NeedFile, NeedStep
from .pledges import Pledge, PledgeMessage

__all__ = ["Need", "NeedFile", "NeedStep", "Pledge", "PledgeMessage"]
