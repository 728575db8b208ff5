"""Contracts through the pipeline, with their key performance indicators and annual performance
ratings."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from people.models import Organisation
from places.models import Area, Place
from socialvalue.dates import contract_period_problem, validate_plausible_date

from ..querysets import ContractQuerySet
from .common import FIVE_MILLION, SUPPLIER_KINDS, cpv_validator


class Contract(models.Model):
    class Stage(models.TextChoices):
        PLANNING = "planning", "Planning"
        ASSESSING = "assessing", "Assessing social value"
        APPROVED = "approved", "Approved to procure"
        PROCUREMENT_STARTED = "procurement_started", "Procurement started"
        AWARDED = "awarded", "Awarded"
        IN_DELIVERY = "in_delivery", "In delivery"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    ORDER = [
        Stage.PLANNING,
        Stage.ASSESSING,
        Stage.APPROVED,
        Stage.PROCUREMENT_STARTED,
        Stage.AWARDED,
        Stage.IN_DELIVERY,
        Stage.CLOSED,
    ]

    class Category(models.TextChoices):
        SERVICES = "services", "Services"
        GOODS = "goods", "Goods"
        WORKS = "works", "Works"
        MIXED = "mixed", "Mixed (services with goods or works)"

    class Procedure(models.TextChoices):
        OPEN = "open", "Open procedure"
        COMPETITIVE_FLEXIBLE = "competitive_flexible", "Competitive flexible procedure"
        FRAMEWORK = "framework", "Call-off from a framework"
        DIRECT_AWARD = "direct_award", "Direct award"
        BELOW_THRESHOLD = "below_threshold", "Below-threshold procurement"
        OTHER = "other", "Other"

    class Compliance(models.TextChoices):
        """Was section 1 considered before procurement started? Kept by the services."""

        NOT_STARTED = "not_started", "Procurement not started"
        COMPLIANT = "compliant", "Assessment approved before procurement started"
        NON_COMPLIANT = "non_compliant", "Procurement started before an approved assessment"
        # Imported, or started before the service was used: nothing says whether section 1
        # was considered, so it is not counted as compliant or as not compliant.
        NOT_RECORDED = "not_recorded", "No assessment on record"
        EXEMPT = "exempt", "Not in scope of the Act"

    class Rating(models.TextChoices):
        """Procurement Act 2023 s.71 performance ratings."""

        GOOD = "good", "Good"
        APPROACHING = "approaching", "Approaching target"
        REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
        INADEQUATE = "inadequate", "Inadequate"
        OTHER = "other", "Other"

    reference = models.CharField(max_length=60)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    buyer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contracts_bought"
    )
    joint_buyers = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="contracts_bought_jointly",
        help_text="Partner bodies buying jointly",
    )
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="contracts")
    areas = models.ManyToManyField(
        Area,
        blank=True,
        related_name="contracts",
        help_text="The relevant area within the place; none means the whole place",
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    estimated_value = models.DecimalField(
        "estimated value (£)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Empty only for a contract imported from a notice that published no value",
    )
    cpv_code = models.CharField("CPV code", max_length=10, blank=True, validators=[cpv_validator])
    procedure = models.CharField(max_length=30, choices=Procedure.choices, default=Procedure.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contracts_owned"
    )
    stage = models.CharField(max_length=30, choices=Stage.choices, default=Stage.PLANNING)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    cancelled_reason = models.TextField(blank=True)
    # Key dates
    planned_procurement_start = models.DateField(
        null=True, blank=True, validators=[validate_plausible_date]
    )
    procurement_started_on = models.DateField(
        null=True,
        blank=True,
        validators=[validate_plausible_date],
        help_text="The first of: a notice, an advert, asking a supplier for an offer, answering "
        "an unsolicited offer, or entering into the contract",
    )
    awarded_on = models.DateField(null=True, blank=True, validators=[validate_plausible_date])
    contract_start = models.DateField(null=True, blank=True, validators=[validate_plausible_date])
    contract_end = models.DateField(null=True, blank=True, validators=[validate_plausible_date])
    # Section 1 scope
    not_in_scope = models.BooleanField(
        "not in scope of the Social Value Act",
        default=False,
        help_text="For example, a contract for goods or works only",
    )
    not_in_scope_reason = models.TextField(blank=True)
    s1_compliance = models.CharField(
        max_length=20, choices=Compliance.choices, default=Compliance.NOT_STARTED, editable=False
    )
    # Award. Every supplier named on the award is an `AwardSupplier`; `supplier` is the first of
    # them (the only one, for most awards), kept by the award services.
    supplier = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts_won",
        help_text="The first supplier named on the award",
    )
    award_value = models.DecimalField(
        "award value (£)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    subcontractors = models.ManyToManyField(
        Organisation, blank=True, related_name="contracts_subcontracted"
    )
    ocid = models.CharField("OCDS id", max_length=120, blank=True)
    ocds_release_date = models.DateTimeField(
        "date of the last OCDS release applied",
        null=True,
        blank=True,
        editable=False,
        help_text="An older release never overwrites what a newer one said",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[joint_buyers, areas, subcontractors])

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "reference"],
                name="contract_reference_unique_per_buyer",
                violation_error_message="This organisation already has a contract with that "
                "reference",
            ),
            models.UniqueConstraint(
                fields=["ocid"],
                condition=~Q(ocid=""),
                name="contract_ocid_unique",
                violation_error_message="A contract with this OCDS id has already been imported",
            ),
            models.CheckConstraint(
                condition=Q(contract_end__isnull=True)
                | Q(contract_start__isnull=True)
                | Q(contract_end__gt=F("contract_start")),
                name="contract_period_in_order",
                violation_error_message="The contract end date must be after its start date",
            ),
            models.CheckConstraint(
                condition=Q(not_in_scope=False) | ~Q(not_in_scope_reason=""),
                name="contract_exemption_has_reason",
                violation_error_message="Explain why the contract is not in scope of the Act",
            ),
        ]
        indexes = [
            models.Index(fields=["place", "stage"]),
            models.Index(fields=["buyer", "stage"]),
            models.Index(fields=["supplier", "stage"]),
            # The contracts list's default order: a page is read straight from this index.
            models.Index(fields=["-updated_at", "-id"], name="contract_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:contract_detail", kwargs={"pk": self.pk})

    @property
    def value(self) -> Decimal | None:
        """The award value, else the estimate; None when no value was published."""
        return self.award_value if self.award_value is not None else self.estimated_value

    @property
    def needs_kpis(self) -> bool:
        """Procurement Act 2023 s.52: contracts above £5m need at least three KPIs."""
        return self.value is not None and self.value > FIVE_MILLION

    @property
    def stage_index(self) -> int:
        return self.ORDER.index(self.stage) if self.stage in self.ORDER else -1

    def clean(self) -> None:
        errors = {}
        if self.buyer_id and not self.buyer.is_public_body:
            errors["buyer"] = "The buyer must be a public body"
        elif self.buyer_id and self.place_id and self.buyer.place_id != self.place_id:
            errors["buyer"] = f"{self.buyer} does not serve {self.place}"
        if self.supplier_id and self.supplier.kind not in SUPPLIER_KINDS:
            errors["supplier"] = "Choose a supplier, social enterprise or VCS organisation"
        if self.not_in_scope and not self.not_in_scope_reason.strip():
            errors["not_in_scope_reason"] = "Explain why the contract is not in scope of the Act"
        if self.not_in_scope:
            errors.update(self._exemption_problems())
        if self.contract_start and self.contract_end and self.contract_end <= self.contract_start:
            errors["contract_end"] = "The contract end date must be after its start date"
        elif self.contract_start and self.contract_end:
            too_long = contract_period_problem(self.contract_start, self.contract_end)
            if too_long:
                errors["contract_end"] = too_long
        if errors:
            raise ValidationError(errors)

    def _exemption_problems(self) -> dict[str, str]:
        """A contract is out of the Act's scope only by a confirmed exemption (`Exemption`),
        and only while its ground still holds: a goods contract changed to services, or an
        estimate raised to the threshold, must be looked at again."""
        from .governance import Exemption  # governance's models point back at Contract

        exemption = (
            self.exemptions.filter(status=Exemption.Status.CONFIRMED).first() if self.pk else None
        )
        if exemption is None:
            return {
                "not_in_scope": "A contract is out of the Act's scope only once a second "
                "person has confirmed an exemption"
            }
        exemption.contract = self  # check the ground against these values, not the stored ones
        return exemption.ground_problems()


class KeyPerformanceIndicator(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="kpis")
    name = models.CharField(max_length=300)
    target = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class PerformanceAssessment(models.Model):
    """An annual contract performance assessment on the Procurement Act scale (s.71)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="performance_assessments"
    )
    period_end = models.DateField(validators=[validate_plausible_date])
    rating = models.CharField(max_length=30, choices=Contract.Rating.choices)
    explanation = models.TextField(blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_end"],
                name="one_rating_per_contract_year",
                violation_error_message="This contract already has a rating for that year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} ({self.period_end:%Y})"
