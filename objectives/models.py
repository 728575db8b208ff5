"""Outcomes frameworks (themes → outcomes → measures) and the register of objectives.

A framework is data a council loads, not code. Measures and frameworks are retired, never
deleted, so every target, commitment and return that used them keeps its meaning.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from people.models import Organisation
from places.models import Area, Place
from socialvalue.dates import validate_plausible_date
from socialvalue.numbers import QUANTITY_MAX

from .querysets import FrameworkQuerySet, MeasureQuerySet, ObjectiveQuerySet, TargetQuerySet


class Dimension(models.TextChoices):
    """The well-being dimensions of section 1(3)(a) of the Social Value Act."""

    ECONOMIC = "economic", "Economic"
    SOCIAL = "social", "Social"
    ENVIRONMENTAL = "environmental", "Environmental"


class DimensionsMixin(models.Model):
    """Which of the Act's well-being dimensions something serves (one or more)."""

    economic = models.BooleanField(default=False)
    social = models.BooleanField(default=False)
    environmental = models.BooleanField(default=False)

    class Meta:
        abstract = True

    @property
    def dimensions(self) -> list[str]:
        return [d.value for d in Dimension if getattr(self, d.value)]

    @property
    def dimension_labels(self) -> list[str]:
        return [d.label for d in Dimension if getattr(self, d.value)]

    def set_dimensions(self, values) -> None:
        values = set(values)
        for d in Dimension:
            setattr(self, d.value, d.value in values)


class Framework(models.Model):
    """A named, versioned set of themes, outcomes and measures held by a place."""

    class Status(models.TextChoices):
        ACTIVE = "active", "In use"
        RETIRED = "retired", "Retired"

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="frameworks")
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=40, help_text="Such as 2025 or 1.1")
    description = models.TextField(blank=True)
    source = models.TextField(blank=True, help_text="Where the framework comes from, with links")
    licence = models.CharField(
        max_length=200, blank=True, help_text="Such as Open Government Licence v3.0"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["name", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "name", "version"],
                name="framework_unique_version_in_place",
                violation_error_message="This place already has this version of the framework. Enter a different version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    def get_absolute_url(self) -> str:
        return reverse("objectives:framework_detail", kwargs={"pk": self.pk})

    @property
    def is_retired(self) -> bool:
        return self.status == self.Status.RETIRED


class Theme(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="themes")
    code = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "name"],
                name="theme_unique_name",
                violation_error_message="The framework already has a theme with this name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class Outcome(DimensionsMixin, models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="outcomes")
    # Denormalised from the theme so codes and names are unique within a framework.
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="outcomes")
    code = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "theme__position", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "theme", "name"],
                name="outcome_unique_name_in_theme",
                violation_error_message="This theme already has an outcome with this name",
            ),
            models.CheckConstraint(
                condition=Q(economic=True) | Q(social=True) | Q(environmental=True),
                name="outcome_has_a_dimension",
                violation_error_message=(
                    "Choose at least one well-being dimension: economic, social or environmental"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    def clean(self) -> None:
        if self.theme_id:
            self.framework_id = self.theme.framework_id

    def save(self, *args, **kwargs):
        if self.theme_id and not self.framework_id:
            self.framework_id = self.theme.framework_id
        super().save(*args, **kwargs)


class Measure(models.Model):
    """Something countable an outcome is measured by, with an optional £ proxy per unit."""

    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="measures")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="measures")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=500)
    unit = models.CharField(
        max_length=60, help_text="What one of these is: FTE, hours, £, tonnes CO2e, people, …"
    )
    guidance = models.TextField(blank=True, help_text="What counts, and what evidence to keep")
    proxy_value = models.DecimalField(
        "proxy value (£ per unit)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    proxy_source = models.CharField(max_length=500, blank=True)
    proxy_year = models.PositiveSmallIntegerField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["framework", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"],
                name="measure_unique_code",
                violation_error_message="The framework already has a measure with this code",
            ),
            models.CheckConstraint(
                condition=Q(proxy_value__isnull=True) | Q(proxy_value__gte=0),
                name="measure_proxy_not_negative",
                violation_error_message="The proxy value cannot be negative",
            ),
            models.CheckConstraint(
                condition=Q(proxy_value__isnull=True)
                | (~Q(proxy_source="") & Q(proxy_year__isnull=False)),
                name="measure_proxy_is_sourced",
                violation_error_message="A proxy value needs its source and year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    def clean(self) -> None:
        errors = {}
        if self.outcome_id:
            self.framework_id = self.outcome.framework_id
        if self.proxy_value is not None:
            if not self.proxy_source:
                errors["proxy_source"] = "Enter where the proxy value comes from"
            if not self.proxy_year:
                errors["proxy_year"] = "Enter the year the proxy value applies to"
        if self.proxy_year and not (1990 <= self.proxy_year <= 2100):
            errors["proxy_year"] = "Enter the proxy value's year as 4 digits, like 2025"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.outcome_id and not self.framework_id:
            self.framework_id = self.outcome.framework_id
        super().save(*args, **kwargs)

    def usable_for_new_targets(self) -> bool:
        return not self.is_retired and not self.framework.is_retired


class Objective(DimensionsMixin, models.Model):
    """What a place wants to change, where, and by how much."""

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
    def reference(self) -> str:
        return f"OBJ-{self.pk:05d}" if self.pk else "New"

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
