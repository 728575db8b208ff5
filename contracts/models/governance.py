"""Governance: joint arrangements between public bodies, and exemptions from the assessment with
their thresholds."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from people.models import Organisation
from places.models import Place
from socialvalue.numbers import format_money

from .assessments import Assessment
from .common import LoadedStatusMixin
from .contracts import Contract


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
    `contracts.services.governance`; ended, never deleted; the history of both is kept.
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
        from ..signoff import sign_off_refusal

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
