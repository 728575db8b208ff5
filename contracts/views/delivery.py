"""Award, commitments and delivery returns.

Every object is fetched through `Contract.objects.visible_to(user)`, so what a user may not see
is a 404; what they may see but not do is a 403 from the named rule in `contracts.permissions`.
Each form hands its values to one service in `contracts.services` and redirects.

`delivery_context(contract, user)` feeds the delivery section of the contract page
(`contracts/_delivery.html`) at a fixed number of queries, however many commitments there are.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from notifications.emails import notify
from notifications.services import site_url
from people.models import Membership, Organisation, User
from people.permissions import organisation_ids
from people.two_factor import two_factor_required_view
from socialvalue.attention import capped_count, counted
from socialvalue.files import serve_private_file
from socialvalue.forms import apply_validation_error
from socialvalue.kept_uploads import KeepUploadsViewMixin, discard
from socialvalue.rules import allowed

from .. import double_counting, progress, services, waiting
from ..forms_delivery import (
    AnswerForm,
    AwardForm,
    AwardSupplierForm,
    CommitmentForm,
    ConfirmSupportForm,
    EarlyReturnsForm,
    KpiForm,
    QueryForm,
    RatingForm,
    RecoveryActionForm,
    RejectForm,
    ReturnForm,
    SubcontractorForm,
    VerifyForm,
)
from ..models import Commitment, Contract, DeliveryReturn, EvidenceFile, ReportingPeriod
from ..querysets import OPEN_STAGES, reported_by

__all__ = [
    "AwardSupplierCreateView",
    "AwardView",
    "CommitmentCreateView",
    "CommitmentDetailView",
    "CommitmentRecoveryView",
    "ContractPeriodsView",
    "EvidenceDownloadView",
    "KpiCreateView",
    "RatingCreateView",
    "ReturnAnswerView",
    "ReturnConfirmSupportView",
    "ReturnCreateView",
    "ReturnDetailView",
    "ReturnListView",
    "ReturnQueryView",
    "ReturnRejectView",
    "ReturnVerifyView",
    "SubcontractorCreateView",
    "SupplyChainAddView",
    "delivery_context",
]

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


def _members(organisation: Organisation):
    return User.objects.filter(
        is_active=True,
        memberships__organisation=organisation,
        memberships__ended_at__isnull=True,
    ).distinct()


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
        raise NotImplementedError

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


class CommitmentCreateView(ContractActionMixin, FormView):
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

    def form_valid(self, form):
        try:
            commitment = services.commitment_add(
                contract=self.get_contract(), by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        if CommitmentForm.ANOTHER in self.request.POST:
            text = f"Commitment saved: {commitment.measure.name}. Add another"
            if double_counting.warnings_for_one(commitment):
                text += ". The one saved may overlap with another commitment: check its page"
            messages.success(self.request, text)
            url = reverse("contracts:commitment_create", kwargs={"pk": commitment.contract_id})
            return redirect(f"{url}?from={commitment.pk}")
        text = "Commitment saved"
        if double_counting.warnings_for_one(commitment):
            text += ". It may overlap with another commitment: check the warning below"
        messages.success(self.request, text)
        return redirect("contracts:commitment_detail", pk=commitment.pk)


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
class ContractPeriodsView(ContractActionMixin, FormView):
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

    def form_valid(self, form):
        period = form.cleaned_data["period"]
        try:
            period = services.period_allow_early_returns(
                period=period, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Returns can now be made for {period} before it ends. The supplier sees why",
        )
        return redirect("contracts:contract_periods", pk=self.get_contract().pk)


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


# Returns --------------------------------------------------------------------------------------


class ReturnCreateView(KeepUploadsViewMixin, FormView):
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

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            delivery_return = services.return_submit(
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
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Return submitted for {delivery_return.period}. An officer will verify it",
        )
        return redirect("contracts:return_detail", pk=delivery_return.pk)


class ReturnDetailView(DetailView):
    """A return with its evidence, the query and answer, and the actions the user may take."""

    template_name = "contracts/return_detail.html"
    context_object_name = "delivery_return"

    def get_queryset(self):
        return (
            _returns(self.request.user)
            .select_related(
                "commitment",
                "commitment__contract",
                "commitment__contract__supplier",
                "commitment__measure",
                "commitment__area",
                "commitment__objective",
                "commitment__delivered_by",
                "period",
                "submitted_by",
                "decided_by",
                "supported_group",
                "group_confirmed_by",
            )
            .prefetch_related("commitment__contract__joint_buyers", "files")
        )

    def action_forms(self) -> dict:
        r, user = self.object, self.request.user
        forms = {}
        if allowed(user, "contracts.verify_return", r):
            if r.status == Status.SUBMITTED:
                forms["verify"] = VerifyForm(delivery_return=r)
                forms["query"] = QueryForm(delivery_return=r)
            if r.status in (Status.SUBMITTED, Status.QUERIED):
                forms["reject"] = RejectForm(delivery_return=r)
        if allowed(user, "contracts.answer_query", r):
            forms["answer"] = AnswerForm(delivery_return=r)
        return forms

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        r = self.object
        forms = self.action_forms()
        bound = kwargs.get("bound_form")
        if bound is not None:
            forms[bound.prefix] = bound
        context.update(
            commitment=r.commitment,
            contract=r.commitment.contract,
            tag=RETURN_TAG_CLASSES[r.status],
            action_forms=forms,
            form=bound,  # for the error summary
            is_own=r.submitted_by_id == self.request.user.pk,
            may_see_evidence=allowed(self.request.user, "contracts.view_return_evidence", r),
        )
        return context


class ReturnActionView(ReturnDetailView):
    """POST one action on a return; on a refusal, show the return again with the message."""

    http_method_names = ["post"]
    permission_rule = ""
    form_class = None
    success_message = ""

    def act(self, form):
        raise NotImplementedError

    def after(self, delivery_return):
        pass

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not allowed(request.user, self.permission_rule, self.object):
            raise PermissionDenied
        form = self.form_class(request.POST, request.FILES, delivery_return=self.object)
        keeps = hasattr(form, "keep_uploads")
        if keeps:
            form.upload_owner = request.user
        if form.is_valid():
            try:
                updated = self.act(form)
            except ValidationError as error:
                if hasattr(form, "ask_to_confirm_quantity"):
                    form.ask_to_confirm_quantity(error)
                apply_validation_error(form, error)
            else:
                for upload in form.kept_files() if keeps else ():
                    discard(upload)
                self.after(updated)
                messages.success(request, self.success_message)
                return redirect("contracts:return_detail", pk=updated.pk)
        if keeps:
            form.keep_uploads()
        return self.render_to_response(self.get_context_data(bound_form=form))


@method_decorator(two_factor_required_view, name="dispatch")
class ReturnVerifyView(ReturnActionView):
    permission_rule = "contracts.verify_return"
    form_class = VerifyForm
    success_message = "Return verified. Its quantity now counts as delivered"

    def act(self, form):
        return services.return_verify(
            delivery_return=self.object,
            by=self.request.user,
            expected_version=form.cleaned_data["version"],
        )

    # The submitter is told by the service (contracts.notices.return_decided).


@method_decorator(two_factor_required_view, name="dispatch")
class ReturnQueryView(ReturnActionView):
    permission_rule = "contracts.verify_return"
    form_class = QueryForm
    success_message = "Question sent to the supplier"

    def act(self, form):
        return services.return_query(
            delivery_return=self.object,
            by=self.request.user,
            question=form.cleaned_data["question"],
            expected_version=form.cleaned_data["version"],
        )

    # The submitter is told by the service (contracts.notices.return_decided).


@method_decorator(two_factor_required_view, name="dispatch")
class ReturnRejectView(ReturnActionView):
    permission_rule = "contracts.verify_return"
    form_class = RejectForm
    success_message = "Return rejected. The supplier has been told why"

    def act(self, form):
        return services.return_reject(
            delivery_return=self.object,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )

    # The submitter is told by the service (contracts.notices.return_decided).


class ReturnAnswerView(ReturnActionView):
    permission_rule = "contracts.answer_query"
    form_class = AnswerForm
    success_message = "Answer sent. An officer will look at the return again"

    def act(self, form):
        return services.return_answer(
            delivery_return=self.object,
            by=self.request.user,
            answer=form.cleaned_data["answer"],
            quantity=form.cleaned_data["quantity"],
            files=form.evidence_files(),
            expected_version=form.cleaned_data["version"],
            quantity_confirmed=form.quantity_confirmed(),
        )

    def after(self, r):
        if r.decided_by_id:
            notify(
                recipients=[r.decided_by],
                subject="Your question about a return was answered",
                template="contracts/email/return_answered.txt",
                context={
                    "delivery_return": r,
                    "commitment": self.object.commitment,
                    "url": site_url(reverse("contracts:return_detail", kwargs={"pk": r.pk})),
                },
            )


class ReturnConfirmSupportView(FormView):
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

    def form_valid(self, form):
        try:
            services.return_confirm_support(delivery_return=self.get_return(), by=self.request.user)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Thank you. You have confirmed you received this support")
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


class ReturnListView(ListView):
    """My returns to make: for each commitment the user may report on, the periods that have
    started with no return yet, and open questions to answer. Officers also see the returns
    waiting for them to verify.

    At county scale an officer's body has tens of thousands of commitments and returns, so
    every part is bounded: the commitments a page at a time, the two queues the longest
    waiting first (as those are dealt with the next appear), counted up to `CAP` as on the
    home page. A fixed number of queries whatever the number of rows."""

    template_name = "contracts/return_list.html"
    paginate_by = 25
    # Of each queue (questions, returns to verify), the longest waiting shown.
    queue_shown = 50

    def mine(self):
        """The current commitments on open contracts that the user may report on."""
        user = self.request.user
        if not user.is_authenticated:
            raise Http404
        supplier_orgs = organisation_ids(
            user, Membership.Role.SUPPLIER_CONTACT, Membership.Role.ORG_ADMIN
        )
        # The contracts' conditions in one subquery, so that PostgreSQL counts an officer's
        # commitments from an index alone.
        mine = Q(contract__in=Contract.objects.managed_by(user).filter(stage__in=OPEN_STAGES))
        if supplier_orgs:
            mine |= reported_by(supplier_orgs) & Q(contract__stage__in=OPEN_STAGES)
        return Commitment.objects.current().filter(mine)

    def get_queryset(self):
        return (
            self.mine()
            .select_related("contract", "measure", "area", "delivered_by")
            .order_by("contract__reference", "pk")
        )

    def paginate_queryset(self, queryset, page_size):
        """The page's commitments, with their started periods and their returns: two more
        queries for those rows only."""
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        prefetch_related_objects(
            object_list,
            Prefetch(
                "contract__periods",
                queryset=ReportingPeriod.objects.filter(services.reportable_periods()).order_by(
                    "start"
                ),
                to_attr="started_periods",
            ),
            Prefetch(
                "returns",
                queryset=DeliveryReturn.objects.only("pk", "commitment_id", "period_id", "status"),
            ),
        )
        return paginator, page, object_list, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        mine = self.object_list.order_by()  # every page's commitments, as a subquery
        page = context["page_obj"]
        rows = []
        for commitment in page.object_list:
            reported = {r.period_id for r in commitment.returns.all()}
            due = [p for p in commitment.contract.started_periods if p.pk not in reported]
            rows.append({"commitment": commitment, "due": due})
        # Every (commitment, started period) pair with no return yet: counted in SQL up to
        # `CAP`, as on the home page (an officer's body can have hundreds of thousands). One
        # filter() call, so that the subquery's commitment is the joined one.
        due_count = capped_count(
            ReportingPeriod.objects.filter(
                ~Exists(
                    DeliveryReturn.objects.filter(
                        commitment_id=OuterRef("contract__commitments"), period_id=OuterRef("pk")
                    )
                ),
                services.reportable_periods(today),
                contract__commitments__in=mine,
            )
        )
        # The queues the home page counts (`contracts.waiting`), headed by the longest waiting.
        queried = waiting.queries_to_answer(user)
        to_verify = waiting.returns_to_verify(user)
        context.update(
            rows=rows,
            due_count=due_count,
            due_text=counted(due_count, "return is due", "returns are due"),
        )
        if page.number == 1:  # the queues head the first page only
            shown = self.queue_shown
            queried_count, to_verify_count = capped_count(queried), capped_count(to_verify)
            context.update(
                queried=list(
                    queried.select_related(
                        "commitment__measure", "commitment__contract", "period"
                    ).order_by("submitted_at", "pk")[:shown]
                ),
                queried_count=queried_count,
                queried_text=counted(queried_count, "question is open", "questions are open"),
                to_verify=list(
                    to_verify.select_related(
                        "commitment__measure",
                        "commitment__contract",
                        "commitment__delivered_by",
                        "period",
                    ).order_by("submitted_at", "pk")[:shown]
                ),
                to_verify_count=to_verify_count,
                to_verify_text=counted(to_verify_count, "return waiting", "returns waiting"),
            )
        return context
