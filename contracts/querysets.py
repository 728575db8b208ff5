from django.db import models
from django.db.models import Exists, OuterRef, Q, Sum


class ContractQuerySet(models.QuerySet):
    SUPPLIER_VISIBLE_STAGES = ("awarded", "in_delivery", "closed")

    def visible_to(self, user):
        """Buying organisations' people see their contracts; leaders of a place's public bodies
        see the place's; a supplier's contacts see their own contracts from award on (as the
        main supplier or a subcontractor). Everyone else sees none: 404."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
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
            condition |= Q(buyer_id__in=buyer_orgs) | Q(
                Exists(
                    self.model.joint_buyers.through.objects.filter(
                        contract_id=OuterRef("pk"), organisation_id__in=buyer_orgs
                    )
                )
            )
        if led_places:
            condition |= Q(place_id__in=led_places)
        if supplier_orgs:
            condition |= Q(stage__in=self.SUPPLIER_VISIBLE_STAGES) & (
                Q(supplier_id__in=supplier_orgs)
                | Q(
                    Exists(
                        self.model.subcontractors.through.objects.filter(
                            contract_id=OuterRef("pk"), organisation_id__in=supplier_orgs
                        )
                    )
                )
            )
        return self.filter(condition)

    def managed_by(self, user):
        """Officers of the buyer or a joint buyer manage a contract."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        from people.models import Membership
        from people.permissions import organisation_ids

        orgs = organisation_ids(user, Membership.Role.OFFICER)
        if not orgs:
            return self.none()
        return self.filter(
            Q(buyer_id__in=orgs)
            | Q(
                Exists(
                    self.model.joint_buyers.through.objects.filter(
                        contract_id=OuterRef("pk"), organisation_id__in=orgs
                    )
                )
            )
        )

    def for_list(self):
        return self.select_related("buyer", "supplier", "owner", "place").annotate(
            commitment_count=models.Count(
                "commitments", filter=Q(commitments__withdrawn_at__isnull=True), distinct=True
            )
        )


class CommitmentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(withdrawn_at__isnull=True)

    def with_delivery(self):
        """Verified and claimed-but-unverified quantities per commitment, in SQL."""
        return self.annotate(
            verified_quantity=models.functions.Coalesce(
                Sum("returns__quantity", filter=Q(returns__status="verified")),
                models.Value(0, output_field=models.DecimalField()),
            ),
            claimed_quantity=models.functions.Coalesce(
                Sum("returns__quantity", filter=Q(returns__status__in=["submitted", "queried"])),
                models.Value(0, output_field=models.DecimalField()),
            ),
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
        if user.is_superuser:
            return self
        from people.models import Membership
        from people.permissions import organisation_ids

        from .models import Contract

        condition = Q(commitment__contract__in=Contract.objects.managed_by(user))
        supplier_orgs = organisation_ids(
            user, Membership.Role.SUPPLIER_CONTACT, Membership.Role.ORG_ADMIN
        )
        if supplier_orgs:
            condition |= (
                Q(commitment__delivered_by_id__in=supplier_orgs)
                | Q(commitment__contract__supplier_id__in=supplier_orgs)
            ) & Q(commitment__contract__in=Contract.objects.visible_to(user))
        return self.filter(condition)
