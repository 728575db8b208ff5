"""Award and the supply chain: the award itself, suppliers added to an award, subcontractors, KPIs
and performance ratings. Each form hands its values to one service in `contracts.services` and
redirects."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.views.generic import FormView

from people.models import Organisation
from socialvalue.forms import apply_validation_error

from .. import services
from ..forms import (
    AwardForm,
    AwardSupplierForm,
    KpiForm,
    RatingForm,
    SubcontractorForm,
)
from ..models import Contract
from .delivery_base import ContractActionMixin, _renamed


def _supplier_from(form, by) -> Organisation:
    """The chosen organisation, or a new supplier registered from the form's inline fields."""
    new = form.new_supplier_kwargs()
    if new is None:
        return form.cleaned_data["existing"]
    return services.supplier_create(by=by, **new)


SUPPLIER_FIELDS = {"name": "new_name", "size": "new_size", "identifier": "new_identifier"}


class AwardView(ContractActionMixin, FormView):
    template_name = "contracts/award_form.html"

    def get_form(self, form_class=None):
        return AwardForm(**self.get_form_kwargs(), contract=self.get_contract())

    def form_valid(self, form):
        contract, data = self.get_contract(), form.cleaned_data
        try:
            with transaction.atomic():  # a new supplier is kept only if the award succeeds
                supplier = _supplier_from(form, self.request.user)
                services.contract_award(
                    contract=contract,
                    by=self.request.user,
                    supplier=supplier,
                    award_value=data["award_value"],
                    awarded_on=data["awarded_on"],
                    contract_start=data["contract_start"],
                    contract_end=data["contract_end"],
                )
        except ValidationError as error:
            apply_validation_error(form, _renamed(error, SUPPLIER_FIELDS))
            return self.form_invalid(form)
        messages.success(
            self.request, f"{contract.reference} awarded to {supplier}. Now add its commitments"
        )
        return redirect(contract)


class SupplyChainAddView(ContractActionMixin, FormView):
    """Add an organisation to the contract's supply chain: a chosen one, or a new supplier
    registered from the form (kept only if the service accepts it)."""

    form_class = None
    added = ""

    def get_form(self, form_class=None):
        return self.form_class(**self.get_form_kwargs(), contract=self.get_contract())

    def add(self, contract: Contract, organisation: Organisation, form) -> None:
        """Each page (subcontractor, delivery partner…) calls its service to add `organisation`
        to the contract; a base with no service of its own is never routed."""
        raise NotImplementedError(f"{type(self).__name__} must say which service it calls")

    def form_valid(self, form):
        contract = self.get_contract()
        try:
            with transaction.atomic():
                organisation = _supplier_from(form, self.request.user)
                self.add(contract, organisation, form)
        except ValidationError as error:
            apply_validation_error(
                form, _renamed(error, {**SUPPLIER_FIELDS, "organisation": "existing"})
            )
            return self.form_invalid(form)
        messages.success(self.request, f"{organisation} {self.added}")
        return redirect(contract)


class SubcontractorCreateView(SupplyChainAddView):
    template_name = "contracts/subcontractor_form.html"
    form_class = SubcontractorForm
    added = "added as a subcontractor"

    def add(self, contract, organisation, form):
        services.subcontractor_add(
            contract=contract, organisation=organisation, by=self.request.user
        )


class AwardSupplierCreateView(SupplyChainAddView):
    """Name another supplier on the award (a framework or a joint award)."""

    template_name = "contracts/award_supplier_form.html"
    form_class = AwardSupplierForm
    added = "added to the award"

    def add(self, contract, organisation, form):
        services.award_supplier_add(
            contract=contract,
            organisation=organisation,
            by=self.request.user,
            value=form.cleaned_data["value"],
        )


class KpiCreateView(ContractActionMixin, FormView):
    template_name = "contracts/kpi_form.html"
    form_class = KpiForm

    def form_valid(self, form):
        contract = self.get_contract()
        try:
            services.kpi_add(contract=contract, by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Key performance indicator added")
        return redirect(contract)


class RatingCreateView(ContractActionMixin, FormView):
    template_name = "contracts/rating_form.html"
    form_class = RatingForm

    def form_valid(self, form):
        contract = self.get_contract()
        try:
            record = services.performance_rate(
                contract=contract, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Performance rated {record.get_rating_display()}")
        return redirect(contract)
