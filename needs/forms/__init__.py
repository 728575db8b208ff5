from .needs import HideNeedForm, NeedForm, StepForm
from .pledges import DeclineForm, MessageForm, PledgeForm, ReceiptForm

__all__ = [
    "DeclineForm",
    "HideNeedForm",
    "MessageForm",
    "NeedForm",
    "PledgeForm",
    "ReceiptForm",
    "StepForm",
]
