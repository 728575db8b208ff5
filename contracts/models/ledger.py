"""The ledger behind every delivery figure: running totals, ledger entries, evidence files and
the claim keys that stop one outcome being counted twice."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from objectives.models import Measure
from socialvalue.uploads import stored_name

from .delivery import Commitment, DeliveryReturn, ReportingPeriod


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


class ObjectiveDelivery(models.Model):
    """The ledger's rollup per objective, measure and reporting-period start: the verified and
    claimed quantities of the current (not withdrawn) commitments serving the objective with
    the measure, summed from their `LedgerEntry` lines.

    What a target is judged by (its objective's commitments with its measure, as at a day:
    the periods started by then), read as a few rows per objective instead of every line of
    every commitment serving it (8,000 commitments for a county ward's objectives). Derived
    data, written only by `contracts.ledger` when it records a commitment's lines, and
    compared with the lines by `manage.py rebuild_ledger --check`.
    """

    objective = models.ForeignKey(
        "objectives.Objective", on_delete=models.CASCADE, related_name="+"
    )
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    verified = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    claimed = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "measure", "period_start"], name="objective_delivery_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objective_id}/{self.measure_id} {self.period_start}: {self.verified}"


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
