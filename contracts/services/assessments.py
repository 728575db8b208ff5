"""The section 1 social impact assessment: started, saved section by section, submitted, returned,
approved and reopened as a new version."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import User

from .. import notices, signoff
from ..models import (
    Assessment,
    Contract,
)
from .common import Stage, _by, _set_stage

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
