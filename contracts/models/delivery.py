"""Delivery: what suppliers commit to, the reporting periods, and the returns made against them."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from objectives.models import Measure, Objective
from people.models import Organisation
from places.models import Area
from socialvalue.dates import validate_plausible_date
from socialvalue.numbers import QUANTITY_MAX

from ..querysets import CommitmentQuerySet, DeliveryReturnQuerySet
from .contracts import Contract


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
