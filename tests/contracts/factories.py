"""Factories for contracts, commitments and returns.

`ContractFactory` builds a valid contract in planning: a place, a local authority serving it as
the buyer, and a user as owner. `AwardedContractFactory` builds one at the awarded stage with a
supplier; an approved section 1 assessment dated before procurement started (pass
`assessment=False` to leave it out); a contract period that started about 400 days ago, so four or more
financial-quarter periods have ended and the rest are current or in the future; and its
reporting periods.
`CommitmentFactory` commits that contract's supplier to a measure of one of the place's
frameworks, in one of its wards, for one of its active objectives, with the proxy value copied
as `services.commitment_add` would.
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from contracts import services
from contracts.models import (
    Assessment,
    Commitment,
    Contract,
    DeliveryReturn,
    EvidenceFile,
    KeyPerformanceIndicator,
    PerformanceAssessment,
    ReportingPeriod,
)
from objectives.models import Objective
from people.models import Membership, Organisation
from tests.objectives.factories import (
    FrameworkFactory,
    MeasureFactory,
    ObjectiveFactory,
    OutcomeFactory,
    ThemeFactory,
)
from tests.people.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.places.factories import AreaFactory, PlaceFactory

TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _days_ago(days: int):
    return lambda: timezone.localdate() - datetime.timedelta(days=days)


class SupplierFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Supplier {n} Ltd")
    kind = Organisation.Kind.SUPPLIER
    size = Organisation.Size.SME


class CommunityGroupFactory(OrganisationFactory):
    """A VCS group. Pass `areas=[...]` to say where it works (the return form offers groups
    working in the contract's place)."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Community group {n}")
    kind = Organisation.Kind.VCS

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    place = factory.SubFactory(PlaceFactory)
    buyer = factory.SubFactory(
        OrganisationFactory,
        kind=Organisation.Kind.LOCAL_AUTHORITY,
        place=factory.SelfAttribute("..place"),
    )
    owner = factory.SubFactory(UserFactory)
    reference = factory.Sequence(lambda n: f"C-{n:04d}")
    title = factory.Sequence(lambda n: f"Contract {n}")
    category = Contract.Category.SERVICES
    estimated_value = Decimal("400000.00")


class AwardedContractFactory(ContractFactory):
    """At the awarded stage, with a supplier and quarterly reporting periods."""

    class Meta:
        model = Contract
        skip_postgeneration_save = True

    stage = Contract.Stage.AWARDED
    s1_compliance = Contract.Compliance.COMPLIANT
    supplier = factory.SubFactory(SupplierFactory)
    procurement_started_on = factory.LazyFunction(_days_ago(320))
    awarded_on = factory.LazyFunction(_days_ago(230))
    contract_start = factory.LazyFunction(_days_ago(400))
    contract_end = factory.LazyAttribute(lambda o: o.contract_start + datetime.timedelta(days=730))
    award_value = Decimal("380000.00")

    @factory.post_generation
    def assessment(self, create, extracted, **kwargs):
        """The approved section 1 assessment that makes the contract compliant, signed off by
        a leader of the buyer (the second-person rule, `contracts.signoff`)."""
        if create and extracted is not False:
            approver = MembershipFactory(
                organisation=self.buyer, role=Membership.Role.LEADER, user=UserFactory()
            ).user
            approved_at = timezone.make_aware(
                datetime.datetime.combine(
                    self.procurement_started_on - datetime.timedelta(days=14), datetime.time(10)
                )
            )
            Assessment.objects.create(
                contract=self,
                author=self.owner,
                status=Assessment.Status.APPROVED,
                completed_sections=list(Assessment.SECTION_KEYS),
                submitted_at=approved_at - datetime.timedelta(days=1),
                submitted_by=self.owner,
                approved_at=approved_at,
                approved_by=approver,
            )

    @factory.post_generation
    def periods(self, create, extracted, **kwargs):
        if create:
            for start, end in services.quarters(self.contract_start, self.contract_end):
                ReportingPeriod.objects.get_or_create(
                    contract=self, start=start, defaults={"end": end}
                )


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    contract = factory.SubFactory(AwardedContractFactory)
    delivered_by = factory.SelfAttribute("contract.supplier")
    measure = factory.SubFactory(
        MeasureFactory,
        outcome=factory.SubFactory(
            OutcomeFactory,
            theme=factory.SubFactory(
                ThemeFactory,
                framework=factory.SubFactory(
                    FrameworkFactory, place=factory.SelfAttribute(".....contract.place")
                ),
            ),
        ),
        unit="apprenticeship starts",
        proxy_value=Decimal("1250.50"),
        proxy_source="Testborough proxy values",
        proxy_year=2025,
    )
    quantity = Decimal("12")
    area = factory.SubFactory(AreaFactory, place=factory.SelfAttribute("..contract.place"))
    objective = factory.SubFactory(
        ObjectiveFactory,
        outcome=factory.SelfAttribute("..measure.outcome"),
        status=Objective.Status.ACTIVE,
    )
    start_date = factory.SelfAttribute("contract.contract_start")
    due_date = factory.SelfAttribute("contract.contract_end")
    schedule = Commitment.Schedule.QUARTERLY
    proxy_value = factory.SelfAttribute("measure.proxy_value")
    proxy_source = factory.SelfAttribute("measure.proxy_source")
    proxy_year = factory.SelfAttribute("measure.proxy_year")


class DeliveryReturnFactory(factory.django.DjangoModelFactory):
    """A submitted return for the commitment's first reporting period."""

    class Meta:
        model = DeliveryReturn

    commitment = factory.SubFactory(CommitmentFactory)
    period = factory.LazyAttribute(
        lambda o: o.commitment.contract.periods.order_by("start").first()
    )
    quantity = Decimal("2")
    evidence_text = "Two apprentices started; contracts seen."
    attested = True
    submitted_by = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Written past the services, like a bulk load: the ledger is brought up to date, as
        `contracts.ledger.rebuild` does after one."""
        from contracts import ledger

        made = super()._create(model_class, *args, **kwargs)
        ledger.record([made.commitment_id])
        return made


class EvidenceFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceFile

    delivery_return = factory.SubFactory(DeliveryReturnFactory)
    file = factory.django.FileField(data=TINY_PDF, filename="evidence.pdf")
    original_name = "evidence.pdf"
    content_type = "application/pdf"
    size = len(TINY_PDF)
    uploaded_by = factory.SelfAttribute("delivery_return.submitted_by")


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyPerformanceIndicator

    contract = factory.SubFactory(AwardedContractFactory)
    name = factory.Sequence(lambda n: f"KPI {n}")


class PerformanceAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PerformanceAssessment

    contract = factory.SubFactory(AwardedContractFactory)
    period_end = factory.LazyFunction(_days_ago(10))
    rating = Contract.Rating.GOOD
    assessed_by = factory.SubFactory(UserFactory)
