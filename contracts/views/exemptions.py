"""Exemptions from the Act on a contract: proposed by one person, confirmed or declined by a
second."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views.generic import FormView

from people.two_factor import two_factor_required_view
from socialvalue.rules import allowed
from socialvalue.view_bases import ServiceFormMixin

from .. import services
from ..forms import (
    ExemptionDecisionForm,
    ExemptionForm,
)
from ..models import Exemption, ExemptionThreshold
from .pipeline import ContractScopedMixin


class ContractExemptionView(ServiceFormMixin, ContractScopedMixin, FormView):
    """Propose that the Act does not apply. A second person confirms or declines it."""

    template_name = "contracts/contract_exemption.html"
    permission_rule = "contracts.propose_exemption"

    def get(self, request, *args, **kwargs):
        if self.get_contract().exemptions.filter(status=Exemption.Status.PROPOSED).exists():
            messages.info(request, "An exemption is already waiting for confirmation")
            return redirect(self.get_contract())
        return super().get(request, *args, **kwargs)

    def get_form(self, form_class=None):
        contract = self.get_contract()
        self.threshold = ExemptionThreshold.current_for(contract.buyer)
        return ExemptionForm(
            **self.get_form_kwargs(),
            contract=contract,
            user=self.request.user,
            threshold=self.threshold,
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "threshold": self.threshold}

    def perform(self, form):
        return services.exemption_propose(
            contract=self.get_contract(), by=self.request.user, **form.cleaned_data
        )

    def success_message(self, _exemption):
        return "Exemption proposed. It counts once a second person with authority confirms it"

    def success_redirect(self, _exemption):
        return redirect(self.get_contract())


@method_decorator(two_factor_required_view, name="dispatch")
class ExemptionDecideView(ServiceFormMixin, ContractScopedMixin, FormView):
    """Confirm or decline the contract's proposed exemption, under the sign-off rule."""

    template_name = "contracts/exemption_decide.html"
    permission_rule = "contracts.view_contract"
    form_class = ExemptionDecisionForm

    def get_exemption(self) -> Exemption:
        if not hasattr(self, "_exemption"):
            self._exemption = get_object_or_404(
                self.get_contract()
                .exemptions.filter(status=Exemption.Status.PROPOSED)
                .select_related("proposed_by", "framework_contract", "threshold"),
            )
            self._exemption.contract = self.get_contract()
        return self._exemption

    def dispatch(self, request, *args, **kwargs):
        self.request, self.kwargs = request, kwargs
        if request.user.is_authenticated:
            self.get_contract()  # 404 before anything else when it is hidden
            if not allowed(request.user, "contracts.decide_exemption", self.get_exemption()):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "exemption": self.get_exemption()}

    def perform(self, form):
        exemption, by = self.get_exemption(), self.request.user
        self.decision = form.cleaned_data["decision"]
        if self.decision == "confirm":
            return services.exemption_confirm(exemption=exemption, by=by)
        return services.exemption_decline(
            exemption=exemption, by=by, reason=form.cleaned_data["reason"]
        )

    def success_message(self, _exemption):
        if self.decision == "confirm":
            return (
                "Exemption confirmed. The contract is out of the Act's scope and may move to "
                "procurement"
            )
        return "Exemption declined. The contract stays under the Act"

    def success_redirect(self, _exemption):
        return redirect(self.get_contract())
