"""What every contracts service shares: the stage names, recording who acted in the history, and
moving a contract to a stage with its rules checked, and its quarterly reporting periods made
once it has a contract period."""

from django.utils import timezone

from people.models import User

from ..models import (
    Contract,
    ReportingPeriod,
)
from .periods import quarters

Stage = Contract.Stage


def _by(instance, user):
    instance._history_user = user
    return instance


def _set_stage(contract: Contract, stage: str, by: User) -> None:
    contract.stage = stage
    contract.stage_changed_at = timezone.now()
    contract.full_clean()
    _by(contract, by).save()


def _ensure_periods(contract: Contract) -> int:
    """Quarterly reporting periods over the contract period, when it has one and none yet."""
    if not (contract.contract_start and contract.contract_end) or contract.periods.exists():
        return 0
    periods = [
        ReportingPeriod(contract=contract, start=start, end=end)
        for start, end in quarters(contract.contract_start, contract.contract_end)
    ]
    ReportingPeriod.objects.bulk_create(periods)
    return len(periods)
