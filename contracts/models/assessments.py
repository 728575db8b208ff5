"""The pre-procurement social impact assessment (section 1 of the Act), versioned and frozen
once approved."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from objectives.models import Measure, Objective

from .common import CENTRAL_GOVERNMENT_MINIMUM_WEIGHTING, LoadedStatusMixin
from .contracts import Contract


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
        from ..signoff import sign_off_refusal

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
