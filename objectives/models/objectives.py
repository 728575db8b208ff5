"""The register of objectives: each with its evidence links and targets."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from people.models import Organisation
from places.models import Area, Place
from socialvalue.dates import validate_plausible_date
from socialvalue.numbers import QUANTITY_MAX
from socialvalue.references import ReferenceMixin

from ..querysets import ObjectiveQuerySet, TargetQuerySet
from .frameworks import DimensionsMixin, Measure, Outcome


class Objective(ReferenceMixin, DimensionsMixin, models.Model):
    """What a place wants to change, where, and by how much."""

    reference_prefix = "OBJ"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ACHIEVED = "achieved", "Achieved"
        RETIRED = "retired", "Retired"

    class Priority(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    # The life cycle: each status may only move to these. Anything else skips or reverses a step.
    TRANSITIONS = {
        Status.DRAFT: {Status.ACTIVE, Status.RETIRED},
        Status.ACTIVE: {Status.ACHIEVED, Status.RETIRED},
        Status.ACHIEVED: set(),
        Status.RETIRED: set(),
    }
    PUBLIC_STATUSES = frozenset({Status.ACTIVE, Status.ACHIEVED})

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="objectives")
    title = models.CharField(max_length=200)
    description = models.TextField()
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="objectives")
    areas = models.ManyToManyField(Area, related_name="objectives")
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="objectives_led"
    )
    partners = models.ManyToManyField(Organisation, blank=True, related_name="objectives_partnered")
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    achieved_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    evidence_of_need = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[areas, partners])

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["place", "status"]),
            models.Index(fields=["status", "-updated_at"]),
            # The register's default order: the first page is read straight from this index.
            models.Index(fields=["-updated_at", "-id"], name="objective_recent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(economic=True) | Q(social=True) | Q(environmental=True),
                name="objective_has_a_dimension",
                violation_error_message=(
                    "Choose at least one well-being dimension: economic, social or environmental"
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("objectives:objective_detail", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    def status_change_error(self, new_status: str) -> str | None:
        """Why the objective may not move to `new_status`, or None if it may (a named rule:
        the life cycle is draft → active → achieved or retired, and no step is skipped)."""
        current = getattr(self, "_loaded_status", None) or self.Status.DRAFT
        if new_status == current:
            return None
        if new_status not in self.TRANSITIONS.get(current, set()):
            return (
                f"An objective that is {self.Status(current).label.lower()} cannot become "
                f"{self.Status(new_status).label.lower()}"
                + (
                    ". Make it active first"
                    if current == self.Status.DRAFT and new_status == self.Status.ACHIEVED
                    else ""
                )
            )
        return None

    def clean(self) -> None:
        errors = {}
        if self.pk and self.status:
            problem = self.status_change_error(self.status)
            if problem:
                errors["status"] = problem
        elif not self.pk and self.status != self.Status.DRAFT:
            errors["status"] = "A new objective starts as a draft"
        if self.lead_organisation_id and self.place_id:
            lead = self.lead_organisation
            if lead.is_public_body and lead.place_id != self.place_id:
                errors["lead_organisation"] = (
                    f"{lead} serves another place. Choose a lead organisation in {self.place}"
                )
        if self.outcome_id and self.place_id and self.outcome.framework.place_id != self.place_id:
            errors["outcome"] = "Choose an outcome from one of this place's frameworks"
        if errors:
            raise ValidationError(errors)


class EvidenceLink(models.Model):
    """A published source for an objective's evidence of need."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class Target(models.Model):
    """How much of a measure an objective aims for, from what baseline, by when."""

    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="targets")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="targets")
    baseline = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MaxValueValidator(QUANTITY_MAX)],
        help_text="Where things stand now, in the measure's unit",
    )
    baseline_date = models.DateField(
        help_text="When the baseline was measured", validators=[validate_plausible_date]
    )
    target_quantity = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=[MaxValueValidator(QUANTITY_MAX)],
        help_text="How much to deliver by the target date, in the measure's unit",
    )
    target_date = models.DateField(validators=[validate_plausible_date])
    notes = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["target_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline__gte=0),
                name="target_baseline_not_negative",
                violation_error_message="The baseline cannot be negative",
            ),
            models.CheckConstraint(
                condition=Q(target_quantity__gt=0),
                name="target_quantity_positive",
                violation_error_message="The target quantity must be more than 0",
            ),
            models.CheckConstraint(
                condition=Q(target_quantity__lte=QUANTITY_MAX) & Q(baseline__lte=QUANTITY_MAX),
                name="target_quantities_plausible",
                violation_error_message=f"Quantities must be {QUANTITY_MAX:,} or less",
            ),
            models.CheckConstraint(
                condition=Q(target_date__gt=models.F("baseline_date")),
                name="target_date_after_baseline",
                violation_error_message="The target date must be after the baseline date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_quantity} {self.measure.unit} by {self.target_date:%d %B %Y}"

    def clean(self) -> None:
        errors = {}
        if self.baseline is not None and self.baseline < 0:
            errors["baseline"] = "The baseline cannot be negative"
        if self.target_quantity is not None and self.target_quantity <= 0:
            errors["target_quantity"] = "The target quantity must be more than 0"
        if self.baseline_date and self.target_date and self.target_date <= self.baseline_date:
            errors["target_date"] = "The target date must be after the baseline date"
        if self.measure_id:
            measure = self.measure
            is_new = self._state.adding
            changed_measure = (
                not is_new
                and Target.objects.filter(pk=self.pk).exclude(measure_id=self.measure_id).exists()
            )
            if (is_new or changed_measure) and not measure.usable_for_new_targets():
                errors["measure"] = (
                    f"{measure.code} is from a retired framework. Choose a measure from a "
                    "framework in use"
                    if measure.framework.is_retired
                    else f"{measure.code} has been retired. Choose a measure in use"
                )
            if self.objective_id and measure.framework.place_id != self.objective.place_id:
                errors["measure"] = "Choose a measure from one of this place's frameworks"
        if errors:
            raise ValidationError(errors)


def _check_objective_areas(sender, instance, action, pk_set, **kwargs):
    """Areas outside an objective's place are refused at the database write, whatever the
    entry point (form, import, admin, shell)."""
    if action != "pre_add" or not pk_set:
        return
    if isinstance(instance, Objective):
        outside = Area.objects.filter(pk__in=pk_set).exclude(place_id=instance.place_id)
        names = list(outside.values_list("name", flat=True)[:3])
    else:  # added from the area's side: area.objectives.add(...)
        outside = Objective.objects.filter(pk__in=pk_set).exclude(place_id=instance.place_id)
        names = [instance.name] if outside.exists() else []
    if names:
        raise ValidationError(
            {
                "areas": f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} outside "
                "this objective's place. Choose areas in the same place"
            }
        )


models.signals.m2m_changed.connect(
    _check_objective_areas, sender=Objective.areas.through, dispatch_uid="objective_areas_place"
)
