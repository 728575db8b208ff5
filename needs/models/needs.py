"""A need a community group posts, every step of its life, and its photos or documents."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from objectives.models import Measure
from people.models import Organisation
from places.models import Area, Place
from socialvalue.dates import validate_plausible_date
from socialvalue.numbers import QUANTITY_MAX
from socialvalue.references import ReferenceMixin
from socialvalue.uploads import stored_name

from ..querysets import NeedQuerySet

TEXT_LIMIT = 3000
REASON_LIMIT = 500
# Who may post a need: the voluntary and community sector, and social enterprises.
GROUP_KINDS = (Organisation.Kind.VCS, Organisation.Kind.SOCIAL_ENTERPRISE)


class Need(ReferenceMixin, models.Model):
    """Something a community group needs, in its own words, for one or more neighbourhoods."""

    reference_prefix = "NEED"

    class Kind(models.TextChoices):
        VOLUNTEERING = "volunteering", "Volunteering time"
        GOODS = "goods", "Goods or equipment"
        SKILLS = "skills", "Skills or mentoring"
        MONEY = "money", "Money"
        PREMISES = "premises", "Use of premises"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        PART_MET = "part_met", "Partly met"
        MET = "met", "Met"
        CLOSED = "closed", "Closed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # The life cycle: each status may only move to these (`transition_error`).
    TRANSITIONS = {
        Status.DRAFT: {Status.OPEN, Status.WITHDRAWN},
        Status.OPEN: {Status.PART_MET, Status.MET, Status.CLOSED, Status.WITHDRAWN},
        Status.PART_MET: {Status.MET, Status.CLOSED, Status.WITHDRAWN},
        Status.MET: {Status.CLOSED},
        Status.CLOSED: set(),
        Status.WITHDRAWN: set(),
    }
    # Needs suppliers may still pledge to, and which count as unmet for the council.
    PLEDGEABLE = frozenset({Status.OPEN, Status.PART_MET})
    # Once published a need stays public (a draft is the group's own).
    PUBLIC = frozenset({Status.OPEN, Status.PART_MET, Status.MET, Status.CLOSED})

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="needs")
    group = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="needs",
        help_text="The VCS group or social enterprise that needs it",
    )
    title = models.CharField("what is needed", max_length=200)
    why = models.TextField("why it matters", max_length=TEXT_LIMIT)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    areas = models.ManyToManyField(Area, related_name="needs")
    measure = models.ForeignKey(
        Measure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
        help_text="The framework measure whose unit the quantity is counted in",
    )
    quantity = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MaxValueValidator(QUANTITY_MAX)],
    )
    needed_by = models.DateField(validators=[validate_plausible_date])
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    # Abusive content is hidden by an officer, never deleted (as proposals are).
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.TextField("reason for hiding", blank=True, max_length=REASON_LIMIT)
    proposal = models.ForeignKey(
        "consultations.Proposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
        help_text="The proposal this need was turned into, with others like it",
    )
    history = HistoricalRecords(m2m_fields=[areas])

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["place", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gt=0),
                name="need_quantity_positive",
                violation_error_message="The quantity needed must be more than 0",
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(measure__isnull=False),
                name="need_quantity_has_measure",
                violation_error_message="Choose the measure the quantity is counted in",
            ),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="need_hidden_has_reason",
                violation_error_message="Give the reason the need is hidden",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("needs:need_detail", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC

    @property
    def is_pledgeable(self) -> bool:
        return self.status in self.PLEDGEABLE and self.hidden_at is None

    def clean(self) -> None:
        errors = {}
        if self.group_id and self.group.kind not in GROUP_KINDS:
            errors["group"] = "Only a VCS group or a social enterprise can post a need"
        if self.group_id and self.group.archived_at:
            errors["group"] = f"{self.group} has been archived"
        if self.quantity is not None and self.measure_id is None:
            errors["measure"] = "Choose the measure the quantity is counted in"
        if self.measure_id and self.quantity is None:
            errors["quantity"] = "Enter the quantity needed, in the measure's unit"
        if self.quantity is not None and self.quantity <= 0:
            errors["quantity"] = "The quantity needed must be more than 0"
        if errors:
            raise ValidationError(errors)


def transition_error(need: Need, to: str) -> str | None:
    """Why `need` may not move to `to`, or None. A named rule: draft → open → partly met →
    met → closed; the group may withdraw it before it is met. No step is skipped back."""
    if to == need.status:
        return f"The need is already {need.get_status_display().lower()}"
    if to in Need.TRANSITIONS.get(need.status, set()):
        return None
    now, target = Need.Status(need.status).label.lower(), Need.Status(to).label.lower()
    if need.status in (Need.Status.CLOSED, Need.Status.WITHDRAWN):
        return f"This need is {now}: its status can no longer change"
    return f"A need that is {now} cannot become {target}"


class NeedStep(models.Model):
    """One step of a need's life (or a moderation step), with who took it and when. Never
    changed or deleted."""

    class Kind(models.TextChoices):
        STATUS = "status", "Status change"
        HIDDEN = "hidden", "Hidden by an officer"
        SHOWN = "shown", "Shown again"
        PROPOSED = "proposed", "Made part of a proposal"

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STATUS)
    from_status = models.CharField(max_length=12, choices=Need.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Need.Status.choices, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True, max_length=REASON_LIMIT)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.need}: {self.get_kind_display()} {self.to_status}".strip()


def need_file_path(instance, filename) -> str:
    return stored_name("need-files")(instance, filename)


class NeedFile(models.Model):
    """A photo or document of the need: checked like all evidence (`socialvalue.uploads`),
    stored under a random name, served only to people who may see the need."""

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to=need_file_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
