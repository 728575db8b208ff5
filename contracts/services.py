"""Writes to contracts, assessments, commitments and returns.

Each function is keyword-only, runs in one transaction, validates with the models' rules, and
records who acted in the history. The named business rules are functions with docstrings:
`procurement_start_gate`, `compliance_for`. The double-count rule is `contracts.double_counting`;
a commitment's status is `contracts.progress`'s one rule, in SQL.
"""

import calendar
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from objectives.models import Measure, Objective
from people.models import Organisation, User
from places.models import Area, Place

from . import ledger, notices, signoff
from .models import (
    Assessment,
    AwardSupplier,
    ClaimKey,
    Commitment,
    Contract,
    DeliveryReturn,
    EvidenceFile,
    Exemption,
    ExemptionThreshold,
    KeyPerformanceIndicator,
    PerformanceAssessment,
    ReportingPeriod,
)

Stage = Contract.Stage


def _by(instance, user):
    instance._history_user = user
    return instance


def _set_stage(contract: Contract, stage: str, by: User) -> None:
    contract.stage = stage
    contract.stage_changed_at = timezone.now()
    contract.full_clean()
    _by(contract, by).save()


# Contracts ------------------------------------------------------------------------------------


@transaction.atomic
def contract_create(
    *,
    by: User,
    buyer: Organisation,
    place: Place,
    reference: str,
    title: str,
    category: str,
    estimated_value: Decimal | None,
    owner: User | None = None,
    description: str = "",
    cpv_code: str = "",
    procedure: str = Contract.Procedure.OPEN,
    planned_procurement_start: datetime.date | None = None,
    areas=(),
    joint_buyers=(),
    ocid: str = "",
    ocds_release_date: datetime.datetime | None = None,
) -> Contract:
    contract = Contract(
        buyer=buyer,
        place=place,
        reference=reference.strip(),
        title=title.strip(),
        category=category,
        estimated_value=estimated_value,
        owner=owner or by,
        description=description.strip(),
        cpv_code=cpv_code.strip(),
        procedure=procedure,
        planned_procurement_start=planned_procurement_start,
        ocid=ocid,
        ocds_release_date=ocds_release_date,
    )
    contract.full_clean()
    _by(contract, by).save()
    _set_areas(contract, areas)
    contract.joint_buyers.set([o for o in joint_buyers if o.pk != buyer.pk])
    return contract


def _set_areas(contract: Contract, areas) -> None:
    areas = list(areas)
    outside = [a.name for a in areas if a.place_id != contract.place_id]
    if outside:
        raise ValidationError({"areas": f"{', '.join(outside)} not in {contract.place}"})
    contract.areas.set(areas)


@transaction.atomic
def contract_update(*, contract: Contract, by: User, **fields) -> Contract:
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.stage in (Stage.CLOSED, Stage.CANCELLED):
        raise ValidationError(f"This contract is {contract.get_stage_display().lower()}")
    areas = fields.pop("areas", None)
    joint_buyers = fields.pop("joint_buyers", None)
    for name, value in fields.items():
        setattr(contract, name, value.strip() if isinstance(value, str) else value)
    contract.full_clean()
    _by(contract, by).save()
    if areas is not None:
        _set_areas(contract, areas)
    if joint_buyers is not None:
        contract.joint_buyers.set([o for o in joint_buyers if o.pk != contract.buyer_id])
    return contract


def _before_procurement(contract: Contract) -> None:
    if contract.stage == Stage.CANCELLED:
        raise ValidationError("The contract is cancelled")
    if contract.stage_index > Contract.ORDER.index(Stage.APPROVED):
        raise ValidationError("Procurement has started: the exemption must be decided before")


