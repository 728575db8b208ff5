"""What waits for a person in contract work, one queryset per queue.

Each queue is the rows of the list the home page links to, already narrowed to what the person
may see: the home page counts it (`contracts.attention`) and the list shows it (the contracts
list's `?sign_off=`, the returns queue pages), so a count and its list are one truth and
cannot disagree.
"""

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from people.models import Membership
from people.permissions import organisation_ids

from .models import Assessment, Commitment, Contract, DeliveryReturn, Exemption, ReportingPeriod
from .querysets import reported_by
from .signoff import awaiting_sign_off

Role = Membership.Role
Status = DeliveryReturn.Status


def contracts_with_assessment_to_sign_off(user) -> QuerySet:
    """Contracts the person sees whose submitted assessment they may sign off."""
    waiting = awaiting_sign_off(user, Assessment.objects.all()).values("contract_id")
    return Contract.objects.visible_to(user).filter(pk__in=waiting)


def contracts_with_exemption_to_confirm(user) -> QuerySet:
    """Contracts the person sees whose proposed exemption they may confirm or decline."""
    waiting = awaiting_sign_off(user, Exemption.objects.all()).values("contract_id")
    return Contract.objects.visible_to(user).filter(pk__in=waiting)


SIGN_OFF_QUEUES = {
    "assessment": contracts_with_assessment_to_sign_off,
    "exemption": contracts_with_exemption_to_confirm,
}


def _seen_returns(user) -> QuerySet:
    return DeliveryReturn.objects.filter(commitment__contract__in=Contract.objects.visible_to(user))


def returns_to_verify(user) -> QuerySet:
    """Submitted returns on contracts the person runs as an officer of the buyer or a joint
    buyer (who `contracts.verify_return` allows; a superuser is not an officer), not their
    own."""
    officers = organisation_ids(user, Role.OFFICER)
    if not officers:
        return DeliveryReturn.objects.none()
    bought = Q(buyer_id__in=officers) | Q(
        pk__in=Contract.joint_buyers.through.objects.filter(organisation_id__in=officers).values(
            "contract_id"
        )
    )
    return (
        _seen_returns(user)
        .filter(status=Status.SUBMITTED, commitment__contract__in=Contract.objects.filter(bought))
        .exclude(submitted_by=user)
    )


def answers_to_read(user) -> QuerySet:
    """Of the returns to verify, those whose supplier has answered an officer's query."""
    return returns_to_verify(user).exclude(answer="")


def _reporting_orgs(user) -> set[int]:
    return organisation_ids(user, Role.SUPPLIER_CONTACT, Role.ORG_ADMIN)


def _reported_commitments(user) -> QuerySet:
    """Current commitments on contracts taking returns that the person's supplier reports on."""
    suppliers = _reporting_orgs(user)
    if not suppliers:
        return Commitment.objects.none()
    return (
        Commitment.objects.open_for_returns()
        .filter(reported_by(suppliers))
        .filter(contract__in=Contract.objects.visible_to(user))
    )


def queries_to_answer(user) -> QuerySet:
    """Queried returns on the commitments the person's supplier reports on."""
    return DeliveryReturn.objects.filter(
        status=Status.QUERIED, commitment__in=_reported_commitments(user)
    )


def support_to_confirm(user) -> QuerySet:
    """Returns naming one of the person's groups as supported, not yet confirmed by it."""
    groups = organisation_ids(user)
    if not groups:
        return DeliveryReturn.objects.none()
    return DeliveryReturn.objects.filter(
        supported_group_id__in=groups,
        status__in=DeliveryReturn.SUPPORT_CONFIRMABLE,
        group_confirmed_at__isnull=True,
    )


def returns_due(user) -> QuerySet:
    """Each (reporting period, commitment) pair with no return yet, for a period that has
    started, on the commitments the person's supplier reports on: reporting periods, each
    with the commitment as `commitment_pk`. In one filter() call, so that the subquery's
    commitment is the joined one."""
    today = timezone.localdate()
    return ReportingPeriod.objects.filter(
        ~Exists(
            DeliveryReturn.objects.filter(
                commitment_id=OuterRef("contract__commitments"), period_id=OuterRef("pk")
            )
        ),
        start__lte=today,
        contract__commitments__in=_reported_commitments(user),
    ).annotate(commitment_pk=F("contract__commitments"))


def returns_overdue(user) -> QuerySet:
    """The returns due whose period has ended."""
    return returns_due(user).filter(end__lt=timezone.localdate())


RETURN_QUEUES = {
    "verify": returns_to_verify,
    "answered": answers_to_read,
    "answer": queries_to_answer,
    "confirm": support_to_confirm,
}
DUE_QUEUES = {"due": returns_due, "overdue": returns_overdue}
