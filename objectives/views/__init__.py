from .frameworks import *  # noqa: F403
from .objective_edit import *  # noqa: F403
from .objectives import *  # noqa: F403