@transaction.atomic
def exemption_propose(
    *,
    contract: Contract,
    by: User,
    ground: str,
    reason: str,
    framework_contract: Contract | None = None,
) -> Exemption:
    """Propose that the Act does not apply, on a ground from the fixed list (`Exemption.Ground`)
    with a reason. Nothing changes until a second person confirms it (`exemption_confirm`): the
    gate stays shut and an assessment in progress carries on."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    _before_procurement(contract)
    if contract.exemptions.filter(
        status__in=[Exemption.Status.PROPOSED, Exemption.Status.CONFIRMED]
    ).exists():
        raise ValidationError("This contract already has an exemption proposed or confirmed")
    exemption = Exemption(
        contract=contract,
        ground=ground,
        reason=reason.strip(),
        framework_contract=framework_contract if ground == Exemption.Ground.CALL_OFF else None,
        threshold=ExemptionThreshold.current_for(contract.buyer)
        if ground == Exemption.Ground.BELOW_THRESHOLD
        else None,
        proposed_by=by,
    )
    exemption.full_clean()
    _by(exemption, by).save()
    return exemption


def _waiting_exemption(exemption: Exemption, by: User) -> tuple[Exemption, Contract]:
    exemption = Exemption.objects.select_for_update().get(pk=exemption.pk)
    if exemption.status != Exemption.Status.PROPOSED:
        raise ValidationError(f"This exemption is already {exemption.get_status_display().lower()}")
    problem = signoff.sign_off_refusal(by, exemption)
    if problem:
        raise ValidationError(problem)
    contract = Contract.objects.select_for_update().get(pk=exemption.contract_id)
    exemption.contract = contract
    return exemption, contract


@transaction.atomic
def exemption_confirm(*, exemption: Exemption, by: User) -> Exemption:
    """A second person confirms the exemption, under the sign-off rule (`signoff`). The
    contract then counts as exempt and may move to procurement; an assessment in progress is
    withdrawn, with who, when and why."""
    exemption, contract = _waiting_exemption(exemption, by)
    _before_procurement(contract)
    now = timezone.now()
    exemption.status = Exemption.Status.CONFIRMED
    exemption.decided_by, exemption.decided_at = by, now
    exemption.full_clean()
    signoff.decided(exemption, by=by, reason=signoff.CONFIRMED).save()
    contract.not_in_scope = True
    contract.not_in_scope_reason = f"{exemption.get_ground_display()}. {exemption.reason}"
    contract.s1_compliance = Contract.Compliance.EXEMPT
    if contract.stage in (Stage.PLANNING, Stage.ASSESSING):
        contract.stage = Stage.APPROVED
        contract.stage_changed_at = now
    contract.full_clean()
    _by(contract, by).save()
    in_progress = contract.assessments.select_for_update().filter(
        status__in=[Assessment.Status.DRAFT, Assessment.Status.SUBMITTED]
    )
    for assessment in in_progress:
        assessment.status = Assessment.Status.WITHDRAWN
        assessment.withdrawn_at, assessment.withdrawn_by = now, by
        assessment.withdrawn_reason = (
            f"Withdrawn when the exemption was confirmed on {timezone.localdate(now):%-d %B %Y}: "
            f"{exemption.get_ground_display().lower()}"
        )
        signoff.decided(assessment, by=by, reason=signoff.WITHDRAWN).save()
    return exemption


@transaction.atomic
def exemption_decline(*, exemption: Exemption, by: User, reason: str) -> Exemption:
    """A second person declines the exemption, saying why. The contract carries on under the
    Act; the proposal is kept."""
    if not reason.strip():
        raise ValidationError({"reason": "Explain why the exemption is declined"})
    exemption, _contract = _waiting_exemption(exemption, by)
    exemption.status = Exemption.Status.DECLINED
    exemption.decided_by, exemption.decided_at = by, timezone.now()
    exemption.decision_reason = reason.strip()
    signoff.decided(exemption, by=by, reason=signoff.DECLINED).save()
    return exemption


def approved_assessment(contract: Contract) -> Assessment | None:
    """The earliest approved version: the dated record that section 1 was considered."""
    return (
        contract.assessments.filter(
            status__in=[Assessment.Status.APPROVED, Assessment.Status.SUPERSEDED],
            approved_at__isnull=False,
        )
        .order_by("approved_at")
        .first()
    )


def compliance_for(contract: Contract, started_on: datetime.date | None) -> str:
    """A named rule: section 1 is met when an assessment was approved on or before the day
    procurement started, or the contract is out of the Act's scope. A start recorded before any
    approval is non-compliant: the record says so, and dashboards count it. A contract with no
    assessment on record at all (imported, or started before the service was used) is "not
    recorded", counted apart: nothing shows section 1 was not considered."""
    if contract.not_in_scope:
        return Contract.Compliance.EXEMPT
    if started_on is None:
        return Contract.Compliance.NOT_STARTED
    assessment = approved_assessment(contract)
    if assessment is None:
        if contract.pk is None or not contract.assessments.exists():
            return Contract.Compliance.NOT_RECORDED
        return Contract.Compliance.NON_COMPLIANT
    approved_on = timezone.localtime(assessment.approved_at).date()
    return (
        Contract.Compliance.COMPLIANT
        if approved_on <= started_on
        else Contract.Compliance.NON_COMPLIANT
    )


def procurement_start_gate(contract: Contract) -> str | None:
    """A named rule: a contract cannot move to "procurement started" without an approved
    assessment, or an exemption a second person has confirmed (which alone sets
    `not_in_scope`). Returns why not, or None."""
    if contract.stage != Stage.APPROVED:
        return (
            f"The contract is {contract.get_stage_display().lower()}. It must be approved to "
            "procure first"
        )
    if contract.not_in_scope:
        return None
    if approved_assessment(contract) is None:
        return (
            "Approve the social value assessment, or have an exemption confirmed if the Act "
            "does not apply"
        )
    return None


@transaction.atomic
def contract_start_procurement(
    *, contract: Contract, started_on: datetime.date, by: User
) -> Contract:
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    problem = procurement_start_gate(contract)
    if problem:
        raise ValidationError({"stage": problem})
    _record_start(contract, started_on, by)
    return contract


