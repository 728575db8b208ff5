"""OCDS imports: award suppliers, the identifiers and names buyers publish under, and the import
runs themselves."""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from people.models import Organisation
from places.models import Place

from .common import SUPPLIER_KINDS
from .contracts import Contract


class AwardSupplier(models.Model):
    """A supplier named on a contract's award, in the order the award names them.

    A framework or a joint award names several suppliers: each is kept, with the identifier the
    source gave for it. `value` is the supplier's share of the award only where the source gives
    one (for example a separate award per supplier); otherwise it is empty and never divided up.
    The first is also `Contract.supplier`; the award services keep the two in step.
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="award_suppliers")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="award_places"
    )
    position = models.PositiveSmallIntegerField(default=0)
    identifier = models.CharField(
        max_length=120, blank=True, help_text="The identifier the source used for the supplier"
    )
    value = models.DecimalField(
        "share of the award value (£)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Only where the source gives the supplier's own value",
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "organisation"],
                name="award_supplier_once_per_contract",
                violation_error_message="This supplier is already on the award",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="award_supplier_value_not_negative",
                violation_error_message="A supplier's share cannot be negative",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "contract"])]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.contract.reference}"

    def clean(self) -> None:
        if self.organisation_id and self.organisation.kind not in SUPPLIER_KINDS:
            raise ValidationError(
                {"organisation": "Choose a supplier, social enterprise or VCS organisation"}
            )


def normalise_identifier(value: str) -> str:
    """An organisation identifier as compared: upper case, without spaces (GB-COH-01234567)."""
    return "".join(value.split()).upper()


_NOT_NAME = str.maketrans(dict.fromkeys('.,;:"“”()[]/-–—_', " ") | dict.fromkeys("'’‘", ""))


def normalise_name(value: str) -> str:
    """A body's name as compared: case, punctuation, "&"/"and" and a leading "The" ignored, so
    "The North Yorkshire Council" and "north yorkshire council" are one name."""
    words = value.casefold().replace("&", " and ").translate(_NOT_NAME).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


class BuyerAlias(models.Model):
    """An identifier or a name a public body publishes its notices under.

    Contracts Finder, Find a Tender, Public Contracts Scotland and Sell2Wales spell a body's name
    in different ways and give it different identifiers. The OCDS import recognises a release's
    buyer by these (as well as the body's own identifier and name). Added by the body's
    organisation admin, or learnt when an officer matches an unrecognised buyer to their body
    and confirms the import. Removed, never deleted: the history says who did what.
    """

    class Kind(models.TextChoices):
        IDENTIFIER = "identifier", "Identifier"
        NAME = "name", "Name"

    class Source(models.TextChoices):
        ADDED = "added", "Added by hand"
        LEARNT = "learnt", "Learnt from a confirmed import"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="buyer_aliases"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    value = models.CharField(max_length=200)
    key = models.CharField(max_length=200, blank=True, editable=False)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ADDED)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "kind", "value"]
        verbose_name_plural = "buyer aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=Q(removed_at__isnull=True),
                name="buyer_alias_one_body",
                violation_error_message="Another public body already publishes under this",
            )
        ]

    def __str__(self) -> str:
        return f"{self.value} ({self.organisation})"

    def clean(self) -> None:
        self.value = " ".join((self.value or "").split())
        if self.kind == self.Kind.IDENTIFIER:
            self.key = normalise_identifier(self.value)
        else:
            self.key = normalise_name(self.value)
        errors = {}
        if not self.key:
            errors["value"] = "Enter the identifier or name the body publishes under"
        if self.organisation_id and not self.organisation.is_public_body:
            errors["organisation"] = "Only a public body publishes notices as a buyer"
        if errors:
            raise ValidationError(errors)


class OcdsImport(models.Model):
    """An OCDS file uploaded for import, kept on the server between the preview and the
    confirmation, and afterwards the record of what was imported. The worker does the preview
    (CHECKING) and the import (IMPORTING); the request only stores and checks the upload.

    It belongs to the person who uploaded it (nobody else can see or confirm it), expires
    unconfirmed after `OcdsImport.LIFETIME`, and holds at most the upload limit. The file itself
    is cleared once it is imported or expires; the record keeps its name, size, hash and the
    report (of the latest preview, then of the import). `choices` holds what the person decided
    on the review page: which of their bodies an unrecognised buyer is, and which cancellations
    they confirm. `revision` counts the changes to them, so an import is confirmed only for the
    choices whose preview the person saw.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", "Being checked"
        PREVIEWED = "previewed", "Waiting for confirmation"
        IMPORTING = "importing", "Being imported"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Failed: nothing was changed"
        EXPIRED = "expired", "Expired or replaced"

    LIFETIME = datetime.timedelta(hours=2)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(blank=True, editable=False)
    choices = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    report = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    imported_at = models.DateTimeField(null=True, blank=True)
    # The worker checks and imports the file (contracts.tasks): when the work was last queued
    # and began, and why it failed, if it did.
    queued_at = models.DateTimeField(null=True, blank=True)
    work_started_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["by", "status"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display().lower()})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PREVIEWED and self.expires_at > timezone.now()
