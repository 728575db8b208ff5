"""A contract's reporting periods, and which of them take returns before they end."""

from django.shortcuts import redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import FormView

from people.models import Membership, Organisation
from people.two_factor import two_factor_required_view
from socialvalue.view_bases import ServiceFormMixin

from .. import services
from ..forms import (
    EarlyReturnsForm,
)
from ..models import Contract, ReportingPeriod
from ..querysets import OPEN_STAGES
from .delivery_base import ContractActionMixin

# Reporting periods ----------------------------------------------------------------------------


def _allowing_bodies(contract: Contract, periods) -> dict[int, Organisation]:
    """For each officer who opened a period early: the buying organisation they were an
    officer of when they did (one query for the whole page)."""
    allowed = {p.early_returns_allowed_by_id: p.early_returns_allowed_at for p in periods}
    allowed.pop(None, None)
    if not allowed:
        return {}
    buying = {contract.buyer_id, *(o.pk for o in contract.joint_buyers.all())}
    bodies = {}
    for membership in (
        Membership.objects.filter(
            user_id__in=allowed, organisation_id__in=buying, role=Membership.Role.OFFICER
        )
        .select_related("organisation")
        .order_by("started_at")
    ):
        at = allowed[membership.user_id]
        held = membership.started_at <= at and (
            membership.ended_at is None or membership.ended_at > at
        )
        if held or membership.user_id not in bodies:
            bodies[membership.user_id] = membership.organisation
    return bodies


@method_decorator(two_factor_required_view, name="dispatch")
class ContractPeriodsView(ServiceFormMixin, ContractActionMixin, FormView):
    """The contract's reporting periods, and, for an officer running it, letting returns be
    made for one before it ends, with a reason (`services.period_allow_early_returns`).
    Asks for a code where the place requires it: like verifying, it decides when delivery may
    be counted."""

    template_name = "contracts/contract_periods.html"

    def openable_periods(self):
        """Periods that have not ended and are not open yet, on a contract still taking
        returns; nothing otherwise (so a forged choice is an invalid one)."""
        contract = self.get_contract()
        if contract.stage not in OPEN_STAGES:
            return ReportingPeriod.objects.none()
        return contract.periods.exclude(services.reportable_periods()).order_by("start")

    def get_form(self, form_class=None):
        return EarlyReturnsForm(**self.get_form_kwargs(), periods=self.openable_periods())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contract = self.get_contract()
        periods = list(
            contract.periods.select_related("early_returns_allowed_by").order_by("start")
        )
        bodies = _allowing_bodies(contract, periods)
        today = timezone.localdate()
        context["periods"] = [
            {
                "period": p,
                "ended": services.period_has_ended(p, today),
                "early": bool(p.early_returns_reason),
                "by_body": bodies.get(p.early_returns_allowed_by_id),
            }
            for p in periods
        ]
        context["may_open"] = context["form"].fields["period"].queryset.exists()
        return context

    def perform(self, form):
        return services.period_allow_early_returns(
            period=form.cleaned_data["period"],
            by=self.request.user,
            reason=form.cleaned_data["reason"],
        )

    def success_message(self, period):
        return f"Returns can now be made for {period} before it ends. The supplier sees why"

    def success_redirect(self, _period):
        return redirect("contracts:contract_periods", pk=self.get_contract().pk)
