"""Contracts: the pipeline, the section 1 social impact assessment, award commitments and
verified delivery.

Section 1 of the Public Services (Social Value) Act 2012 requires the authority to *consider*
well-being, how to secure it, and whether to consult, *before* procurement starts. The legal
evidence is a dated, approved assessment made before the start date. Contracts record both, and
whether the order was right, in `s1_compliance`.
"""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from objectives.models import Measure, Objective
from people.models import Organisation
from places.models import Area, Place
from socialvalue.dates import contract_period_problem, validate_plausible_date
from socialvalue.numbers import QUANTITY_MAX, format_money
from socialvalue.uploads import stored_name

from .querysets import CommitmentQuerySet, ContractQuerySet, DeliveryReturnQuerySet

FIVE_MILLION = Decimal("5000000")
CENTRAL_GOVERNMENT_MINIMUM_WEIGHTING = Decimal("10")

# The kinds of organisation a contract can be awarded to (and that can subcontract).
SUPPLIER_KINDS = (
    Organisation.Kind.SUPPLIER,
    Organisation.Kind.SOCIAL_ENTERPRISE,
    Organisation.Kind.VCS,
)

cpv_validator = RegexValidator(
    r"^\d{8}(-\d)?$",
    "Enter a CPV code as 8 digits, with or without its check digit, like 45000000-7",
)


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


class LoadedStatusMixin:
    """Remembers the status a record was loaded with (`_loaded_status`), so that its `save()`
    can tell a decision (a change of status) from any other save, and guard both."""

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        instance._loaded_status = instance.__dict__.get("status")
        return instance


