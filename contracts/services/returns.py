"""Delivery returns: submitted with their evidence and claim keys, verified, queried, answered
and rejected. Support a group confirmed it received is `support`."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from people.models import Organisation, User

from .. import ledger, notices
from ..models import (
    ClaimKey,
    Commitment,
    DeliveryReturn,
    EvidenceFile,
    ReportingPeriod,
)
from .common import Stage, _by, _set_stage
from .periods import period_has_ended

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


def _check_return(contract, period, quantity, evidence_text: str, attested: bool) -> None:
    """Refuses a return the contract no longer takes, for another contract's period or one not
    yet ended (unless early returns are allowed), or without a quantity, evidence or the
    supplier's attestation."""
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
    _check_return(contract, period, quantity, evidence_text, attested)
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