def _record_start(contract: Contract, started_on: datetime.date, by: User) -> None:
    """Procurement started on `started_on`: recorded with its section 1 compliance."""
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": "The start date cannot be in the future"})
    contract.procurement_started_on = started_on
    contract.s1_compliance = compliance_for(contract, started_on)
    _set_stage(contract, Stage.PROCUREMENT_STARTED, by)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day if it is shorter (31 Jan + 1: 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def quarters(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """Reporting periods: the financial-year quarters (Q1 April–June, Q2 July–September, Q3
    October–December, Q4 January–March) from `start` to `end` (both days included), the first
    and the last cut to those days. Each period ends the day before the next one starts, so no
    day belongs to two periods, and every period is in one quarter of the charts."""
    periods = []
    current = start
    while current <= end:
        last = ledger.quarter_end(current)
        periods.append((current, min(last, end)))
        current = last + datetime.timedelta(days=1)
    return periods


def period_has_ended(period: ReportingPeriod, today: datetime.date | None = None) -> bool:
    """A named rule: delivery is reported for a period once it has ended (the day after its
    last day), unless an officer allowed early returns for it, with a reason."""
    return period.end < (today or timezone.localdate())


def reportable_periods(today: datetime.date | None = None) -> Q:
    """The same rule as a filter on reporting periods: ended, or opened early by an officer."""
    return Q(end__lt=today or timezone.localdate()) | ~Q(early_returns_reason="")


@transaction.atomic
def period_allow_early_returns(
    *, period: ReportingPeriod, by: User, reason: str
) -> ReportingPeriod:
    """An officer lets returns be made for a period before it ends (a contract finishing early,
    say). The reason is recorded and shown with every return for the period."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Explain why returns may be made before the period ends"})
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period_has_ended(period):
        raise ValidationError("This period has ended: returns can already be made for it")
    period.early_returns_reason = reason.strip()
    period.early_returns_allowed_by = by
    period.early_returns_allowed_at = timezone.now()
    period.save()
    return period


@transaction.atomic
def contract_record_procurement_start(
    *, contract: Contract, started_on: datetime.date, by: User
) -> Contract:
    """Record a start that happened outside the service, shown by a published notice (an
    imported tender or award). Unlike `contract_start_procurement` this cannot be gated: the
    procurement has started whatever the service says. `compliance_for` records whether section
    1 was considered before it, so a contract imported with no approved assessment says so."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.stage_index >= Contract.ORDER.index(Stage.PROCUREMENT_STARTED) or (
        contract.stage == Stage.CANCELLED
    ):
        raise ValidationError(
            {"stage": f"The contract is already {contract.get_stage_display().lower()}"}
        )
    _record_start(contract, started_on, by)
    return contract


@dataclass(frozen=True)
class AwardedSupplier:
    """One supplier named on an award: its share of the value only where the source gives it,
    and the identifier the source used for it."""

    organisation: Organisation
    value: Decimal | None = None
    identifier: str = ""


def _award_dates(
    contract: Contract,
    awarded_on: datetime.date,
    contract_start: datetime.date | None,
    contract_end: datetime.date | None,
) -> None:
    if awarded_on > timezone.localdate():
        raise ValidationError({"awarded_on": "The award date cannot be in the future"})
    if contract.procurement_started_on and awarded_on < contract.procurement_started_on:
        raise ValidationError(
            {"awarded_on": "The award date must be on or after the date procurement started"}
        )
    if contract_start and contract_end and contract_end <= contract_start:
        raise ValidationError(
            {"contract_end": "The contract end date must be after its start date"}
        )


def _set_award_suppliers(contract: Contract, suppliers: list[AwardedSupplier], by: User) -> None:
    """The award names exactly `suppliers`, in order. A supplier with current commitments on the
    contract cannot be taken off it."""
    if not suppliers:
        raise ValidationError({"supplier": "Name at least one supplier on the award"})
    wanted = [s.organisation.pk for s in suppliers]
    if len(set(wanted)) != len(wanted):
        raise ValidationError({"supplier": "Name each supplier on the award once"})
    existing = {row.organisation_id: row for row in contract.award_suppliers.all()}
    leaving = set(existing) - set(wanted)
    committed = (
        Commitment.objects.current()
        .filter(contract=contract, delivered_by_id__in=leaving)
        .select_related("delivered_by")
        .first()
    )
    if committed is not None:
        raise ValidationError(
            {
                "supplier": f"{committed.delivered_by} has commitments on this contract, so it "
                "stays on the award. Withdraw its commitments first"
            }
        )
    for organisation_id in leaving:
        _by(existing[organisation_id], by).delete()
    for position, supplier in enumerate(suppliers):
        row = existing.get(supplier.organisation.pk) or AwardSupplier(
            contract=contract, organisation=supplier.organisation
        )
        before = (row.pk, row.position, row.value, row.identifier)
        row.position, row.value = position, supplier.value
        row.identifier = supplier.identifier or row.identifier
        if (row.pk, row.position, row.value, row.identifier) != before or row.pk is None:
            row.full_clean()
            _by(row, by).save()
    if contract.supplier_id != wanted[0]:
        contract.supplier = suppliers[0].organisation
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


@transaction.atomic
def contract_award(
    *,
    contract: Contract,
    by: User,
    award_value: Decimal | None,
    awarded_on: datetime.date,
    contract_start: datetime.date | None,
    contract_end: datetime.date | None,
    supplier: Organisation | None = None,
    suppliers: Sequence[AwardedSupplier] = (),
) -> Contract:
    """Award the contract to `supplier`, or to every one of `suppliers` (a framework or a joint
    award). The award value is the whole award's and is never divided among suppliers; each
    supplier's own share is recorded only where it is known. An award value or contract period
    that was not published may be left empty (imports); the pages always ask for them."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.stage != Stage.PROCUREMENT_STARTED:
        raise ValidationError(
            {"stage": "Only a contract whose procurement has started can be awarded"}
        )
    if (supplier is None) == (not suppliers):
        raise ValueError("Give either supplier or suppliers")
    named = [AwardedSupplier(supplier)] if supplier is not None else list(suppliers)
    _award_dates(contract, awarded_on, contract_start, contract_end)
    contract.award_value = award_value
    contract.awarded_on = awarded_on
    contract.contract_start = contract_start
    contract.contract_end = contract_end
    contract.supplier = named[0].organisation
    _set_stage(contract, Stage.AWARDED, by)
    _set_award_suppliers(contract, named, by)
    _ensure_periods(contract)
    return contract


_UNCHANGED = object()


@transaction.atomic
def contract_award_amend(
    *,
    contract: Contract,
    by: User,
    suppliers: Sequence[AwardedSupplier] | None = None,
    award_value=_UNCHANGED,
    awarded_on=_UNCHANGED,
    contract_start=_UNCHANGED,
    contract_end=_UNCHANGED,
) -> int:
    """Change a recorded award (a later award notice, or a correction): only what is given.
    The same rules as the award; a supplier with commitments stays on it. Reporting periods are
    made when the contract period becomes known, and otherwise kept as they are (returns may
    hang on them). Returns how many periods were made."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.stage not in (Stage.AWARDED, Stage.IN_DELIVERY):
        raise ValidationError(
            {"stage": f"The contract is {contract.get_stage_display().lower()}: its award is kept"}
        )
    for name, value in (
        ("award_value", award_value),
        ("awarded_on", awarded_on),
        ("contract_start", contract_start),
        ("contract_end", contract_end),
    ):
        if value is not _UNCHANGED:
            setattr(contract, name, value)
    _award_dates(contract, contract.awarded_on, contract.contract_start, contract.contract_end)
    contract.full_clean()
    _by(contract, by).save()
    if suppliers is not None:
        _set_award_suppliers(contract, list(suppliers), by)
    return _ensure_periods(contract)


@transaction.atomic
def award_supplier_add(
    *, contract: Contract, organisation: Organisation, by: User, value: Decimal | None = None
) -> AwardSupplier:
    """Name another supplier on the award (a framework or a joint award), after the others."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.stage not in (Stage.AWARDED, Stage.IN_DELIVERY):
        raise ValidationError("Suppliers are added to the award once the contract is awarded")
    if contract.award_suppliers.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": f"{organisation} is already on the award"})
    if contract.subcontractors.filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": f"{organisation} is a subcontractor here"})
    last = contract.award_suppliers.order_by("-position").values_list("position", flat=True)
    row = AwardSupplier(
        contract=contract,
        organisation=organisation,
        position=(last.first() or 0) + 1,
        identifier=organisation.identifier,
        value=value,
    )
    row.full_clean()
    _by(row, by).save()
    return row


def award_supplier_ids(contract: Contract) -> set[int]:
    """The organisations named on the contract's award (prefetch `award_suppliers` to read them
    without a query)."""
    ids = {row.organisation_id for row in contract.award_suppliers.all()}
    if contract.supplier_id:
        ids.add(contract.supplier_id)
    return ids


TRANSITIONS = {
    Stage.AWARDED: Stage.IN_DELIVERY,
    Stage.IN_DELIVERY: Stage.CLOSED,
}


@transaction.atomic
def contract_advance(*, contract: Contract, to: str, by: User) -> Contract:
    """Awarded → in delivery → closed. Other moves have their own services; backwards never."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if TRANSITIONS.get(contract.stage) != to:
        raise ValidationError(
            {
                "stage": (
                    f"A contract that is {contract.get_stage_display().lower()} cannot move to "
                    f"{Stage(to).label.lower()}"
                )
            }
        )
    _set_stage(contract, to, by)
    return contract


