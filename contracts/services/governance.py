"""Who decides for a public body: exemptions from the Act proposed and confirmed by a second
person, joint arrangements between bodies (`JointArrangement`, `ArrangementMember`) and the
threshold below which a body does not apply the Act (`ExemptionThreshold`).

A body is in an arrangement only once an organisation admin of that body confirms it: the
services check that, whatever page, admin form or import calls them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import Organisation, User
from people.permissions import administered_ids
from places.models import Place
from socialvalue.rules import unrestricted

from .. import signoff
from ..models import (
    ArrangementMember,
    Assessment,
    Contract,
    Exemption,
    ExemptionThreshold,
    JointArrangement,
)
from .common import Stage, _by


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


def _admin_of(user: User, organisation: Organisation) -> bool:
    return unrestricted(user) or organisation.pk in administered_ids(user)


def _add_member(arrangement: JointArrangement, organisation: Organisation, by: User):
    """Add a body; it counts at once if `by` is one of its organisation admins, otherwise once
    one of them confirms."""
    now = timezone.now()
    confirmed = _admin_of(by, organisation)
    member = ArrangementMember(
        arrangement=arrangement,
        organisation=organisation,
        added_by=by,
        added_at=now,
        confirmed_by=by if confirmed else None,
        confirmed_at=now if confirmed else None,
    )
    member.full_clean()
    _by(member, by).save()
    return member


@transaction.atomic
def arrangement_record(
    *, by: User, place: Place, name: str, reference: str, bodies
) -> JointArrangement:
    """Record a joint arrangement between at least two public bodies of `place`, one of them a
    body `by` is an organisation admin of. The others join once their admins confirm."""
    bodies = list(dict.fromkeys(bodies))
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the arrangement's name"
    if not reference.strip():
        errors["reference"] = "Enter where the arrangement is recorded"
    if len(bodies) < 2:
        errors["bodies"] = "Choose at least two bodies"
    elif not any(_admin_of(by, body) for body in bodies):
        errors["bodies"] = "Include a body you are an organisation admin of"
    if errors:
        raise ValidationError(errors)
    arrangement = JointArrangement(
        place=place, name=name.strip(), reference=reference.strip(), recorded_by=by
    )
    arrangement.full_clean()
    _by(arrangement, by).save()
    for body in bodies:
        _add_member(arrangement, body, by)
    return arrangement


def _current(arrangement: JointArrangement) -> JointArrangement:
    arrangement = JointArrangement.objects.select_for_update().get(pk=arrangement.pk)
    if not arrangement.is_current:
        raise ValidationError("This arrangement has ended. Record a new one instead")
    return arrangement


@transaction.atomic
def arrangement_update(
    *, arrangement: JointArrangement, by: User, name: str, reference: str, add_bodies=()
) -> JointArrangement:
    """Change the name or reference, or add bodies (each counts once its admins confirm)."""
    arrangement = _current(arrangement)
    arrangement.name, arrangement.reference = name.strip(), reference.strip()
    arrangement.full_clean()
    _by(arrangement, by).save()
    present = set(
        arrangement.members.filter(ended_at__isnull=True).values_list("organisation_id", flat=True)
    )
    for body in add_bodies:
        if body.pk not in present:
            _add_member(arrangement, body, by)
    return arrangement


def _pending(member: ArrangementMember, by: User) -> ArrangementMember:
    member = (
        ArrangementMember.objects.select_for_update()
        .select_related("arrangement", "organisation")
        .get(pk=member.pk)
    )
    if not member.arrangement.is_current or member.ended_at is not None:
        raise ValidationError("This arrangement has ended")
    if member.confirmed_at is not None:
        raise ValidationError(f"{member.organisation} has already confirmed it is in it")
    if not _admin_of(by, member.organisation):
        raise ValidationError(f"Only an organisation admin of {member.organisation} can answer")
    return member


@transaction.atomic
def arrangement_confirm(*, member: ArrangementMember, by: User) -> ArrangementMember:
    """An admin of the body confirms it is in the arrangement: from now its officers and
    leaders sign off for the other members, and theirs for it."""
    member = _pending(member, by)
    member.confirmed_by, member.confirmed_at = by, timezone.now()
    _by(member, by).save()
    return member


@transaction.atomic
def arrangement_decline(*, member: ArrangementMember, by: User) -> ArrangementMember:
    """An admin of the body says it is not in the arrangement: the invitation is ended."""
    member = _pending(member, by)
    member.ended_by, member.ended_at = by, timezone.now()
    _by(member, by).save()
    return member


@transaction.atomic
def arrangement_end(*, arrangement: JointArrangement, by: User) -> JointArrangement:
    """End the arrangement for every member: each body signs off within itself again. Kept."""
    arrangement = _current(arrangement)
    arrangement.ended_by, arrangement.ended_at = by, timezone.now()
    arrangement.full_clean()
    _by(arrangement, by).save()
    return arrangement


@transaction.atomic
def threshold_set(
    *, organisation: Organisation, by: User, value, reference: str
) -> ExemptionThreshold:
    """Record the body's threshold (its own policy: contracts estimated below it may be
    exempted). A new record each time: the latest is in force, earlier ones are kept."""
    if not _admin_of(by, organisation):
        raise ValidationError(f"Only an organisation admin of {organisation} sets its threshold")
    if not reference.strip():
        raise ValidationError({"reference": "Enter the policy or decision that sets the threshold"})
    threshold = ExemptionThreshold(
        organisation=organisation, value=value, reference=reference.strip(), recorded_by=by
    )
    threshold.full_clean()
    _by(threshold, by).save()
    return threshold