class Assessment(LoadedStatusMixin, models.Model):
    """The pre-procurement social impact assessment (section 1 of the Act), versioned.

    Sections are saved separately, in any order. Once approved it is immutable: reopening
    makes a new version and marks this one superseded, so the dated record survives.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Waiting for sign-off"
        APPROVED = "approved", "Approved"
        SUPERSEDED = "superseded", "Superseded by a later version"
        WITHDRAWN = "withdrawn", "Withdrawn: the Act does not apply"

    # Kept exactly as they were: approved (and superseded) as the dated record of
    # consideration; withdrawn as the record of what was in progress when an exemption was
    # confirmed.
    FINAL_STATUSES = (Status.APPROVED, Status.SUPERSEDED, Status.WITHDRAWN)

    SECTIONS = [
        ("wellbeing", "Well-being of the relevant area", "Section 1(3)(a)"),
        ("securing", "Securing the improvement", "Section 1(3)(b)"),
        ("proportionality", "Relevance and proportionality", "Section 1(6)"),
        ("consultation", "Consultation", "Section 1(7)"),
        ("evaluation", "Evaluation", "Award criteria and weighting"),
        ("urgency", "Urgency", "Section 1(8), only if urgency is claimed"),
    ]
    SECTION_KEYS = [key for key, _label, _law in SECTIONS]
    # The second-person sign-off rule (`contracts.signoff`): who took part, what it is called,
    # and the status in which it waits for a decision.
    SIGN_OFF_PEOPLE = ("author", "submitted_by")
    SIGN_OFF_NOUN = "assessment"
    SIGN_OFF_WAITING = Status.SUBMITTED

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="assessments")
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # 1. Well-being: each dimension considered, or marked not relevant with why.
    economic_relevant = models.BooleanField(null=True, blank=True)
    economic_how = models.TextField(blank=True)
    social_relevant = models.BooleanField(null=True, blank=True)
    social_how = models.TextField(blank=True)
    environmental_relevant = models.BooleanField(null=True, blank=True)
    environmental_how = models.TextField(blank=True)
    # 2. Securing the improvement
    objectives = models.ManyToManyField(Objective, blank=True, related_name="assessments")
    lever_award_criteria = models.TextField(blank=True)
    lever_contract_conditions = models.TextField(blank=True)
    lever_lotting_reservation = models.TextField(blank=True)
    lever_supply_chain = models.TextField(blank=True)
    # 3. Relevance and proportionality
    relevance = models.TextField(blank=True)
    proportionality = models.TextField(blank=True)
    # 4. Consultation
    will_consult = models.BooleanField(null=True, blank=True)
    consultation_reason = models.TextField(blank=True)
    consultation_link = models.URLField(blank=True)
    # 5. Evaluation
    weighting_percent = models.DecimalField(
        "social value weighting (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    evaluation_questions = models.TextField(blank=True)
    evaluation_measures = models.ManyToManyField(Measure, blank=True, related_name="+")
    # 6. Urgency
    urgency_claimed = models.BooleanField(null=True, blank=True)
    urgency_reason = models.TextField(blank=True)
    urgency_caused_by_authority = models.BooleanField(null=True, blank=True)
    # Progress and sign-off
    completed_sections = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)
    signed_off_by_involved_person = models.BooleanField(
        default=False,
        editable=False,
        help_text="Signed off, before the second-person rule was enforced (December 2026), by "
        "someone who had written, changed or submitted it. Kept as recorded, and said on its page",
    )
    # Bumped on every save, so two people editing at once cannot silently overwrite each other.
    revision = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(m2m_fields=[objectives, evaluation_measures])

    class Meta:
        ordering = ["contract", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "version"], name="assessment_version_unique"
            ),
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(status__in=["draft", "submitted"]),
                name="one_open_assessment_per_contract",
                violation_error_message="This contract already has an assessment in progress",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "withdrawn"])
                | Q(approved_at__isnull=False),
                name="approved_assessment_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn")
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawn_reason="")),
                name="withdrawn_assessment_says_when_and_why",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("author")),
                name="assessment_not_approved_by_author",
                violation_error_message="The author cannot sign off their own assessment",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | ~Q(approved_by=F("submitted_by"))
                | Q(signed_off_by_involved_person=True),
                name="assessment_not_approved_by_submitter",
                violation_error_message="The person who submitted the assessment cannot sign it off",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment v{self.version} of {self.contract.reference}"

    def get_absolute_url(self) -> str:
        return reverse(
            "contracts:assessment_detail", kwargs={"pk": self.contract_id, "version": self.version}
        )

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def weighting_below_central_minimum(self) -> bool:
        return (
            self.weighting_percent is not None
            and self.weighting_percent < CENTRAL_GOVERNMENT_MINIMUM_WEIGHTING
        )

    @property
    def urgency_does_not_qualify(self) -> bool:
        """s.1(8): urgency caused by the authority's own delay does not excuse the duties."""
        return bool(self.urgency_claimed and self.urgency_caused_by_authority)

    def save(self, *args, **kwargs):
        """An approved assessment is a dated legal record: nothing about it may change, except
        being marked superseded when a new version is opened. A withdrawn one is kept as it
        was when it was withdrawn."""
        loaded = getattr(self, "_loaded_status", None)
        if self.pk and loaded in self.FINAL_STATUSES:
            stored = type(self).objects.get(pk=self.pk)
            changed = [
                f.name
                for f in self._meta.concrete_fields
                if f.name != "status" and getattr(stored, f.attname) != getattr(self, f.attname)
            ]
            superseding = loaded == self.Status.APPROVED and self.status == self.Status.SUPERSEDED
            if changed or (self.status != loaded and not superseding):
                raise ValidationError(
                    "A withdrawn assessment cannot be changed"
                    if loaded == self.Status.WITHDRAWN
                    else "An approved assessment cannot be changed. Reopen it to make a new version"
                )
        if self.status == self.Status.APPROVED and loaded != self.Status.APPROVED:
            self._check_sign_off()
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    def _check_sign_off(self) -> None:
        """Whoever saves it (a service, the admin, an import), an approval obeys the
        second-person sign-off rule (`contracts.signoff.sign_off_refusal`)."""
        from .signoff import sign_off_refusal

        if self.approved_by_id is None or self.approved_at is None:
            raise ValidationError("Say who signed off the assessment, and when")
        saver = getattr(self, "_history_user", None)
        if self._state.adding and saver is not None and saver.pk == self.approved_by_id:
            raise ValidationError("The person who records an assessment cannot also sign it off")
        problem = sign_off_refusal(self.approved_by, self)
        if problem:
            raise ValidationError(problem)


