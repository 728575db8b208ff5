"""Consultations a public body runs (section 1(7) of the Social Value Act), their questions,
the responses, and the published summary ("You said, we did")."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from objectives.models import Objective
from people.models import Organisation
from places.models import Area, Place
from socialvalue.dates import consultation_period_problem, validate_plausible_date

from ..querysets import ConsultationQuerySet
from .proposals import TEXT_LIMIT, Proposal

AGREEMENT_SCALE = [
    "Strongly agree",
    "Agree",
    "Neither agree nor disagree",
    "Disagree",
    "Strongly disagree",
]


class Consultation(models.Model):
    class Stage(models.TextChoices):
        DRAFT = "draft", "Draft"
        UPCOMING = "upcoming", "Not open yet"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        SUMMARY = "summary", "Summary published"

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="consultations")
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name="run by",
        help_text="The public body running the consultation",
    )
    title = models.CharField(max_length=200)
    purpose = models.TextField(max_length=TEXT_LIMIT)
    areas = models.ManyToManyField(Area, related_name="consultations")
    objectives = models.ManyToManyField(Objective, blank=True, related_name="consultations")
    # The contracts app arrives separately; until a real link exists, the planned contract is
    # named by its reference and title.
    planned_contract_reference = models.CharField(max_length=100, blank=True)
    planned_contract_title = models.CharField(max_length=200, blank=True)
    opens_on = models.DateField(validators=[validate_plausible_date])
    closes_on = models.DateField(validators=[validate_plausible_date])
    allow_anonymous = models.BooleanField(
        "allow anonymous responses",
        default=False,
        help_text="People can respond without signing in",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    summary_intro = models.TextField("summary", blank=True, max_length=TEXT_LIMIT)
    summary_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[areas, objectives])

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="consultation_closes_after_opening",
                violation_error_message="The closing date must be on or after the opening date",
            ),
            models.CheckConstraint(
                condition=Q(summary_published_at__isnull=True) | Q(published_at__isnull=False),
                name="consultation_summary_needs_publication",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:consultation_detail", kwargs={"pk": self.pk})

    @property
    def stage(self) -> str:
        if self.published_at is None:
            return self.Stage.DRAFT
        if self.summary_published_at is not None:
            return self.Stage.SUMMARY
        if self.is_closed:
            return self.Stage.CLOSED
        if timezone.localdate() < self.opens_on:
            return self.Stage.UPCOMING
        return self.Stage.OPEN

    def get_stage_display(self) -> str:
        return self.Stage(self.stage).label

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None or timezone.localdate() > self.closes_on

    @property
    def is_open(self) -> bool:
        return self.stage == self.Stage.OPEN

    def clean(self) -> None:
        errors = {}
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = "The closing date must be on or after the opening date"
        elif self.opens_on and self.closes_on:
            too_long = consultation_period_problem(self.opens_on, self.closes_on)
            if too_long:
                errors["closes_on"] = too_long
        if (
            self.owner_id
            and self.place_id
            and (not self.owner.is_public_body or self.owner.place_id != self.place_id)
        ):
            errors["owner"] = f"Choose a public body serving {self.place}"
        if errors:
            raise ValidationError(errors)


class Question(models.Model):
    class Kind(models.TextChoices):
        FREE_TEXT = "free_text", "Free text"
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        AGREEMENT = "agreement", "Agreement scale"

    CHOICE_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE, Kind.AGREEMENT})

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField(default=0)
    text = models.CharField("question", max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    required = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_choice(self) -> bool:
        return self.kind in self.CHOICE_KINDS


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=200)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "label"],
                name="option_unique_label",
                violation_error_message="Each option must be different",
            )
        ]

    def __str__(self) -> str:
        return self.label


class RespondentType(models.TextChoices):
    VCS = "vcs", "A voluntary or community group"
    RESIDENT = "resident", "A resident"
    SERVICE_USER = "service_user", "Someone who uses the service"
    STAFF = "staff", "Staff"
    PROVIDER = "provider", "A provider or supplier"
    PUBLIC_BODY = "public_body", "Another public body"


class Response(models.Model):
    """One person's or group's answers. Never public: only counts are published."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="responses"
    )
    respondent_type = models.CharField(max_length=20, choices=RespondentType.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_responses",
    )
    organisation_name = models.CharField("group or organisation", max_length=200, blank=True)
    # A keyed hash of the client's address for anonymous responses (for throttling floods);
    # the address itself is never stored.
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"],
                condition=Q(user__isnull=False),
                name="response_once_per_person",
                violation_error_message="You have already responded to this consultation",
            )
        ]

    def __str__(self) -> str:
        return f"Response to {self.consultation}"


class Answer(models.Model):
    """An answer to one question: free text, or one row per chosen option."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    text = models.TextField(blank=True, max_length=TEXT_LIMIT)

    class Meta:
        ordering = ["question__position", "pk"]
        indexes = [models.Index(fields=["question", "option"])]

    def __str__(self) -> str:
        return self.text or str(self.option)


class SummaryEntry(models.Model):
    """One "You said, we did" line, linked to what changed."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="summary_entries"
    )
    position = models.PositiveIntegerField(default=0)
    you_said = models.TextField(max_length=2000)
    we_did = models.TextField(max_length=2000)
    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessment_url = models.URLField(
        "contract assessment link",
        max_length=500,
        blank=True,
        help_text="The web address of the contract assessment that changed",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "summary entries"

    def __str__(self) -> str:
        return self.you_said[:60]
