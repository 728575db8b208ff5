from .consultations import *  # noqa: F403
from .proposals import *  # noqa: F403