def _freeze_approved_assessment_links(sender, instance, action, **kwargs):
    if action in ("pre_add", "pre_remove", "pre_clear") and isinstance(instance, Assessment):
        status = Assessment.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
        if status in Assessment.FINAL_STATUSES:
            raise ValidationError(
                "An approved assessment cannot be changed. Reopen it to make a new version"
            )


for _field in ("objectives", "evaluation_measures"):
    models.signals.m2m_changed.connect(
        _freeze_approved_assessment_links,
        sender=getattr(Assessment, _field).through,
        dispatch_uid=f"freeze_assessment_{_field}",
    )


class Commitment(models.Model):
    """What a supplier (or a subcontractor) commits to, counted in a framework measure's unit.

    The £ value is derived from the proxy value per unit copied here when the commitment was
    made, so later framework changes do not rewrite history.
    """

    class Schedule(models.TextChoices):
        ONE_OFF = "one_off", "Once, by the due date"
        QUARTERLY = "quarterly", "Spread evenly, reported quarterly"

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="commitments")
    delivered_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="commitments",
        help_text="The supplier, or one of its subcontractors on this contract",
    )
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="commitments")
    quantity = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MaxValueValidator(QUANTITY_MAX)]
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="commitments")
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="commitments")
    start_date = models.DateField(validators=[validate_plausible_date])
    due_date = models.DateField(validators=[validate_plausible_date])
    schedule = models.CharField(max_length=12, choices=Schedule.choices, default=Schedule.QUARTERLY)
    proxy_value = models.DecimalField(
        "proxy value (£ per unit, as committed)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    proxy_source = models.CharField(max_length=500, blank=True, editable=False)
    proxy_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    recovery_action = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="commitment_quantity_positive",
                violation_error_message="The quantity must be more than 0",
            ),
            models.CheckConstraint(
                condition=Q(quantity__lte=QUANTITY_MAX),
                name="commitment_quantity_plausible",
                violation_error_message=f"The quantity must be {QUANTITY_MAX:,} or less",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gt=F("start_date")),
                name="commitment_dates_in_order",
                violation_error_message="The due date must be after the start date",
            ),
        ]
        indexes = [
            models.Index(fields=["objective", "measure"]),
            # The current commitments of a set of contracts (an officer's returns list counts
            # tens of thousands): read from the index alone, without the table.
            models.Index(
                fields=["contract"],
                condition=Q(withdrawn_at__isnull=True),
                name="current_commitment_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity.normalize():f} {self.measure.unit}: {self.measure.name}"

    @property
    def committed_value(self) -> Decimal | None:
        if self.proxy_value is None:
            return None
        return (self.quantity * self.proxy_value).quantize(Decimal("0.01"))

    def clean(self) -> None:
        errors = {}
        if self.quantity is not None and self.quantity <= 0:
            errors["quantity"] = "The quantity must be more than 0"
        if self.start_date and self.due_date and self.due_date <= self.start_date:
            errors["due_date"] = "The due date must be after the start date"
        if self.contract_id:
            contract = self.contract
            if self.area_id and self.area.place_id != contract.place_id:
                errors["area"] = "Choose an area in the contract's place"
            if self.objective_id and self.objective.place_id != contract.place_id:
                errors["objective"] = "Choose an objective of the contract's place"
            if (
                self.objective_id
                and self.objective.status != Objective.Status.ACTIVE
                and self._state.adding
            ):
                errors["objective"] = "Choose an active objective"
            if self.measure_id and self._state.adding and not self.measure.usable_for_new_targets():
                errors["measure"] = f"{self.measure.code} has been retired. Choose a measure in use"
        if errors:
            raise ValidationError(errors)


class ReportingPeriod(models.Model):
    """A financial quarter of a contract's delivery (the first and last cut to the contract's
    dates), for which returns are made once it has ended; both days are included."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="periods")
    start = models.DateField()
    end = models.DateField()
    early_returns_reason = models.TextField(
        blank=True, help_text="Why an officer allowed returns before the period ended"
    )
    early_returns_allowed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    early_returns_allowed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "start"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "start"], name="period_unique_start"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="period_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y}"


class DeliveryReturn(models.Model):
    """Quantity delivered against one commitment in one reporting period, with evidence.

    Only verified returns count as delivered anywhere in the product.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for verification"
        QUERIED = "queried", "Queried"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    # A supported group confirms only a return that is still claimed or already verified: never
    # one an officer queried or rejected (`contracts.confirm_support`, `return_confirm_support`).
    SUPPORT_CONFIRMABLE = (Status.SUBMITTED, Status.VERIFIED)

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="returns")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="returns")
    quantity = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(QUANTITY_MAX)],
    )
    evidence_text = models.TextField()
    beneficiary_references = models.TextField(
        blank=True,
        help_text="Identifiers of what was delivered, one per line (an apprentice's reference, "
        "a certificate number). The same identifier cannot be claimed twice for one measure",
    )
    supported_group = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_received",
        help_text="For support given to a VCS group: the group, which can confirm it",
    )
    group_confirmed_at = models.DateTimeField(null=True, blank=True)
    group_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attested = models.BooleanField(
        default=False,
        help_text="Relates only to this contract and period, and is not claimed elsewhere",
    )
    quantity_confirmed_above_remaining = models.BooleanField(
        default=False,
        help_text="The submitter was told the quantity is more than remained of the commitment, "
        "and confirmed it (services.quantity_above_remaining)",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    query = models.TextField(blank=True)
    answer = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change")
    moved_note = models.TextField(
        blank=True,
        help_text="Set when reporting periods became financial quarters: the period the return "
        "was first made for, and where it was moved",
    )
    history = HistoricalRecords()

    objects = DeliveryReturnQuerySet.as_manager()

    class Meta:
        ordering = ["-period__start", "commitment"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "period"],
                # Two returns of one commitment moved into one quarter are both kept.
                condition=~Q(status="rejected") & Q(moved_note=""),
                name="one_return_per_commitment_period",
                violation_error_message="A return for this commitment and period already exists",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="return_quantity_not_negative",
                violation_error_message="The quantity delivered cannot be negative",
            ),
            models.CheckConstraint(
                condition=Q(quantity__lte=QUANTITY_MAX),
                name="return_quantity_plausible",
                violation_error_message=f"The quantity must be {QUANTITY_MAX:,} or less",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "commitment"]),
            # The returns list's queues, longest waiting first: read in this order, the first
            # 50 of an officer's are found without sorting the county's.
            models.Index(fields=["status", "submitted_at", "id"], name="return_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity.normalize():f} for {self.commitment} ({self.period})"


class DeliveryTotal(models.Model):
    """The ledger's rollup per commitment: verified and claimed quantities over all periods.

    Derived data, written only by `contracts.ledger` (explicitly, by the services that change
    returns or commitments, in their transaction), never by a model `save()`. It is the sum of
    the commitment's `LedgerEntry` rows, kept so that pages listing hundreds of thousands of
    commitments read one row each. `manage.py rebuild_ledger --check` compares it with the
    returns.
    """

    commitment = models.OneToOneField(
        Commitment, primary_key=True, on_delete=models.CASCADE, related_name="delivery_total"
    )
    verified = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    claimed = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        default=Decimal("0"),
        help_text="Submitted or queried, not yet verified",
    )
    verified_returns = models.PositiveIntegerField(default=0)
    claimed_returns = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.verified} verified, {self.claimed} claimed"


