"""Commitments: the delivery section of the contract page, adding a commitment, and a commitment's
own page with its recovery action.

`delivery_context(contract, user)` feeds the delivery section of the contract page
(`contracts/_delivery.html`) at a fixed number of queries, however many commitments there are."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, FormView

from socialvalue.rules import allowed
from socialvalue.view_bases import ServiceFormMixin

from .. import double_counting, progress, services
from ..forms import (
    CommitmentForm,
    RecoveryActionForm,
)
from ..models import Commitment, Contract, DeliveryReturn
from ..querysets import OPEN_STAGES
from .delivery_base import (
    RETURN_TAG_CLASSES,
    STATUS_TAG_CLASSES,
    ContractActionMixin,
    Stage,
    _commitments,
)

# Named read rules -----------------------------------------------------------------------------


def _commitment_row(commitment: Commitment) -> dict:
    """What a table row or the commitment page shows: counts first, £ beside them. The
    commitment is annotated by `progress.with_progress` (its status is the one rule's)."""
    verified = commitment.verified
    status = commitment.status
    proxy = commitment.proxy_value
    return {
        "commitment": commitment,
        "verified": verified,
        "claimed": commitment.claimed,
        "expected": progress.expected_amount(commitment.expected),
        "status": status,
        "status_label": progress.STATUS_LABELS[status],
        "status_class": STATUS_TAG_CLASSES[status],
        "needs_recovery": status in progress.NEEDS_RECOVERY,
        "value": commitment.committed_value,
        "verified_value": (verified * proxy).quantize(Decimal("0.01"))
        if proxy is not None
        else None,
    }


def delivery_context(contract: Contract, user) -> dict:
    """The delivery section of the contract page: award, supply chain, KPIs, rating,
    commitments with verified and claimed delivery, and possible double counting.

    Returns {"delivery_template": "contracts/_delivery.html", "delivery": {...}}: the page
    includes the template, which reads only `delivery`. Costs the same number of queries for 1
    commitment or 100."""
    prefetch_related_objects(
        [contract], "joint_buyers", "subcontractors", "award_suppliers__organisation"
    )
    today = timezone.localdate()
    may_manage = allowed(user, "contracts.manage_contract", contract)
    commitments = list(
        progress.with_progress(Commitment.objects.current().filter(contract=contract), today)
        .select_related("measure", "area", "area__parent", "objective", "delivered_by")
        .order_by("pk")
    )
    for commitment in commitments:
        commitment.contract = contract  # the rules below read it: no query per row
    rows = [_commitment_row(c) for c in commitments]
    on_award = services.award_supplier_ids(contract)
    for row in rows:
        row["may_submit"] = allowed(user, "contracts.submit_return", row["commitment"])
        row["by_subcontractor"] = row["commitment"].delivered_by_id not in on_award
    warnings = double_counting.warnings_for(commitments) if may_manage else {}
    for row in rows:
        row["warnings"] = double_counting.sentences(warnings.get(row["commitment"].pk, []))
    kpis = list(contract.kpis.all())
    is_open = contract.stage in OPEN_STAGES
    total_value = sum((r["value"] for r in rows if r["value"] is not None), Decimal("0"))
    return {
        "delivery_template": "contracts/_delivery.html",
        "delivery": {
            "contract": contract,
            "supplier": contract.supplier,
            "award_suppliers": list(contract.award_suppliers.all()),
            "subcontractors": list(contract.subcontractors.all()),
            "kpis": kpis,
            "needs_kpis": contract.needs_kpis,
            "kpis_missing": max(0, 3 - len(kpis)) if contract.needs_kpis else 0,
            "latest_rating": contract.performance_assessments.select_related("assessed_by")
            .order_by("-period_end")
            .first(),
            "rows": rows,
            "warning_rows": [r for r in rows if r["warnings"]],
            "total_value": total_value,
            "has_values": any(r["value"] is not None for r in rows),
            "may_manage": may_manage,
            "may_award": may_manage and contract.stage == Stage.PROCUREMENT_STARTED,
            "may_change_supply_chain": may_manage and is_open,
            "may_rate": may_manage and contract.stage in (*OPEN_STAGES, Stage.CLOSED),
            "may_submit_any": any(r["may_submit"] for r in rows),
        },
    }


class CommitmentCreateView(ServiceFormMixin, ContractActionMixin, FormView):
    template_name = "contracts/commitment_form.html"

    # What "Save and add another" carries to the next form (form field: model column): where,
    # for what, who and when; the measure and quantity are chosen afresh.
    CARRIED = {
        "area": "area_id",
        "objective": "objective_id",
        "delivered_by": "delivered_by_id",
        "start_date": "start_date",
        "due_date": "due_date",
        "schedule": "schedule",
    }

    def get_initial(self):
        """After "Save and add another" (`?from=<commitment>` of this contract), the saved
        commitment's area, objective, supplier and dates."""
        initial = super().get_initial()
        previous = self.request.GET.get("from", "")
        if previous.isdigit():
            saved = (
                Commitment.objects.filter(contract=self.get_contract(), pk=int(previous))
                .values(*self.CARRIED.values())
                .first()
            )
            if saved:
                initial.update({field: saved[column] for field, column in self.CARRIED.items()})
        return initial

    def get_form(self, form_class=None):
        return CommitmentForm(**self.get_form_kwargs(), contract=self.get_contract())

    def _adding_another(self) -> bool:
        return CommitmentForm.ANOTHER in self.request.POST

    def perform(self, form):
        return services.commitment_add(
            contract=self.get_contract(), by=self.request.user, **form.cleaned_data
        )

    def success_message(self, commitment):
        if self._adding_another():
            text = f"Commitment saved: {commitment.measure.name}. Add another"
            if double_counting.warnings_for_one(commitment):
                text += ". The one saved may overlap with another commitment: check its page"
            return text
        text = "Commitment saved"
        if double_counting.warnings_for_one(commitment):
            text += ". It may overlap with another commitment: check the warning below"
        return text

    def success_redirect(self, commitment):
        if self._adding_another():
            url = reverse("contracts:commitment_create", kwargs={"pk": commitment.contract_id})
            return redirect(f"{url}?from={commitment.pk}")
        return redirect("contracts:commitment_detail", pk=commitment.pk)


# Commitment page ------------------------------------------------------------------------------


class CommitmentDetailView(DetailView):
    """Counts first: the commitment, its derived £ (with source and year), verified and claimed
    delivery, status against the pro-rata expectation, and its returns."""

    template_name = "contracts/commitment_detail.html"
    context_object_name = "commitment"

    def get_queryset(self):
        return (
            progress.with_progress(_commitments(self.request.user), timezone.localdate())
            .select_related(
                "contract",
                "contract__supplier",
                "measure",
                "area",
                "area__parent",
                "objective",
                "delivered_by",
            )
            .prefetch_related(
                "contract__joint_buyers",
                "contract__subcontractors",
                "contract__award_suppliers",
                Prefetch(
                    "returns",
                    queryset=DeliveryReturn.objects.select_related(
                        "period", "submitted_by"
                    ).order_by("-period__start"),
                ),
            )
        )

    def recovery_form(self, data=None):
        return RecoveryActionForm(data, commitment=self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        commitment, user = self.object, self.request.user
        row = _commitment_row(commitment)
        may_manage = allowed(user, "contracts.manage_contract", commitment.contract)
        may_submit = allowed(user, "contracts.submit_return", commitment)
        may_recover = may_submit and (row["needs_recovery"] or bool(commitment.recovery_action))
        context.update(
            row=row,
            contract=commitment.contract,
            by_subcontractor=commitment.delivered_by_id
            not in services.award_supplier_ids(commitment.contract),
            returns=[
                {"r": r, "tag": RETURN_TAG_CLASSES[r.status]} for r in commitment.returns.all()
            ],
            may_submit=may_submit,
            warnings=double_counting.sentences(double_counting.warnings_for_one(commitment))
            if may_manage
            else [],
            recovery_form=kwargs.get("recovery_form")
            or (self.recovery_form() if may_recover else None),
        )
        return context


class CommitmentRecoveryView(CommitmentDetailView):
    """Record what will be done when a commitment is behind or at risk."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not allowed(request.user, "contracts.submit_return", self.object):
            raise PermissionDenied
        form = self.recovery_form(request.POST)
        if form.is_valid():
            services.commitment_set_recovery_action(
                commitment=self.object, by=request.user, action=form.cleaned_data["action"]
            )
            messages.success(request, "Recovery action saved")
            return redirect("contracts:commitment_detail", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(recovery_form=form, form=form))
