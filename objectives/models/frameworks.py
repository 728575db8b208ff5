"""Outcomes frameworks: themes, outcomes and measures, and the well-being dimensions they carry."""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from places.models import Place

from ..querysets import FrameworkQuerySet, MeasureQuerySet


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


DIGITS = "0123456789"


def code_order(code: str) -> tuple:
    """A measure's code as people read it, for sorting: its numbers compared as numbers, so
    WR2 comes before WR10 (as text, "WR10" sorts first)."""
    return tuple(
        (0, int(part), "") if part[0] in DIGITS else (1, 0, part.casefold())
        for part in re.findall(r"[0-9]+|[^0-9]+", code)
    )


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

    def measures_in_order(self) -> list:
        """The outcome's measures (prefetched, where the page read them so) in the order of
        their codes as people read them (`code_order`)."""
        return sorted(self.measures.all(), key=lambda m: (code_order(m.code), m.pk))

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