class LedgerEntry(models.Model):
    """One line of the ledger of delivery: a commitment in one reporting period.

    Verified and claimed-but-unverified quantities and their £ estimates (quantity × the proxy
    copied onto the commitment; 0 when it has none), summed from the period's returns. The
    objective, measure, area, buyer and delivering organisation are the commitment's and the
    quarter is the financial quarter the period ends in. Written only by `contracts.ledger`.
    """

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="ledger_entries"
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="ledger_entries"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    quarter = models.DateField(help_text="First day of the financial quarter the period ends in")
    verified = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    claimed = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    verified_value = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))
    claimed_value = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))
    verified_returns = models.PositiveIntegerField(default=0)
    claimed_returns = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commitment", "period"], name="ledger_line_unique"),
        ]
        indexes = [
            models.Index(fields=["period_end", "commitment"]),
            # "As at" a past day (`ledger.verified_as_at`): a commitment's verified quantity
            # of the periods started by then, read from the index alone.
            models.Index(
                fields=["commitment", "period_start", "verified"], name="ledger_as_at_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.period_start}–{self.period_end}: {self.verified}"


class EvidenceFile(models.Model):
    delivery_return = models.ForeignKey(
        DeliveryReturn, on_delete=models.PROTECT, related_name="files"
    )
    file = models.FileField(upload_to=stored_name("return-evidence"), max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class ClaimKey(models.Model):
    """One identified unit claimed against a measure. Unique per measure across every contract
    and subcontractor, so the same apprentice (say) cannot be counted twice."""

    delivery_return = models.ForeignKey(
        DeliveryReturn, on_delete=models.CASCADE, related_name="claim_keys"
    )
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "key"],
                name="claim_key_once_per_measure",
                violation_error_message="This identifier has already been claimed for this measure",
            )
        ]

    def __str__(self) -> str:
        return self.key


