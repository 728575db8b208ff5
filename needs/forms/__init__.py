from .needs import HideNeedForm, NeedForm, ProposeForm, StepForm
from .pledges import DeclineForm, MessageForm, PledgeForm, ReceiptForm

__all__ = [
    "DeclineForm",
    "HideNeedForm",
    "MessageForm",
    "NeedForm",
    "PledgeForm",
    "ProposeForm",
    "ReceiptForm",
    "StepForm",
]
