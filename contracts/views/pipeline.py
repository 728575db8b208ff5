"""The contract pipeline: list, create, change, and the moves between stages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView

from people.permissions import place_ids, served_by
from places.models import Area, Place
from socialvalue.rules import allowed, unrestricted
from socialvalue.view_bases import ServiceFormMixin

from .. import services
from ..filters import ContractFilterSet
from ..forms import (
    AdvanceForm,
    AssessmentSignOffForm,
    ContractForm,
    ProcurementStartForm,
    ReasonForm,
)
from ..models import Assessment, Contract, Exemption
from ..querysets import with_commitment_counts

Stage = Contract.Stage


class ContractListView(FilterView):
    template_name = "contracts/contract_list.html"
    filterset_class = ContractFilterSet
    paginate_by = 25
    context_object_name = "contracts"

    def get_queryset(self):
        return (
            Contract.objects.visible_to(self.request.user).for_list().order_by("-updated_at", "-pk")
        )

    def paginate_queryset(self, queryset, page_size):
        """The page's contracts, with their commitment counts from one more query for those
        rows only (not for every visible contract)."""
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = object_list = with_commitment_counts(object_list)
        return paginator, page, object_list, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["may_add"] = allowed(user, "contracts.add_contract")
        context["serves_a_place"] = unrestricted(user) or bool(place_ids(user))
        return context


class ContractScopedMixin:
    """Loads the contract through `visible_to` (404 when hidden), then checks the rule."""

    permission_rule = "contracts.manage_contract"

    def get_contract(self) -> Contract:
        if not hasattr(self, "_contract"):
            self._contract = get_object_or_404(
                Contract.objects.visible_to(self.request.user)
                .select_related("buyer", "place", "supplier", "owner")
                .prefetch_related("joint_buyers", "areas", "subcontractors"),
                pk=self.kwargs["pk"],
            )
        return self._contract

    def dispatch(self, request, *args, **kwargs):
        self.request, self.kwargs = request, kwargs
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        if not allowed(request.user, self.permission_rule, self.get_contract()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "contract": self.get_contract()}


class ContractDetailView(DetailView):
    template_name = "contracts/contract_detail.html"
    context_object_name = "contract"

    def get_queryset(self):
        return (
            Contract.objects.visible_to(self.request.user)
            .select_related("buyer", "place", "supplier", "owner")
            .prefetch_related(
                "joint_buyers",
                "subcontractors",
                Prefetch("areas", queryset=Area.objects.order_by("path")),
                Prefetch(
                    "assessments",
                    queryset=Assessment.objects.select_related(
                        "author", "approved_by", "withdrawn_by"
                    ).order_by("-version"),
                ),
                Prefetch(
                    "exemptions",
                    queryset=Exemption.objects.select_related(
                        "proposed_by", "decided_by", "framework_contract", "threshold"
                    ).order_by("-proposed_at", "-pk"),
                ),
            )
        )

    def sign_off_form(self, assessment):
        """The approve / send back form, for a person who may sign off the submitted
        assessment (the rule `contracts.approve_assessment`), posted to the sign-off view, so
        the same rule, service and two-factor step apply. None for everyone else."""
        if assessment is None or not allowed(
            self.request.user, "contracts.approve_assessment", assessment
        ):
            return None
        form = AssessmentSignOffForm()
        form.helper.form_action = reverse(
            "contracts:assessment_sign_off",
            kwargs={"pk": assessment.contract_id, "version": assessment.version},
        )
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contract, user = self.object, self.request.user
        assessments = list(contract.assessments.all())
        may_manage = allowed(user, "contracts.manage_contract", contract)
        exemptions = list(contract.exemptions.all())
        for exemption in exemptions:
            exemption.contract = contract  # the rules read it: no query per exemption
        proposed = next((e for e in exemptions if e.status == Exemption.Status.PROPOSED), None)
        context.update(
            exemptions=exemptions,
            proposed_exemption=proposed,
            confirmed_exemption=next(
                (e for e in exemptions if e.status == Exemption.Status.CONFIRMED), None
            ),
            may_propose_exemption=proposed is None
            and allowed(user, "contracts.propose_exemption", contract),
            may_decide_exemption=proposed is not None
            and allowed(user, "contracts.decide_exemption", proposed),
        )
        current = next((a for a in assessments if a.status in ("draft", "submitted")), None)
        if current is not None:
            current.contract = contract  # the sign-off rule reads it: no query
        context.update(
            assessments=assessments,
            current_assessment=current,
            sign_off_form=self.sign_off_form(current),
            approved=services.approved_assessment(contract) if assessments else None,
            may_manage=may_manage,
            gate_problem=services.procurement_start_gate(contract)
            if contract.stage == Stage.APPROVED
            else None,
            next_stage=services.TRANSITIONS.get(contract.stage),
            stages=[(s, Stage(s).label) for s in Contract.ORDER],
        )
        try:
            from .delivery import delivery_context
        except ImportError:  # the delivery pages are optional at this layer
            delivery_context = None
        if delivery_context and contract.stage_index >= Contract.ORDER.index(Stage.AWARDED):
            context.update(delivery_context(contract, user))
            context["delivery_template"] = "contracts/_delivery.html"
        return context


def _places_for_new_contract(user):
    from people.models import Membership

    return served_by(user, Membership.Role.OFFICER)


class ContractCreateView(ServiceFormMixin, FormView):
    template_name = "contracts/contract_form.html"

    def get_place(self) -> Place:
        places = _places_for_new_contract(self.request.user)
        slug = self.request.GET.get("place")
        place = (
            places.filter(slug=slug).first()
            if slug
            else (places.first() if places.count() == 1 else None)
        )
        if place is None:
            raise Http404("Choose a place you work in")
        return place

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not allowed(request.user, "contracts.add_contract"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        self.place = self.get_place()
        return ContractForm(**self.get_form_kwargs(), place=self.place, user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "place": self.place}

    def perform(self, form):
        return services.contract_create(by=self.request.user, place=self.place, **form.cleaned_data)

    def success_message(self, contract):
        return (
            f"Contract {contract.reference} added. Start the social "
            "value assessment before procurement starts"
        )


class ContractUpdateView(ServiceFormMixin, ContractScopedMixin, FormView):
    template_name = "contracts/contract_form.html"

    def get_form(self, form_class=None):
        contract = self.get_contract()
        return ContractForm(
            **self.get_form_kwargs(),
            place=contract.place,
            user=self.request.user,
            contract=contract,
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "place": self.get_contract().place}

    def perform(self, form):
        return services.contract_update(
            contract=self.get_contract(), by=self.request.user, **form.cleaned_data
        )

    def success_message(self, contract):
        return f"Contract {contract.reference} updated"


class ProcurementStartView(ServiceFormMixin, ContractScopedMixin, FormView):
    template_name = "contracts/procurement_start.html"
    form_class = ProcurementStartForm

    def get_context_data(self, **kwargs):
        contract = self.get_contract()
        return {
            **super().get_context_data(**kwargs),
            "gate_problem": services.procurement_start_gate(contract),
            "approved": services.approved_assessment(contract),
        }

    def perform(self, form):
        return services.contract_start_procurement(
            contract=self.get_contract(),
            started_on=form.cleaned_data["started_on"],
            by=self.request.user,
        )

    def success_message(self, contract):
        if contract.s1_compliance == Contract.Compliance.NON_COMPLIANT:
            return (
                "Procurement start recorded. It is before the assessment was approved, so the "
                "record shows it as not compliant with section 1"
            )
        return "Procurement start recorded"

    def message_level(self, contract):
        if contract.s1_compliance == Contract.Compliance.NON_COMPLIANT:
            return messages.WARNING
        return messages.SUCCESS


class ContractAdvanceView(ServiceFormMixin, ContractScopedMixin, FormView):
    template_name = "contracts/contract_advance.html"

    def get_next(self):
        to = services.TRANSITIONS.get(self.get_contract().stage)
        if to is None:
            raise Http404("No next stage from here")
        return to

    def get_form(self, form_class=None):
        return AdvanceForm(
            **self.get_form_kwargs(), submit_label=f"Move to ‘{Stage(self.get_next()).label}’"
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "to": Stage(self.get_next())}

    def perform(self, form):
        return services.contract_advance(
            contract=self.get_contract(), to=self.get_next(), by=self.request.user
        )

    def success_message(self, contract):
        return f"The contract is now {contract.get_stage_display().lower()}"


class ContractCancelView(ServiceFormMixin, ContractScopedMixin, FormView):
    template_name = "contracts/contract_cancel.html"

    def get_form(self, form_class=None):
        return ReasonForm(
            **self.get_form_kwargs(),
            label="Why is the contract cancelled?",
            submit_label="Cancel the contract",
            required_message="Explain why the contract is cancelled",
        )

    def perform(self, form):
        return services.contract_cancel(
            contract=self.get_contract(),
            reason=form.cleaned_data["reason"],
            by=self.request.user,
        )

    def success_message(self, _contract):
        return "The contract is cancelled. Its record is kept"