@transaction.atomic
def contract_cancel(*, contract: Contract, reason: str, by: User) -> Contract:
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.stage in (Stage.CLOSED, Stage.CANCELLED):
        raise ValidationError(
            {"stage": f"The contract is already {contract.get_stage_display().lower()}"}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Explain why the contract is cancelled"})
    contract.cancelled_reason = reason.strip()
    _set_stage(contract, Stage.CANCELLED, by)
    return contract


# Assessments ----------------------------------------------------------------------------------


@transaction.atomic
def assessment_start(*, contract: Contract, by: User) -> Assessment:
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.stage not in (Stage.PLANNING, Stage.ASSESSING):
        raise ValidationError("An assessment is started while the contract is being planned")
    existing = contract.assessments.filter(status__in=["draft", "submitted"]).first()
    if existing:
        return existing
    version = (
        contract.assessments.order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    assessment = Assessment(contract=contract, version=version, author=by)
    assessment.full_clean()
    _by(assessment, by).save()
    if contract.stage == Stage.PLANNING:
        _set_stage(contract, Stage.ASSESSING, by)
    return assessment


def section_problems(assessment: Assessment, section: str) -> dict[str, str]:
    """What is missing for a section to count as complete (field -> message)."""
    a = assessment
    problems = {}
    if section == "wellbeing":
        for dim in ("economic", "social", "environmental"):
            relevant, how = getattr(a, f"{dim}_relevant"), getattr(a, f"{dim}_how").strip()
            if relevant is None:
                problems[f"{dim}_relevant"] = (
                    f"Say whether the contract could improve {dim} well-being"
                )
            elif not how:
                problems[f"{dim}_how"] = (
                    f"Explain how it could improve {dim} well-being"
                    if relevant
                    else f"Explain why {dim} well-being is not relevant"
                )
    elif section == "securing":
        levers = [
            a.lever_award_criteria,
            a.lever_contract_conditions,
            a.lever_lotting_reservation,
            a.lever_supply_chain,
        ]
        if not any(text.strip() for text in levers):
            problems["lever_award_criteria"] = (
                "Describe at least one way the procurement will secure the improvement"
            )
    elif section == "proportionality":
        if not a.relevance.strip():
            problems["relevance"] = "Explain how the social value sought relates to what is bought"
        if not a.proportionality.strip():
            problems["proportionality"] = "Explain why the approach is proportionate"
    elif section == "consultation":
        if a.will_consult is None:
            problems["will_consult"] = "Say whether you will consult"
        if not a.consultation_reason.strip():
            problems["consultation_reason"] = "Explain why you will or will not consult"
    elif section == "evaluation":
        if a.weighting_percent is None:
            problems["weighting_percent"] = "Enter the social value weighting as a percentage"
        if not a.evaluation_questions.strip():
            problems["evaluation_questions"] = "Enter the questions bidders will be asked"
    elif section == "urgency":
        if a.urgency_claimed is None:
            problems["urgency_claimed"] = "Say whether urgency is claimed"
        elif a.urgency_claimed:
            if not a.urgency_reason.strip():
                problems["urgency_reason"] = "Explain the urgency"
            if a.urgency_caused_by_authority is None:
                problems["urgency_caused_by_authority"] = (
                    "Say whether the urgency was caused by the authority's own delay"
                )
    return problems


SECTION_FIELDS = {
    "wellbeing": [
        "economic_relevant",
        "economic_how",
        "social_relevant",
        "social_how",
        "environmental_relevant",
        "environmental_how",
    ],
    "securing": [
        "lever_award_criteria",
        "lever_contract_conditions",
        "lever_lotting_reservation",
        "lever_supply_chain",
    ],
    "proportionality": ["relevance", "proportionality"],
    "consultation": ["will_consult", "consultation_reason", "consultation_link"],
    "evaluation": ["weighting_percent", "evaluation_questions"],
    "urgency": ["urgency_claimed", "urgency_reason", "urgency_caused_by_authority"],
}


@transaction.atomic
def assessment_save_section(
    *,
    assessment: Assessment,
    section: str,
    by: User,
    objectives=None,
    measures=None,
    expected_revision: int | None = None,
    **fields,
) -> Assessment:
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if expected_revision is not None and assessment.revision != expected_revision:
        raise ValidationError(
            "Someone else changed this assessment while you were editing it. Your answers "
            "have not been saved: check their changes, then try again"
        )
    if not assessment.is_editable:
        raise ValidationError(
            "This assessment is "
            f"{assessment.get_status_display().lower()}: it can no longer be changed"
        )
    allowed = set(SECTION_FIELDS[section])
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not fields of {section}: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(assessment, name, value.strip() if isinstance(value, str) else value)
    if section == "securing" and objectives is not None:
        objectives = list(objectives)
        outside = [o.title for o in objectives if o.place_id != assessment.contract.place_id]
        if outside:
            raise ValidationError({"objectives": "Choose objectives of the contract's place"})
        assessment.objectives.set(objectives)
    if section == "evaluation" and measures is not None:
        assessment.evaluation_measures.set(measures)
    problems = section_problems(assessment, section)
    if problems:
        raise ValidationError(problems)
    completed = set(assessment.completed_sections)
    completed.add(section)
    assessment.completed_sections = [k for k in Assessment.SECTION_KEYS if k in completed]
    assessment.revision += 1
    assessment.full_clean()
    _by(assessment, by).save()
    return assessment


def submission_problems(assessment: Assessment) -> list[str]:
    missing = [
        label
        for key, label, _law in Assessment.SECTIONS
        if key not in assessment.completed_sections
    ]
    return [f"Complete ‘{label}’" for label in missing]


@transaction.atomic
def assessment_submit(*, assessment: Assessment, by: User) -> Assessment:
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != Assessment.Status.DRAFT:
        raise ValidationError("Only an assessment in progress can be submitted")
    problems = submission_problems(assessment)
    if problems:
        raise ValidationError(problems)
    assessment.status = Assessment.Status.SUBMITTED
    assessment.revision += 1
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = by
    assessment.returned_reason = ""
    _by(assessment, by).save()
    notices.assessment_submitted(assessment=assessment)
    return assessment


@transaction.atomic
def assessment_return(*, assessment: Assessment, by: User, reason: str) -> Assessment:
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ValidationError("Only a submitted assessment can be sent back")
    if not reason.strip():
        raise ValidationError({"reason": "Explain what needs to change"})
    problem = signoff.sign_off_refusal(by, assessment)
    if problem:
        raise ValidationError(problem)
    assessment.status = Assessment.Status.DRAFT
    assessment.revision += 1
    assessment.returned_reason = reason.strip()
    signoff.decided(assessment, by=by, reason=signoff.SENT_BACK).save()
    notices.assessment_decided(assessment=assessment, by=by, approved=False)
    return assessment


@transaction.atomic
def assessment_approve(*, assessment: Assessment, by: User) -> Assessment:
    """Sign-off by a second person, under the rule `signoff.sign_off_refusal`: never someone
    who wrote, changed or submitted this version. The approval is timestamped and the
    assessment becomes immutable."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ValidationError("Only a submitted assessment can be signed off")
    problem = signoff.sign_off_refusal(by, assessment)
    if problem:
        raise ValidationError(problem)
    assessment.status = Assessment.Status.APPROVED
    assessment.approved_at = timezone.now()
    assessment.approved_by = by
    assessment.full_clean()
    signoff.decided(assessment, by=by, reason=signoff.SIGNED_OFF).save()
    contract = Contract.objects.select_for_update().get(pk=assessment.contract_id)
    if contract.stage == Stage.ASSESSING:
        _set_stage(contract, Stage.APPROVED, by)
    notices.assessment_decided(assessment=assessment, by=by, approved=True)
    return assessment


_COPIED = [f for fields in SECTION_FIELDS.values() for f in fields] + ["completed_sections"]


@transaction.atomic
def assessment_reopen(*, assessment: Assessment, by: User) -> Assessment:
    """Reopen an approved assessment as a new version. The approved one is kept, superseded,
    with its date: the record of when section 1 was first considered survives."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != Assessment.Status.APPROVED:
        raise ValidationError("Only the approved assessment can be reopened")
    contract = Contract.objects.select_for_update().get(pk=assessment.contract_id)
    new = Assessment(
        contract=contract,
        version=assessment.version + 1,
        author=by,
        **{f: getattr(assessment, f) for f in _COPIED},
    )
    assessment.status = Assessment.Status.SUPERSEDED
    signoff.decided(assessment, by=by, reason=signoff.SUPERSEDED).save()
    new.full_clean()
    _by(new, by).save()
    new.objectives.set(assessment.objectives.all())
    new.evaluation_measures.set(assessment.evaluation_measures.all())
    return new


# Award: suppliers, subcontractors, KPIs and commitments --------------------------------------


@transaction.atomic
def supplier_create(
    *, by: User, name: str, size: str, is_vcse: bool, identifier: str = ""
) -> Organisation:
    from people.services import organisation_register

    return organisation_register(
        by=by,
        name=name,
        kind=Organisation.Kind.SUPPLIER,
        size=size,
        is_vcse=is_vcse,
        identifier=identifier,
    )


@transaction.atomic
def subcontractor_add(*, contract: Contract, organisation: Organisation, by: User) -> None:
    if contract.stage not in (Stage.AWARDED, Stage.IN_DELIVERY):
        raise ValidationError("Subcontractors are added once the contract is awarded")
    if organisation.pk in award_supplier_ids(contract):
        raise ValidationError({"organisation": "That is a supplier on the award"})
    _by(contract, by)
    contract.subcontractors.add(organisation)


@transaction.atomic
def kpi_add(
    *, contract: Contract, by: User, name: str, target: str = ""
) -> KeyPerformanceIndicator:
    if contract.stage in (Stage.CLOSED, Stage.CANCELLED):
        raise ValidationError(f"The contract is {contract.get_stage_display().lower()}")
    kpi = KeyPerformanceIndicator(contract=contract, name=name.strip(), target=target.strip())
    kpi.full_clean()
    _by(kpi, by).save()
    return kpi


@transaction.atomic
def performance_rate(
    *, contract: Contract, by: User, period_end: datetime.date, rating: str, explanation: str = ""
) -> PerformanceAssessment:
    if contract.stage not in (Stage.IN_DELIVERY, Stage.CLOSED, Stage.AWARDED):
        raise ValidationError("A contract is rated once it is awarded")
    if period_end > timezone.localdate():
        raise ValidationError({"period_end": "The year being rated must have ended"})
    record = PerformanceAssessment(
        contract=contract,
        assessed_by=by,
        period_end=period_end,
        rating=rating,
        explanation=explanation.strip(),
    )
    record.full_clean()
    _by(record, by).save()
    return record


@transaction.atomic
def commitment_add(
    *,
    contract: Contract,
    by: User,
    measure: Measure,
    quantity: Decimal,
    area: Area,
    objective: Objective,
    start_date: datetime.date,
    due_date: datetime.date,
    delivered_by: Organisation | None = None,
    schedule: str = Commitment.Schedule.QUARTERLY,
) -> Commitment:
    """Counts first: a quantity of a measure, where, for which objective, by when. The proxy £
    per unit is copied now, so later framework changes do not rewrite history."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.stage not in (Stage.AWARDED, Stage.IN_DELIVERY):
        raise ValidationError("Commitments are recorded once the contract is awarded")
    delivered_by = delivered_by or contract.supplier
    if (
        delivered_by.pk not in award_supplier_ids(contract)
        and not contract.subcontractors.filter(pk=delivered_by.pk).exists()
    ):
        raise ValidationError(
            {
                "delivered_by": "Choose a supplier on the award or one of the subcontractors "
                "on this contract"
            }
        )
    commitment = Commitment(
        contract=contract,
        delivered_by=delivered_by,
        measure=measure,
        quantity=quantity,
        area=area,
        objective=objective,
        start_date=start_date,
        due_date=due_date,
        schedule=schedule,
        proxy_value=measure.proxy_value,
        proxy_source=measure.proxy_source,
        proxy_year=measure.proxy_year,
    )
    commitment.full_clean()
    _by(commitment, by).save()
    return commitment


@transaction.atomic
def commitment_set_recovery_action(*, commitment: Commitment, by: User, action: str) -> Commitment:
    commitment.recovery_action = action.strip()
    _by(commitment, by).save()
    return commitment


# Delivery returns -----------------------------------------------------------------------------


def _references(text: str) -> list[str]:
    keys = []
    for line in (text or "").replace(",", "\n").splitlines():
        key = line.strip()
        if key and key not in keys:
            keys.append(key[:120])
    return keys


def _save_claim_keys(delivery_return: DeliveryReturn) -> None:
    delivery_return.claim_keys.all().delete()
    keys = _references(delivery_return.beneficiary_references)
    measure = delivery_return.commitment.measure
    taken = set(
        ClaimKey.objects.filter(measure=measure, key__in=keys)
        .exclude(delivery_return=delivery_return)
        .values_list("key", flat=True)
    )
    if taken:
        raise ValidationError(
            {
                "beneficiary_references": (
                    f"Already claimed for {measure.code}: {', '.join(sorted(taken))}. The same delivery "
                    "cannot be counted twice"
                )
            }
        )
    try:
        with transaction.atomic():
            ClaimKey.objects.bulk_create(
                [ClaimKey(delivery_return=delivery_return, measure=measure, key=k) for k in keys]
            )
    except IntegrityError:
        raise ValidationError(
            {
                "beneficiary_references": "Some of these identifiers were just "
                "claimed elsewhere. Check and try again"
            }
        ) from None


def quantity_above_remaining(
    commitment: Commitment, quantity: Decimal, *, excluding: DeliveryReturn | None = None
) -> str | None:
    """A named rule: a returned quantity "far above" what was committed is one more than
    remains of the commitment (its whole quantity, less what its other returns count: verified,
    or claimed and not rejected). It may be true (a supplier can over-deliver), so it is not
    refused: its supplier is asked to check it and confirm, and the return records that they
    did. Returns the question to ask, or None."""
    counted = ledger.counted_elsewhere(commitment, excluding=excluding)
    remaining = max(commitment.quantity - counted, Decimal("0"))
    if quantity <= remaining:
        return None
    unit = commitment.measure.unit

    def n(value: Decimal) -> str:
        return f"{Decimal(value).normalize():,f}"

    left = f", and {n(remaining)} remain to be delivered" if counted else ""
    return (
        f"You entered {n(quantity)} {unit}: the commitment is {n(commitment.quantity)} {unit} "
        f"in all{left}. Check the quantity, and confirm it if it is right"
    )


def _check_quantity(commitment, quantity, confirmed: bool, *, excluding=None) -> bool:
    """Refuses a quantity far above the commitment unless confirmed; True if it was."""
    question = quantity_above_remaining(commitment, quantity, excluding=excluding)
    if question and not confirmed:
        raise ValidationError({"confirm_quantity": question})
    return bool(question)


@transaction.atomic
def return_submit(
    *,
    commitment: Commitment,
    period: ReportingPeriod,
    by: User,
    quantity: Decimal,
    evidence_text: str,
    attested: bool,
    beneficiary_references: str = "",
    supported_group: Organisation | None = None,
    files=(),
    quantity_confirmed: bool = False,
) -> DeliveryReturn:
    contract = commitment.contract
    if contract.stage not in (Stage.AWARDED, Stage.IN_DELIVERY):
        raise ValidationError(
            f"The contract is {contract.get_stage_display().lower()}: returns are no longer taken"
        )
    if period.contract_id != contract.pk:
        raise ValidationError({"period": "Choose a reporting period of this contract"})
    if not period_has_ended(period) and not period.early_returns_reason:
        raise ValidationError(
            {
                "period": f"You can make a return for this period once it has ended, on "
                f"{period.end:%-d %B %Y}"
            }
        )
    if quantity is None or quantity < 0:
        raise ValidationError({"quantity": "The quantity delivered cannot be negative"})
    if not evidence_text.strip():
        raise ValidationError({"evidence_text": "Describe the evidence for what was delivered"})
    if not attested:
        raise ValidationError(
            {
                "attested": "Confirm the delivery relates only to this contract "
                "and period, and is not claimed elsewhere"
            }
        )
    above = _check_quantity(commitment, quantity, quantity_confirmed)
    if (
        DeliveryReturn.objects.filter(commitment=commitment, period=period)
        .exclude(status=DeliveryReturn.Status.REJECTED)
        .exists()
    ):
        raise ValidationError(
            {
                "period": "A return for this commitment and period already "
                "exists. Change that one instead"
            }
        )
    delivery_return = DeliveryReturn(
        commitment=commitment,
        period=period,
        quantity=quantity,
        evidence_text=evidence_text.strip(),
        attested=True,
        beneficiary_references=beneficiary_references.strip(),
        supported_group=supported_group,
        submitted_by=by,
        quantity_confirmed_above_remaining=above,
    )
    delivery_return.full_clean()
    _by(delivery_return, by).save()
    ledger.record([commitment.pk])
    _save_claim_keys(delivery_return)
    _attach_files(delivery_return, files, by)
    if contract.stage == Stage.AWARDED:
        _set_stage(contract, Stage.IN_DELIVERY, by)
    if delivery_return.supported_group_id:
        notices.support_to_confirm(delivery_return=delivery_return)
    return delivery_return


def _attach_files(delivery_return: DeliveryReturn, files, by: User) -> None:
    for upload in files:
        kind = getattr(upload, "detected_type", None)
        if kind is None:
            from socialvalue.uploads import validate_evidence_file

            kind = validate_evidence_file(upload)
        EvidenceFile.objects.create(
            delivery_return=delivery_return,
            file=upload,
            original_name=upload.name[:200],
            content_type=kind.content_type,
            size=upload.size,
            uploaded_by=by,
        )


def _locked_return(delivery_return: DeliveryReturn, expected_version: int | None):
    current = (
        DeliveryReturn.objects.select_for_update()
        .select_related("commitment", "commitment__contract")
        .get(pk=delivery_return.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise ValidationError(
            "Someone else changed this return while you were looking at it. Check their "
            "change, then try again"
        )
    return current


def _decide(delivery_return, by, status, **fields):
    delivery_return.status = status
    delivery_return.decided_by = by
    delivery_return.decided_at = timezone.now()
    for name, value in fields.items():
        setattr(delivery_return, name, value)
    delivery_return.version += 1
    _by(delivery_return, by).save()
    ledger.record([delivery_return.commitment_id])
    return delivery_return


def return_verify_refusal(delivery_return: DeliveryReturn, by: User) -> str | None:
    """Why `by` cannot verify the return in its present state, or None. The service asks it
    under a lock; the page that verifies several at once asks it first, to list them."""
    r = delivery_return
    if r.status not in (DeliveryReturn.Status.SUBMITTED, DeliveryReturn.Status.QUERIED):
        return f"This return is already {r.get_status_display().lower()}"
    if r.submitted_by_id == by.pk:
        return "You cannot verify a return you submitted. Ask a colleague"
    if r.status == DeliveryReturn.Status.QUERIED and not r.answer.strip():
        return "Wait for the supplier to answer the query before verifying"
    period = r.period
    if not period_has_ended(period) and not period.early_returns_reason:
        # Nothing is verified in a period that has not ended (issue 14). A group's confirmed
        # receipt can start a return early (`return_add_confirmed_support`): it waits, claimed.
        return (
            f"Its reporting period ends on {period.end:%-d %B %Y}: verify it once the period "
            "has ended, or allow early returns for the period"
        )
    return None


@transaction.atomic
def return_verify(
    *, delivery_return: DeliveryReturn, by: User, expected_version: int | None = None
) -> DeliveryReturn:
    r = _locked_return(delivery_return, expected_version)
    refusal = return_verify_refusal(r, by)
    if refusal:
        raise ValidationError(refusal)
    r = _decide(r, by, DeliveryReturn.Status.VERIFIED)
    notices.return_decided(delivery_return=r)
    return r


@transaction.atomic
def return_query(
    *, delivery_return: DeliveryReturn, by: User, question: str, expected_version: int | None = None
) -> DeliveryReturn:
    r = _locked_return(delivery_return, expected_version)
    if r.status != DeliveryReturn.Status.SUBMITTED:
        raise ValidationError(
            f"This return is {r.get_status_display().lower()}: it cannot be queried"
        )
    if not question.strip():
        raise ValidationError({"question": "Enter the question for the supplier"})
    r = _decide(r, by, DeliveryReturn.Status.QUERIED, query=question.strip(), answer="")
    notices.return_decided(delivery_return=r)
    return r


@transaction.atomic
def return_answer(
    *,
    delivery_return: DeliveryReturn,
    by: User,
    answer: str,
    quantity: Decimal | None = None,
    files=(),
    expected_version: int | None = None,
    quantity_confirmed: bool = False,
) -> DeliveryReturn:
    r = _locked_return(delivery_return, expected_version)
    if r.status != DeliveryReturn.Status.QUERIED:
        raise ValidationError("Only a queried return can be answered")
    if not answer.strip():
        raise ValidationError({"answer": "Enter your answer to the query"})
    r.answer = answer.strip()
    if quantity is not None:
        if quantity < 0:
            raise ValidationError({"quantity": "The quantity delivered cannot be negative"})
        r.quantity_confirmed_above_remaining = _check_quantity(
            r.commitment, quantity, quantity_confirmed, excluding=r
        )
        r.quantity = quantity
    r.status = DeliveryReturn.Status.SUBMITTED
    r.version += 1
    r.full_clean()
    _by(r, by).save()
    ledger.record([r.commitment_id])
    _attach_files(r, files, by)
    return r


@transaction.atomic
def return_reject(
    *, delivery_return: DeliveryReturn, by: User, reason: str, expected_version: int | None = None
) -> DeliveryReturn:
    r = _locked_return(delivery_return, expected_version)
    if r.status not in (DeliveryReturn.Status.SUBMITTED, DeliveryReturn.Status.QUERIED):
        raise ValidationError(f"This return is already {r.get_status_display().lower()}")
    if not reason.strip():
        raise ValidationError({"reason": "Explain why the return is rejected"})
    r = _decide(r, by, DeliveryReturn.Status.REJECTED, rejection_reason=reason.strip())
    # Rejected claims free their identifiers for a corrected return.
    r.claim_keys.all().delete()
    notices.return_decided(delivery_return=r)
    return r


@transaction.atomic
def return_confirm_support(*, delivery_return: DeliveryReturn, by: User) -> DeliveryReturn:
    r = DeliveryReturn.objects.select_for_update().get(pk=delivery_return.pk)
    if not r.supported_group_id:
        raise ValidationError("This return does not name a group that received support")
    if r.status not in DeliveryReturn.SUPPORT_CONFIRMABLE:
        raise ValidationError(
            f"This return is {r.get_status_display().lower()}: only a submitted or verified "
            "return can be confirmed"
        )
    if r.group_confirmed_at:
        raise ValidationError("The group has already confirmed this support")
    r.group_confirmed_at = timezone.now()
    r.group_confirmed_by = by
    r.version += 1
    _by(r, by).save()
    return r


def period_of(commitment: Commitment, day: datetime.date) -> ReportingPeriod | None:
    """The reporting period of the commitment's contract that `day` falls in, if any."""
    return ReportingPeriod.objects.filter(
        contract_id=commitment.contract_id, start__lte=day, end__gte=day
    ).first()


@transaction.atomic
def return_add_confirmed_support(
    *,
    commitment: Commitment,
    received_on: datetime.date,
    quantity: Decimal,
    evidence_text: str,
    supported_group: Organisation,
    claimed_by: User,
    confirmed_by: User,
) -> tuple[DeliveryReturn | None, str]:
    """A named rule: support that a group confirmed it received, against a supplier's
    commitment (a pledge on the needs board), is counted in that commitment's return for the
    period it was received in, so the supplier never types it again and it is counted once,
    through the ledger. It joins the period's return while that waits for verification
    (submitted or queried), or starts the return, already confirmed by the group, even before
    the period ends (the recipient's confirmation is its evidence). A verified return is never
    changed: support received in a period whose return is already verified is not counted,
    and the reason says so. `claimed_by` is who claimed it for the supplier (and attested it
    is claimed nowhere else); the officer verifies it like any return.

    Returns the return it was counted in (or None) and, when not counted, why."""
    contract = commitment.contract
    if contract.stage not in (Stage.AWARDED, Stage.IN_DELIVERY):
        return None, f"The contract is {contract.get_stage_display().lower()}: returns are closed"
    if commitment.withdrawn_at:
        return None, "The commitment was withdrawn"
    period = period_of(commitment, received_on)
    if period is None:
        return None, f"{received_on:%-d %B %Y} is outside the contract's reporting periods"
    existing = (
        DeliveryReturn.objects.select_for_update()
        .filter(commitment=commitment, period=period)
        .exclude(status=DeliveryReturn.Status.REJECTED)
        .first()
    )
    line = evidence_text.strip()
    if existing is None:
        r = DeliveryReturn(
            commitment=commitment,
            period=period,
            quantity=quantity,
            evidence_text=line,
            attested=True,
            supported_group=supported_group,
            group_confirmed_at=timezone.now(),
            group_confirmed_by=confirmed_by,
            submitted_by=claimed_by,
        )
    elif existing.status in ledger.CLAIMED_STATUSES:
        r = existing
        r.quantity += quantity
        r.evidence_text = f"{r.evidence_text}\n\n{line}"
        r.version += 1
    else:
        return None, (
            f"The return for {period} was already {existing.get_status_display().lower()} "
            "before this support was confirmed"
        )
    r.full_clean()
    _by(r, confirmed_by).save()
    ledger.record([commitment.pk])
    if contract.stage == Stage.AWARDED:
        _set_stage(contract, Stage.IN_DELIVERY, confirmed_by)
    return r, ""
