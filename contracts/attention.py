"""The contract work waiting for a person: sign-offs, returns to verify, queries to answer."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from people.models import Membership
from people.permissions import organisation_ids
from socialvalue.attention import Attention, capped_count

from .models import Assessment, Commitment, Contract, DeliveryReturn, Exemption
from .querysets import reported_by
from .signoff import awaiting_sign_off

Role = Membership.Role


def _bought_by(orgs):
    return Q(buyer_id__in=orgs) | Q(
        Exists(
            Contract.joint_buyers.through.objects.filter(
                contract_id=OuterRef("pk"), organisation_id__in=orgs
            )
        )
    )


def contract_attention(user) -> list[Attention]:
    items = []
    officers = organisation_ids(user, Role.OFFICER)
    suppliers = organisation_ids(user, Role.SUPPLIER_CONTACT, Role.ORG_ADMIN)
    if organisation_ids(user, Role.OFFICER, Role.LEADER):
        # The sign-off rule in SQL: those this person may sign off, not all submitted ones.
        count = capped_count(awaiting_sign_off(user, Assessment.objects.all()))
        items.append(
            Attention(
                count,
                "social value assessment is waiting for your sign-off",
                "social value assessments are waiting for your sign-off",
                reverse("contracts:contract_list") + "?sign_off=mine",
            )
        )
        count = capped_count(awaiting_sign_off(user, Exemption.objects.all()))
        items.append(
            Attention(
                count,
                "exemption from the Act is waiting for your confirmation",
                "exemptions from the Act are waiting for your confirmation",
                reverse("contracts:contract_list") + "?sign_off=mine",
            )
        )
    if officers:
        count = capped_count(
            DeliveryReturn.objects.filter(status="submitted")
            .exclude(submitted_by=user)
            .filter(commitment__contract__in=Contract.objects.filter(_bought_by(officers)))
        )
        items.append(
            Attention(
                count,
                "delivery return is waiting to be verified",
                "delivery returns are waiting to be verified",
                reverse("contracts:return_list"),
            )
        )
    if suppliers:
        count = capped_count(
            # Those they may answer: on current commitments of contracts still taking returns,
            # as the returns list shows them.
            DeliveryReturn.objects.filter(
                status="queried",
                commitment__in=Commitment.objects.open_for_returns().filter(reported_by(suppliers)),
            )
        )
        items.append(
            Attention(
                count,
                "query about a return needs your answer",
                "queries about returns need your answer",
                reverse("contracts:return_list"),
            )
        )
    return items
