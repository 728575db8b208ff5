"""A supplier's pledge to meet a need (in whole or part), its conversation, and the group's
confirmation that it was received."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from contracts.models import Commitment, DeliveryReturn
from people.models import Organisation
from socialvalue.dates import validate_plausible_date
from socialvalue.numbers import QUANTITY_MAX
from socialvalue.uploads import stored_name

from ..querysets import PledgeQuerySet
from .needs import REASON_LIMIT, TEXT_LIMIT, Need


def receipt_file_path(instance, filename) -> str:
    return stored_name("pledge-receipts")(instance, filename)


class Pledge(models.Model):
    """What a supplier offers towards a need: how much, by when, and, where it serves one of
    its contract commitments, which. A pledge linked to a commitment is contract social value
    once the group confirms it (it is counted in that commitment's return, `delivery_return`);
    an unlinked pledge is community support, never contract social value."""

    class Status(models.TextChoices):
        OFFERED = "offered", "Waiting for the group"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        RECEIVED = "received", "Received"

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="pledges")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="pledges")
    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledges",
        help_text="The contract commitment this pledge serves, if any",
    )
    quantity = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MaxValueValidator(QUANTITY_MAX)],
    )
    by_date = models.DateField("by when", validators=[validate_plausible_date])
    offer = models.TextField("what you offer", max_length=TEXT_LIMIT)
    above_need_confirmed = models.BooleanField(
        default=False,
        help_text="The supplier was told the pledge is more than is still needed, and confirmed",
    )
    attested = models.BooleanField(
        default=False,
        help_text="For a linked pledge: it is not claimed in any other return",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True, max_length=REASON_LIMIT)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The group's confirmation of receipt.
    received_quantity = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MaxValueValidator(QUANTITY_MAX)],
    )
    received_on = models.DateField(null=True, blank=True, validators=[validate_plausible_date])
    receipt_note = models.TextField(blank=True, max_length=TEXT_LIMIT)
    receipt_file = models.FileField(upload_to=receipt_file_path, max_length=200, blank=True)
    receipt_file_name = models.CharField(max_length=200, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Where a linked pledge is counted: the commitment's return for the period it was received.
    delivery_return = models.ForeignKey(
        DeliveryReturn,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledges",
    )
    not_counted_reason = models.TextField(
        blank=True, help_text="Why a linked pledge's delivery could not join a return"
    )
    history = HistoricalRecords()

    objects = PledgeQuerySet.as_manager()

    class Meta:
        ordering = ["-made_at", "-pk"]
        indexes = [models.Index(fields=["need", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gt=0),
                name="pledge_quantity_positive",
                violation_error_message="The quantity pledged must be more than 0",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="pledge_declined_has_reason",
                violation_error_message="Give the reason the pledge is declined",
            ),
            models.CheckConstraint(
                condition=~Q(status="received") | Q(confirmed_by__isnull=False),
                name="pledge_received_is_confirmed",
                violation_error_message="A received pledge names who confirmed it",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} for {self.need}"

    def get_absolute_url(self) -> str:
        return reverse("needs:pledge_detail", kwargs={"pk": self.pk})

    @property
    def is_contract_value(self) -> bool:
        """Linked to a commitment: counted as contract social value through its return."""
        return self.commitment_id is not None


class PledgeMessage(models.Model):
    """One message in a pledge's conversation between the group and the supplier."""

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=2000)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"Message on {self.pledge}"
