"""Organisations: public bodies, VCS groups, social enterprises and suppliers."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from places.models import Area, Place

from ..querysets import OrganisationQuerySet


class Organisation(models.Model):
    """A public body, VCS group, social enterprise or supplier."""

    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        NHS = "nhs", "NHS body"
        POLICE = "police", "Police"
        FIRE = "fire", "Fire and rescue service"
        HOUSING = "housing", "Housing association"
        OTHER_PUBLIC = "other_public", "Other public body"
        VCS = "vcs", "Voluntary or community group"
        SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
        SUPPLIER = "supplier", "Supplier"

    PUBLIC_BODY_KINDS = frozenset(
        {Kind.LOCAL_AUTHORITY, Kind.NHS, Kind.POLICE, Kind.FIRE, Kind.HOUSING, Kind.OTHER_PUBLIC}
    )
    COMMUNITY_KINDS = frozenset({Kind.VCS, Kind.SOCIAL_ENTERPRISE})

    class Size(models.TextChoices):
        UNKNOWN = "", "Not known"
        SME = "sme", "Small or medium-sized enterprise (SME)"
        LARGE = "large", "Large"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text="The place a public body serves",
    )
    areas = models.ManyToManyField(
        Area,
        blank=True,
        related_name="organisations",
        help_text="The areas a community group works in",
    )
    size = models.CharField(max_length=10, choices=Size.choices, blank=True, default="")
    is_vcse = models.BooleanField(
        "VCSE", default=False, help_text="A voluntary, community or social enterprise"
    )
    # What an officer of a public body confirmed of `size` and `is_vcse`, who and when. Only a
    # confirmed status counts in published figures and open data; the organisation's own say
    # is shown as self-declared (see `confirmed_scale`, `confirmed_vcse`).
    confirmed_size = models.CharField(
        max_length=10, choices=Size.choices, blank=True, default="", editable=False
    )
    confirmed_is_vcse = models.BooleanField(default=False, editable=False)
    status_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    status_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    identifier = models.CharField(
        max_length=60,
        blank=True,
        help_text="An organisation identifier such as GB-COH-01234567 or GB-PPON-…",
    )
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[areas])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["place", "kind"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:organisation_detail", kwargs={"slug": self.slug})

    @property
    def is_public_body(self) -> bool:
        return self.kind in self.PUBLIC_BODY_KINDS

    @property
    def is_community_group(self) -> bool:
        return self.kind in self.COMMUNITY_KINDS

    # SME and VCSE status: declared, and confirmed ------------------------------------------
    # The rule, once: a status counts when an officer confirmed these very values. A change made
    # afterwards by any route (the organisation's page, the admin, an import) no longer matches
    # what was confirmed, so it is self-declared again. `OrganisationQuerySet.confirmed_sme()`
    # and `.confirmed_vcse()` are the same rule in SQL, for counting.

    @property
    def size_confirmed(self) -> bool:
        return bool(self.status_confirmed_at and self.size and self.confirmed_size == self.size)

    @property
    def vcse_status_confirmed(self) -> bool:
        return bool(self.status_confirmed_at and self.confirmed_is_vcse == self.is_vcse)

    @property
    def confirmed_scale(self) -> str:
        """The size to publish ("sme", "large"), or "" while it is only self-declared."""
        return self.size if self.size_confirmed else ""

    @property
    def confirmed_vcse(self) -> bool | None:
        """True or False once confirmed; None while only self-declared. Community groups and
        social enterprises are VCSEs by their kind, which an officer recorded."""
        if self.kind in self.COMMUNITY_KINDS:
            return True
        return self.is_vcse if self.vcse_status_confirmed else None

    @property
    def has_declared_status(self) -> bool:
        return bool(self.size or self.is_vcse)

    @property
    def status_is_self_declared(self) -> bool:
        """Something is declared that an officer has not confirmed (as it stands now)."""
        unconfirmed_size = bool(self.size) and not self.size_confirmed
        unconfirmed_vcse = (
            self.is_vcse
            and self.kind not in self.COMMUNITY_KINDS
            and not self.vcse_status_confirmed
        )
        return unconfirmed_size or unconfirmed_vcse

    def status_summary(self) -> str:
        """Like "SME, VCSE" or "large": what the organisation is said to be."""
        parts = []
        if self.size:
            parts.append("SME" if self.size == self.Size.SME else "large")
        if self.is_vcse:
            parts.append("VCSE")
        return ", ".join(parts)

    def clean(self) -> None:
        if self.kind in self.PUBLIC_BODY_KINDS and not self.place_id:
            raise ValidationError({"place": "Choose the place this public body serves"})