class AwardSupplier(models.Model):
    """A supplier named on a contract's award, in the order the award names them.

    A framework or a joint award names several suppliers: each is kept, with the identifier the
    source gave for it. `value` is the supplier's share of the award only where the source gives
    one (for example a separate award per supplier); otherwise it is empty and never divided up.
    The first is also `Contract.supplier`; the award services keep the two in step.
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="award_suppliers")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="award_places"
    )
    position = models.PositiveSmallIntegerField(default=0)
    identifier = models.CharField(
        max_length=120, blank=True, help_text="The identifier the source used for the supplier"
    )
    value = models.DecimalField(
        "share of the award value (£)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Only where the source gives the supplier's own value",
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "organisation"],
                name="award_supplier_once_per_contract",
                violation_error_message="This supplier is already on the award",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="award_supplier_value_not_negative",
                violation_error_message="A supplier's share cannot be negative",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "contract"])]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.contract.reference}"

    def clean(self) -> None:
        if self.organisation_id and self.organisation.kind not in SUPPLIER_KINDS:
            raise ValidationError(
                {"organisation": "Choose a supplier, social enterprise or VCS organisation"}
            )


def normalise_identifier(value: str) -> str:
    """An organisation identifier as compared: upper case, without spaces (GB-COH-01234567)."""
    return "".join(value.split()).upper()


_NOT_NAME = str.maketrans(dict.fromkeys('.,;:"“”()[]/-–—_', " ") | dict.fromkeys("'’‘", ""))


def normalise_name(value: str) -> str:
    """A body's name as compared: case, punctuation, "&"/"and" and a leading "The" ignored, so
    "The North Yorkshire Council" and "north yorkshire council" are one name."""
    words = value.casefold().replace("&", " and ").translate(_NOT_NAME).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


class BuyerAlias(models.Model):
    """An identifier or a name a public body publishes its notices under.

    Contracts Finder, Find a Tender, Public Contracts Scotland and Sell2Wales spell a body's name
    in different ways and give it different identifiers. The OCDS import recognises a release's
    buyer by these (as well as the body's own identifier and name). Added by the body's
    organisation admin, or learnt when an officer matches an unrecognised buyer to their body
    and confirms the import. Removed, never deleted: the history says who did what.
    """

    class Kind(models.TextChoices):
        IDENTIFIER = "identifier", "Identifier"
        NAME = "name", "Name"

    class Source(models.TextChoices):
        ADDED = "added", "Added by hand"
        LEARNT = "learnt", "Learnt from a confirmed import"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="buyer_aliases"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    value = models.CharField(max_length=200)
    key = models.CharField(max_length=200, blank=True, editable=False)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ADDED)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "kind", "value"]
        verbose_name_plural = "buyer aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=Q(removed_at__isnull=True),
                name="buyer_alias_one_body",
                violation_error_message="Another public body already publishes under this",
            )
        ]

    def __str__(self) -> str:
        return f"{self.value} ({self.organisation})"

    def clean(self) -> None:
        self.value = " ".join((self.value or "").split())
        if self.kind == self.Kind.IDENTIFIER:
            self.key = normalise_identifier(self.value)
        else:
            self.key = normalise_name(self.value)
        errors = {}
        if not self.key:
            errors["value"] = "Enter the identifier or name the body publishes under"
        if self.organisation_id and not self.organisation.is_public_body:
            errors["organisation"] = "Only a public body publishes notices as a buyer"
        if errors:
            raise ValidationError(errors)


class OcdsImport(models.Model):
    """An OCDS file uploaded for import, kept on the server between the preview and the
    confirmation, and afterwards the record of what was imported. The worker does the preview
    (CHECKING) and the import (IMPORTING); the request only stores and checks the upload.

    It belongs to the person who uploaded it (nobody else can see or confirm it), expires
    unconfirmed after `OcdsImport.LIFETIME`, and holds at most the upload limit. The file itself
    is cleared once it is imported or expires; the record keeps its name, size, hash and the
    report (of the latest preview, then of the import). `choices` holds what the person decided
    on the review page: which of their bodies an unrecognised buyer is, and which cancellations
    they confirm. `revision` counts the changes to them, so an import is confirmed only for the
    choices whose preview the person saw.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", "Being checked"
        PREVIEWED = "previewed", "Waiting for confirmation"
        IMPORTING = "importing", "Being imported"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Failed: nothing was changed"
        EXPIRED = "expired", "Expired or replaced"

    LIFETIME = datetime.timedelta(hours=2)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(blank=True, editable=False)
    choices = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    report = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    imported_at = models.DateTimeField(null=True, blank=True)
    # The worker checks and imports the file (contracts.tasks): when the work was last queued
    # and began, and why it failed, if it did.
    queued_at = models.DateTimeField(null=True, blank=True)
    work_started_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["by", "status"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display().lower()})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PREVIEWED and self.expires_at > timezone.now()


class JointArrangementQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_at__isnull=True)


class JointArrangement(models.Model):
    """A formal arrangement between public bodies of a place under which each body's officers
    and leaders may sign off the others' social value decisions (approving an assessment,
    confirming an exemption): a joint committee, a pooled-budget partnership agreement, a
    shared procurement service. Without one, a body's legal record is signed off within that
    body (`contracts.signoff.signing_bodies`).

    Its bodies are `ArrangementMember` rows: a body counts once an organisation admin of that
    body has confirmed it joins, so one body cannot sign itself into another's decisions.
    Recorded, changed and ended by an organisation admin of a member body, through
    `contracts.services_governance`; ended, never deleted; the history of both is kept.
    """

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="joint_arrangements")
    name = models.CharField(max_length=200)
    reference = models.CharField(
        max_length=200,
        help_text="Where the arrangement is recorded: the agreement's title and date, or the "
        "minute or decision that made it",
    )
    bodies = models.ManyToManyField(
        Organisation,
        through="ArrangementMember",
        through_fields=("arrangement", "organisation"),
        related_name="joint_arrangements",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = JointArrangementQuerySet.as_manager()

    class Meta:
        ordering = ["place", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_by__isnull=False),
                name="ended_arrangement_says_by_whom",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class ArrangementMember(models.Model):
    """A public body in a joint arrangement: added by an admin of a member body, confirmed by
    an admin of this body (until then it does not count), and ended rather than deleted."""

    arrangement = models.ForeignKey(
        JointArrangement, on_delete=models.PROTECT, related_name="members"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="arrangement_memberships"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["arrangement", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "organisation"],
                condition=Q(ended_at__isnull=True),
                name="arrangement_member_once",
                violation_error_message="That body is already in this arrangement",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(confirmed_by__isnull=False),
                name="confirmed_member_says_by_whom",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.arrangement}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None and self.ended_at is None

    def clean(self) -> None:
        """Whatever adds it (a page, the admin), a member is a public body of the arrangement's
        place."""
        if self.arrangement_id and self.organisation_id:
            organisation, place = self.organisation, self.arrangement.place
            if not organisation.is_public_body or organisation.place_id != place.pk:
                raise ValidationError(
                    {"organisation": f"Choose a public body serving {place}: not {organisation}"}
                )


class ExemptionThreshold(models.Model):
    """The estimated value below which a public body does not apply the Act's duties to a
    contract: its own policy, recorded by an organisation admin of the body with the decision
    that set it. A change is a new row: the latest recorded is in force, and every earlier one
    is kept, so an exemption always names the threshold it was decided on."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="exemption_thresholds"
    )
    value = models.DecimalField(
        "threshold (£)",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    reference = models.CharField(
        max_length=200, help_text="The policy or decision that sets it, with its date"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="exemption_threshold_not_negative",
                violation_error_message="The threshold cannot be negative",
            )
        ]

    def __str__(self) -> str:
        return f"{format_money(self.value, 0)} ({self.reference})"

    @classmethod
    def current_for(cls, organisation) -> "ExemptionThreshold | None":
        return cls.objects.filter(organisation=organisation).order_by("-recorded_at", "-pk").first()

    def clean(self) -> None:
        if self.organisation_id and not self.organisation.is_public_body:
            raise ValidationError({"organisation": "Only a public body sets a threshold"})


class Exemption(LoadedStatusMixin, models.Model):
    """A decision that the Act does not apply to a contract, made like an approval: proposed by
    one officer on a ground from a fixed list, with a reason, and confirmed or declined by a
    second person under the sign-off rule (`contracts.signoff`). Only a confirmed exemption
    opens the procurement-start gate and counts as exempt (`Contract.not_in_scope`, set by
    `services.exemption_confirm`); confirming it withdraws an assessment in progress, with a
    record. Declined proposals are kept with why."""

    class Ground(models.TextChoices):
        NOT_SERVICES = (
            "not_services",
            "Not a public services contract or framework: it buys goods or works only",
        )
        BELOW_THRESHOLD = "below_threshold", "Below the threshold the buying body has set"
        CALL_OFF = "call_off", "A call-off under a framework whose assessment covered it"
        RECORDED_BEFORE_GROUNDS = (
            "recorded_before_grounds",
            "Recorded by one person, before exemptions needed a ground and a second person",
        )

    # The grounds a person may propose now; the last is only for exemptions recorded earlier.
    GROUNDS = (Ground.NOT_SERVICES, Ground.BELOW_THRESHOLD, Ground.CALL_OFF)

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"

    # The second-person sign-off rule (`contracts.signoff`).
    SIGN_OFF_PEOPLE = ("proposed_by",)
    SIGN_OFF_NOUN = "exemption"
    SIGN_OFF_WAITING = Status.PROPOSED

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="exemptions")
    ground = models.CharField(max_length=30, choices=Ground.choices)
    reason = models.TextField()
    framework_contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_off_exemptions",
        help_text="For a call-off: the framework contract whose approved assessment covered it",
    )
    threshold = models.ForeignKey(
        ExemptionThreshold,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exemptions",
        help_text="For a contract below the threshold: the buying body's threshold when proposed",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True, help_text="Why it was declined")
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(status__in=["proposed", "confirmed"]),
                name="one_open_exemption_per_contract",
                violation_error_message="This contract already has an exemption proposed or "
                "confirmed",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="exemption_not_confirmed_by_proposer",
                violation_error_message="The person who proposed an exemption cannot decide it",
            ),
            models.CheckConstraint(
                condition=Q(status="proposed")
                | Q(decided_at__isnull=False)
                & (Q(decided_by__isnull=False) | Q(ground="recorded_before_grounds")),
                name="decided_exemption_says_by_whom",
            ),
            models.CheckConstraint(
                condition=~Q(ground="call_off") | Q(framework_contract__isnull=False),
                name="call_off_exemption_names_framework",
            ),
            models.CheckConstraint(
                condition=~Q(ground="below_threshold") | Q(threshold__isnull=False),
                name="threshold_exemption_names_threshold",
            ),
        ]

    def __str__(self) -> str:
        return f"Exemption of {self.contract.reference}: {self.get_ground_display()}"

    def ground_problems(self) -> dict[str, str]:
        """Why the ground does not hold for the contract (field -> message), or {}."""
        if self.ground == self.Ground.RECORDED_BEFORE_GROUNDS or not self.contract_id:
            return {}
        contract = self.contract
        if self.ground == self.Ground.NOT_SERVICES:
            if contract.category in (Contract.Category.SERVICES, Contract.Category.MIXED):
                return {
                    "ground": "The contract's category is "
                    f"{contract.get_category_display().lower()}, so the Act applies. If it buys "
                    "goods or works only, change its category first"
                }
        elif self.ground == self.Ground.BELOW_THRESHOLD:
            if self.threshold is None:
                return {
                    "ground": f"{contract.buyer} has not recorded a threshold. An organisation "
                    "admin of the body records it under ‘Who signs off social value decisions’"
                }
            if contract.estimated_value >= self.threshold.value:
                return {
                    "ground": f"The estimated value, {format_money(contract.estimated_value)}, is not "
                    f"below {contract.buyer}'s threshold of {format_money(self.threshold.value)}"
                }
        elif self.ground == self.Ground.CALL_OFF:
            framework = self.framework_contract
            if framework is None:
                return {"framework_contract": "Choose the framework contract"}
            if framework.pk == contract.pk:
                return {"framework_contract": "Choose the framework, not this call-off"}
            if framework.place_id != contract.place_id:
                return {"framework_contract": f"Choose a framework contract of {contract.place}"}
            approved = framework.assessments.filter(
                status__in=[Assessment.Status.APPROVED, Assessment.Status.SUPERSEDED],
                approved_at__isnull=False,
            )
            if not approved.exists():
                return {
                    "framework_contract": f"{framework.reference} has no approved social value "
                    "assessment, so it cannot cover a call-off"
                }
        return {}

    def clean(self) -> None:
        errors = {}
        if not (self.reason or "").strip():
            errors["reason"] = "Explain why the Act does not apply to this contract"
        if self._state.adding and self.ground and self.ground not in self.GROUNDS:
            errors["ground"] = "Choose why the Act does not apply"
        if self.ground != self.Ground.CALL_OFF and self.framework_contract_id:
            errors["framework_contract"] = "Name a framework contract only for a call-off"
        if self.ground and not errors:
            errors.update(self.ground_problems())
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        """A decided exemption is kept as decided; a confirmation obeys the sign-off rule,
        whoever saves it (a service, the admin, an import)."""
        from .signoff import sign_off_refusal

        loaded = getattr(self, "_loaded_status", None)
        if self.pk and loaded in (self.Status.CONFIRMED, self.Status.DECLINED):
            stored = type(self).objects.get(pk=self.pk)
            if any(
                getattr(stored, f.attname) != getattr(self, f.attname)
                for f in self._meta.concrete_fields
            ):
                raise ValidationError("A decided exemption cannot be changed")
        deciding = self.status != self.Status.PROPOSED and loaded != self.status
        if deciding and self.ground != self.Ground.RECORDED_BEFORE_GROUNDS:
            if self.decided_by_id is None or self.decided_at is None:
                raise ValidationError("Say who decided the exemption, and when")
            problem = sign_off_refusal(self.decided_by, self)
            if problem:
                raise ValidationError(problem)
        super().save(*args, **kwargs)
        self._loaded_status = self.status
