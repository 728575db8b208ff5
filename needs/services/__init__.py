"""Every write to the needs board: keyword-only, one transaction each, checked against the
named rules in `permissions.py`, every step recorded with who and when."""

from ..selectors import still_needed
from .needs import (
    need_add_files,
    need_create,
    need_hide,
    need_transition,
    need_unhide,
    need_update,
)
from .pledges import (
    pledge_accept,
    pledge_confirm_receipt,
    pledge_decline,
    pledge_make,
    pledge_message,
    pledge_withdraw,
)
from .proposals import needs_to_proposal

__all__ = [
    "need_add_files",
    "need_create",
    "need_hide",
    "need_transition",
    "need_unhide",
    "need_update",
    "needs_to_proposal",
    "pledge_accept",
    "pledge_confirm_receipt",
    "pledge_decline",
    "pledge_make",
    "pledge_message",
    "pledge_withdraw",
    "still_needed",
]
