"""The notifications contracts raise, each through `notifications.services.notify`, which
tells only people who may see the contract (or, for a supported group, the return)."""

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from notifications.models import Kind
from notifications.services import notify
from people.models import Membership, User
from socialvalue.numbers import format_quantity
from socialvalue.rules import allowed

from . import signoff
from .models import Contract, DeliveryReturn, ReportingPeriod
from .querysets import OPEN_STAGES


def _sees_contract(contract_id: int):
    return lambda user: Contract.objects.visible_to(user).filter(pk=contract_id).exists()


def _members(organisation_ids, *roles) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.current().filter(
                organisation_id__in=organisation_ids, role__in=roles
            ),
        ).distinct()
    )


def assessment_submitted(*, assessment) -> None:
    """Everyone who may sign off the submitted assessment (the second-person rule decides)."""
    contract = assessment.contract
    candidates = _members([contract.buyer_id], Membership.Role.OFFICER, Membership.Role.LEADER)
    notify(
        kind=Kind.ASSESSMENT_SUBMITTED,
        recipients=[u for u in candidates if signoff.may_sign_off(u, assessment)],
        may_see=_sees_contract(contract.pk),
        title=f"Assessment for {contract.title} is waiting for your sign-off",
        path=assessment.get_absolute_url(),
    )


def assessment_decided(*, assessment, by, approved: bool) -> None:
    """Those who wrote, changed or submitted the assessment hear it was approved or sent back."""
    contract = assessment.contract
    people = User.objects.filter(pk__in=set(signoff.took_part(assessment)) - {by.pk})
    if approved:
        kind, title = Kind.ASSESSMENT_APPROVED, f"Assessment for {contract.title} was approved"
        body = ""
    else:
        kind = Kind.ASSESSMENT_RETURNED
        title = f"Assessment for {contract.title} was sent back"
        body = assessment.returned_reason
    notify(
        kind=kind,
        recipients=people,
        may_see=_sees_contract(contract.pk),
        title=title,
        body=body,
        path=assessment.get_absolute_url(),
    )


_DECIDED = {
    DeliveryReturn.Status.VERIFIED: (Kind.RETURN_VERIFIED, "was verified"),
    DeliveryReturn.Status.QUERIED: (Kind.RETURN_QUERIED, "was queried"),
    DeliveryReturn.Status.REJECTED: (Kind.RETURN_REJECTED, "was rejected"),
}


def return_decided(*, delivery_return) -> None:
    """The supplier who submitted a return hears it was verified, queried or rejected."""
    kind, verb = _DECIDED[delivery_return.status]
    contract = delivery_return.commitment.contract
    measure = delivery_return.commitment.measure
    body = {
        DeliveryReturn.Status.QUERIED: delivery_return.query,
        DeliveryReturn.Status.REJECTED: delivery_return.rejection_reason,
    }.get(delivery_return.status, "")
    notify(
        kind=kind,
        recipients=[delivery_return.submitted_by],
        may_see=_sees_contract(contract.pk),
        title=(
            f"Your return on {contract.title}, {measure.code} {measure.name}, "
            f"{delivery_return.period} {verb}"
        ),
        body=body,
        path=reverse("contracts:return_detail", kwargs={"pk": delivery_return.pk}),
    )


def support_to_confirm(*, delivery_return) -> None:
    """A VCS group named as supported is asked to confirm it (its people cannot see the
    contract: the rule is `contracts.confirm_support`)."""
    group = delivery_return.supported_group
    commitment = delivery_return.commitment
    what = format_quantity(delivery_return.quantity, commitment.measure.unit)
    notify(
        kind=Kind.SUPPORT_CONFIRMATION,
        recipients=_members([group.pk], *Membership.Role.values),
        may_see=lambda user: allowed(user, "contracts.confirm_support", delivery_return),
        # Specific, so a list of several requests can be told apart (the same words for
        # every request was found from outside: fifteen identical lines).
        title=(
            f"{commitment.delivered_by} asks {group} to confirm {what}: "
            f"{commitment.measure.name}, {delivery_return.period}"
        ),
        path=reverse("contracts:return_confirm", kwargs={"pk": delivery_return.pk}),
    )


# Overdue reminders look back this far: an old gap is for the officer's list, not a reminder.
OVERDUE_LOOKBACK = datetime.timedelta(days=90)
# "Due" starts this long before a period ends.
DUE_AHEAD = datetime.timedelta(days=14)


def returns_reminders(*, today: datetime.date | None = None) -> int:
    """Remind the delivering supplier's contacts of each return due (its period ends within
    `DUE_AHEAD`) or overdue (its period ended, within `OVERDUE_LOOKBACK`). Each reminder is
    raised once per commitment and period (a re-run tells nobody twice)."""
    today = today or timezone.localdate()
    missing = (
        ReportingPeriod.objects.filter(
            ~Exists(
                DeliveryReturn.objects.exclude(status=DeliveryReturn.Status.REJECTED).filter(
                    commitment_id=OuterRef("contract__commitments"), period_id=OuterRef("pk")
                )
            ),
            end__gte=today - OVERDUE_LOOKBACK,
            end__lte=today + DUE_AHEAD,
            contract__commitments__withdrawn_at__isnull=True,
            contract__stage__in=OPEN_STAGES,
        )
        .values_list(
            "pk",
            "end",
            "contract_id",
            "contract__title",
            "contract__commitments",
            "contract__commitments__delivered_by_id",
            "contract__commitments__measure__code",
            "contract__commitments__measure__name",
        )
        .order_by("end")
    )
    told = 0
    for row in missing[:5000]:
        period_id, end, contract_id, title, commitment_id, delivered_by, code, measure = row
        overdue = end < today
        kind = Kind.RETURN_OVERDUE if overdue else Kind.RETURN_DUE
        when = f"was due by {end:%-d %B %Y}" if overdue else f"is due by {end:%-d %B %Y}"
        told += len(
            notify(
                kind=kind,
                recipients=_members(
                    [delivered_by], Membership.Role.SUPPLIER_CONTACT, Membership.Role.ORG_ADMIN
                ),
                may_see=_sees_contract(contract_id),
                # One reminder per commitment, so each names its measure.
                title=f"A delivery return for {title}, {code} {measure}, {when}",
                path=reverse("contracts:return_list"),
                dedupe_key=f"{kind}:{commitment_id}:{period_id}",
            )
        )
    return told
