from .consultation_responses import *  # noqa: F403
from .consultations import *  # noqa: F403
from .proposal_review import *  # noqa: F403
from .proposal_voice import *  # noqa: F403
from .proposals import *  # noqa: F403
