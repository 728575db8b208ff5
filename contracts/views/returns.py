"""Delivery returns made: the return form, a partner confirming support, and evidence files
downloaded by those who may see them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import FormView

from people.permissions import organisation_ids
from socialvalue.files import serve_private_file
from socialvalue.kept_uploads import KeepUploadsViewMixin
from socialvalue.rules import allowed
from socialvalue.view_bases import ServiceFormMixin

from .. import services
from ..forms import (
    ConfirmSupportForm,
    ReturnForm,
)
from ..models import Commitment, DeliveryReturn
from ..querysets import OPEN_STAGES
from .delivery_base import _commitments, _contracts, _evidence_files

# Returns --------------------------------------------------------------------------------------


class ReturnCreateView(ServiceFormMixin, KeepUploadsViewMixin, FormView):
    """A supplier contact (or an officer) reports the quantity delivered in one period."""

    template_name = "contracts/return_form.html"

    def get_commitment(self) -> Commitment:
        if not hasattr(self, "_commitment"):
            self._commitment = get_object_or_404(
                _commitments(self.request.user)
                .current()
                .select_related(
                    "contract", "contract__place", "measure", "area", "objective", "delivered_by"
                )
                .prefetch_related("contract__joint_buyers"),
                pk=self.kwargs["pk"],
            )
        return self._commitment

    def dispatch(self, request, *args, **kwargs):
        self.request, self.kwargs = request, kwargs
        commitment = self.get_commitment()
        contract = commitment.contract
        if contract.stage not in OPEN_STAGES:
            messages.error(
                request,
                f"The contract is {contract.get_stage_display().lower()}: returns are no "
                "longer taken",
            )
            return redirect("contracts:commitment_detail", pk=commitment.pk)
        if not allowed(request.user, "contracts.submit_return", commitment):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("period", "").isdigit():
            initial["period"] = int(self.request.GET["period"])
        return initial

    def get_form(self, form_class=None):
        return ReturnForm(**self.get_form_kwargs(), commitment=self.get_commitment())

    def get_context_data(self, **kwargs):
        commitment = self.get_commitment()
        return {
            **super().get_context_data(**kwargs),
            "commitment": commitment,
            "contract": commitment.contract,
        }

    def perform(self, form):
        """The submitted return. When the service asks for the quantity to be confirmed, the
        form gains the checkbox its question is shown on."""
        data = form.cleaned_data
        try:
            return services.return_submit(
                commitment=self.get_commitment(),
                by=self.request.user,
                period=data["period"],
                quantity=data["quantity"],
                evidence_text=data["evidence_text"],
                attested=data["attested"],
                beneficiary_references=data["beneficiary_references"],
                supported_group=data["supported_group"],
                files=form.evidence_files(),
                quantity_confirmed=form.quantity_confirmed(),
            )
        except ValidationError as error:
            form.ask_to_confirm_quantity(error)
            raise

    def success_message(self, delivery_return):
        return f"Return submitted for {delivery_return.period}. An officer will verify it"

    def success_redirect(self, delivery_return):
        return redirect("contracts:return_detail", pk=delivery_return.pk)


class ReturnConfirmSupportView(ServiceFormMixin, FormView):
    """The community group named as supported confirms it received the support. Its members
    cannot see the contract, so this page shows only what they need to confirm."""

    template_name = "contracts/return_confirm.html"
    form_class = ConfirmSupportForm

    def get_return(self) -> DeliveryReturn:
        if not hasattr(self, "_return"):
            user = self.request.user
            self._return = get_object_or_404(
                DeliveryReturn.objects.filter(
                    Q(commitment__contract__in=_contracts(user))
                    | Q(supported_group_id__in=organisation_ids(user))
                ).select_related(
                    "commitment__measure",
                    "commitment__delivered_by",
                    "commitment__area",
                    "period",
                    "supported_group",
                    "group_confirmed_by",
                ),
                pk=self.kwargs["pk"],
            )
        return self._return

    def dispatch(self, request, *args, **kwargs):
        self.request, self.kwargs = request, kwargs
        if not allowed(request.user, "contracts.view_support_to_confirm", self.get_return()):
            raise PermissionDenied
        self.may_confirm = allowed(request.user, "contracts.confirm_support", self.get_return())
        if request.method == "POST" and not self.may_confirm:
            raise PermissionDenied  # queried or rejected: nothing to confirm
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return super().get_form(form_class) if self.may_confirm else None

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "delivery_return": self.get_return()}

    def perform(self, form):
        return services.return_confirm_support(
            delivery_return=self.get_return(), by=self.request.user
        )

    def success_message(self, _result):
        return "Thank you. You have confirmed you received this support"

    def success_redirect(self, _result):
        return redirect("contracts:return_confirm", pk=self.get_return().pk)


class EvidenceDownloadView(View):
    """An evidence file, to those the rule `contracts.download_evidence` allows; 404 to
    everyone else, including leaders who may see the return itself."""

    def get(self, request, pk):
        evidence = get_object_or_404(
            _evidence_files(request.user).select_related("delivery_return__commitment__contract"),
            pk=pk,
        )
        if not allowed(request.user, "contracts.download_evidence", evidence.delivery_return):
            raise PermissionDenied
        return serve_private_file(evidence.file, download_name=evidence.original_name)
