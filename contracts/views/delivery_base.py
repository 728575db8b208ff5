"""What the award, commitment and return pages share: the tag colours, the scoped querysets (what
the user may see, and nothing else), and the mixin that loads a contract through `visible_to`
(404 when hidden) and then checks the rule (403)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404

from socialvalue.rules import allowed

from ..models import Commitment, Contract, DeliveryReturn, EvidenceFile

Stage = Contract.Stage
Status = DeliveryReturn.Status
STATUS_TAG_CLASSES = {
    "complete": "govuk-tag--green",
    "on_track": "govuk-tag--blue",
    "behind": "govuk-tag--yellow",
    "at_risk": "govuk-tag--red",
}
RETURN_TAG_CLASSES = {
    Status.SUBMITTED: "govuk-tag--blue",
    Status.QUERIED: "govuk-tag--yellow",
    Status.VERIFIED: "govuk-tag--green",
    Status.REJECTED: "govuk-tag--red",
}


# Scoped querysets: what the user may see, and nothing else --------------------------------------


def _contracts(user):
    return Contract.objects.visible_to(user)


def _commitments(user):
    return Commitment.objects.filter(contract__in=_contracts(user))


def _returns(user):
    return DeliveryReturn.objects.filter(commitment__contract__in=_contracts(user))


def _evidence_files(user):
    """Narrower than the returns a user sees: leaders see a return, not its files."""
    return EvidenceFile.objects.filter(
        delivery_return__in=DeliveryReturn.objects.evidence_downloadable_by(user)
    )


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """A service's field names, translated to the form's."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(field, field): e for field, e in error.error_dict.items()})


# Mixins ---------------------------------------------------------------------------------------


class ContractActionMixin:
    """Loads the contract through `visible_to` (404 when hidden), then checks the rule (403)."""

    permission_rule = "contracts.manage_contract"

    def get_contract(self) -> Contract:
        if not hasattr(self, "_contract"):
            self._contract = get_object_or_404(
                _contracts(self.request.user)
                .select_related("buyer", "place", "supplier")
                .prefetch_related("joint_buyers", "subcontractors", "award_suppliers"),
                pk=self.kwargs["pk"],
            )
        return self._contract

    def dispatch(self, request, *args, **kwargs):
        self.request, self.kwargs = request, kwargs
        if not allowed(request.user, self.permission_rule, self.get_contract()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "contract": self.get_contract()}
