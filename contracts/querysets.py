from django.db import models
from django.db.models import Exists, OuterRef, Q

from socialvalue.rules import unrestricted

# A contract takes delivery returns, and answers to queries about them, while it is awarded or
# in delivery (`contracts.submit_return`, `contracts.answer_query`).
OPEN_STAGES = ("awarded", "in_delivery")


def _linked_to(through, organisation_ids) -> Q:
    """Contracts linked to any of `organisation_ids` through the m2m table `through` (joint
    buyers, subcontractors). An uncorrelated `pk IN (SELECT contract_id ...)`, which PostgreSQL
    runs once as a hashed subplan, where a correlated EXISTS ran once per contract row: at
    100,000 contracts that was most of the list's count query."""
    return Q(
        pk__in=through.objects.filter(organisation_id__in=organisation_ids).values("contract_id")
    )


def reported_by(organisation_ids, prefix: str = "") -> Q:
    """Commitments (at `prefix`) that the organisations report on (`permissions.reporting_orgs`
    as a query): as the organisation delivering them, or as the first supplier on the award of
    their contract, for the commitments of its subcontractors (not of the award's other
    suppliers). The suppliers' contracts are read first (one query): with the OR spanning
    commitments and contracts, PostgreSQL joined every commitment to its contract (100 ms at
    county scale); on commitments alone, two index scans answer in 3 ms."""
    from .models import AwardSupplier, Contract

    contract_ids = list(
        Contract.objects.filter(supplier_id__in=organisation_ids).values_list("pk", flat=True)
    )
    delivered_by_award_supplier = Exists(
        AwardSupplier.objects.filter(
            contract_id=OuterRef(f"{prefix}contract_id"),
            organisation_id=OuterRef(f"{prefix}delivered_by_id"),
        )
    )
    return Q(**{f"{prefix}delivered_by_id__in": organisation_ids}) | (
        Q(**{f"{prefix}contract_id__in": contract_ids}) & ~Q(delivered_by_award_supplier)
    )


class ContractQuerySet(models.QuerySet):
    SUPPLIER_VISIBLE_STAGES = ("awarded", "in_delivery", "closed")

    def visible_to(self, user):
        """Buying organisations' people see their contracts, and officers and leaders of bodies
        in a joint arrangement with the buyer see them too; leaders of a place's public bodies
        see the place's; a supplier's contacts see their own contracts from award on (as the
        supplier on the award or a subcontractor). Everyone else sees none: 404."""
        if not user.is_authenticated:
            return self.none()
        if unrestricted(user):
            return self
        from people.models import Membership
        from people.permissions import organisation_ids, place_ids

        buyer_orgs = organisation_ids(
            user, Membership.Role.OFFICER, Membership.Role.LEADER, Membership.Role.ORG_ADMIN
        )
        supplier_orgs = organisation_ids(
            user, Membership.Role.SUPPLIER_CONTACT, Membership.Role.ORG_ADMIN
        )
        led_places = place_ids(user, Membership.Role.LEADER)
        condition = Q(pk__in=[])
        if buyer_orgs:
            condition |= Q(buyer_id__in=buyer_orgs) | _linked_to(
                self.model.joint_buyers.through, buyer_orgs
            )
        signers = organisation_ids(user, Membership.Role.OFFICER, Membership.Role.LEADER)
        if signers:
            # Officers and leaders of a body in a joint arrangement may sign off its partners'
            # decisions (`signoff.signing_bodies`), so they see the partners' contracts.
            from .signoff import partner_bodies

            condition |= Q(buyer_id__in=partner_bodies(signers))
        if led_places:
            condition |= Q(place_id__in=led_places)
        if supplier_orgs:
            from .models import AwardSupplier

            condition |= Q(stage__in=self.SUPPLIER_VISIBLE_STAGES) & (
                Q(supplier_id__in=supplier_orgs)
                | _linked_to(AwardSupplier, supplier_orgs)
                | _linked_to(self.model.subcontractors.through, supplier_orgs)
            )
        return self.filter(condition)

    def managed_by(self, user):
        """Officers of the buyer or a joint buyer manage a contract."""
        if not user.is_authenticated:
            return self.none()
        if unrestricted(user):
            return self
        from people.models import Membership
        from people.permissions import organisation_ids

        orgs = organisation_ids(user, Membership.Role.OFFICER)
        if not orgs:
            return self.none()
        return self.filter(Q(buyer_id__in=orgs) | _linked_to(self.model.joint_buyers.through, orgs))

    def for_list(self):
        """What a row of the contracts list shows, bar its commitment count: the page's counts
        come from `with_commitment_counts`, one query for the page's rows. An annotation is
        computed for every row the database sorts or skips past (a correlated subquery for each
        row before a deep page's OFFSET; a JOIN and GROUP BY for every visible contract, in the
        paginator's count too)."""
        return self.select_related("buyer", "supplier")


def with_commitment_counts(contracts) -> list:
    """Sets `commitment_count` (current, not withdrawn, commitments) on each of `contracts`, in
    one query whatever their number, and returns them as a list."""
    from .models import Commitment

    contracts = list(contracts)
    counts = (
        dict(
            Commitment.objects.current()
            .filter(contract_id__in=[c.pk for c in contracts])
            .order_by()
            .values("contract_id")
            .annotate(n=models.Count("pk"))
            .values_list("contract_id", "n")
        )
        if contracts
        else {}
    )
    for contract in contracts:
        contract.commitment_count = counts.get(contract.pk, 0)
    return contracts


class CommitmentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(withdrawn_at__isnull=True)

    def open_for_returns(self):
        """Current commitments on contracts that take returns (`OPEN_STAGES`)."""
        return self.current().filter(contract__stage__in=OPEN_STAGES)

    def with_delivery(self):
        """Verified and claimed-but-unverified quantities per commitment, from the ledger's
        totals (`contracts.ledger`)."""
        zero = models.Value(0, output_field=models.DecimalField())
        return self.annotate(
            verified_quantity=models.functions.Coalesce("delivery_total__verified", zero),
            claimed_quantity=models.functions.Coalesce("delivery_total__claimed", zero),
        )


class DeliveryReturnQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status="verified")

    def evidence_downloadable_by(self, user):
        """The returns whose evidence files the user may download: the named rule
        `contracts.download_evidence` as a queryset. Officers of a buying organisation, and
        the supplier contacts of the delivering organisation or main supplier while they can
        see the contract; nobody else (leaders included)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if unrestricted(user):
            return self
        from people.models import Membership
        from people.permissions import organisation_ids

        from .models import Contract

        condition = Q(commitment__contract__in=Contract.objects.managed_by(user))
        supplier_orgs = organisation_ids(
            user, Membership.Role.SUPPLIER_CONTACT, Membership.Role.ORG_ADMIN
        )
        if supplier_orgs:
            condition |= reported_by(supplier_orgs, "commitment__") & Q(
                commitment__contract__in=Contract.objects.visible_to(user)
            )
        return self.filter(condition)
