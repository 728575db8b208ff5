"""Award and the supply chain: the award itself, suppliers added to an award, subcontractors, KPIs
and performance ratings. Each form hands its values to one service in `contracts.services` and
redirects."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.views.generic import FormView

from people.models import Organisation
from socialvalue.view_bases import ServiceFormMixin

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


class AwardView(ServiceFormMixin, ContractActionMixin, FormView):
    template_name = "contracts/award_form.html"

    def get_form(self, form_class=None):
        return AwardForm(**self.get_form_kwargs(), contract=self.get_contract())

    def perform(self, form):
        """The awarded contract; the service's field names for a new supplier are given the
        form's, so its refusal shows on the inline fields."""
        data = form.cleaned_data
        try:
            with transaction.atomic():  # a new supplier is kept only if the award succeeds
                return services.contract_award(
                    contract=self.get_contract(),
                    by=self.request.user,
                    supplier=_supplier_from(form, self.request.user),
                    award_value=data["award_value"],
                    awarded_on=data["awarded_on"],
                    contract_start=data["contract_start"],
                    contract_end=data["contract_end"],
                )
        except ValidationError as error:
            raise _renamed(error, SUPPLIER_FIELDS) from None

    def success_message(self, contract):
        return f"{contract.reference} awarded to {contract.supplier}. Now add its commitments"


class SupplyChainAddView(ServiceFormMixin, ContractActionMixin, FormView):
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

    def perform(self, form):
        """The organisation added (through `add`); the service's field names are given the
        form's, so its refusal shows on the field the person filled in."""
        try:
            with transaction.atomic():
                organisation = _supplier_from(form, self.request.user)
                self.add(self.get_contract(), organisation, form)
        except ValidationError as error:
            raise _renamed(error, {**SUPPLIER_FIELDS, "organisation": "existing"}) from None
        return organisation

    def success_message(self, organisation):
        return f"{organisation} {self.added}"

    def success_redirect(self, _organisation):
        return redirect(self.get_contract())


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


class KpiCreateView(ServiceFormMixin, ContractActionMixin, FormView):
    template_name = "contracts/kpi_form.html"
    form_class = KpiForm

    def perform(self, form):
        return services.kpi_add(
            contract=self.get_contract(), by=self.request.user, **form.cleaned_data
        )

    def success_message(self, _kpi):
        return "Key performance indicator added"

    def success_redirect(self, _kpi):
        return redirect(self.get_contract())


class RatingCreateView(ServiceFormMixin, ContractActionMixin, FormView):
    template_name = "contracts/rating_form.html"
    form_class = RatingForm

    def perform(self, form):
        return services.performance_rate(
            contract=self.get_contract(), by=self.request.user, **form.cleaned_data
        )

    def success_message(self, record):
        return f"Performance rated {record.get_rating_display()}"

    def success_redirect(self, _record):
        return redirect(self.get_contract())
