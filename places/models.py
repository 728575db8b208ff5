"""Places (the locality partner bodies share) and the tree of areas below them."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .querysets import AreaQuerySet

gss_code_validator = RegexValidator(
    r"^[EWSNK]\d{8}$",
    "Enter a GSS code as a letter and 8 digits, like E05012345",
)


class Place(models.Model):
    """A locality shared by partner bodies, such as a borough or county."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    gss_code = models.CharField(
        "GSS code",
        max_length=9,
        blank=True,
        validators=[gss_code_validator],
        help_text="The local authority's ONS code, such as E09000033",
    )
    gss_year = models.PositiveSmallIntegerField("GSS code year", null=True, blank=True)
    description = models.TextField(blank=True)
    two_factor_required = models.BooleanField(
        "require two-factor sign-in",
        default=False,
        help_text="Officers, leaders and organisation admins of this place's public bodies "
        "must confirm a code from an authenticator app before they sign off an assessment, "
        "decide on a delivery return or administer an organisation. Staff must too, in the "
        "Django admin, once any place requires it",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["gss_code"], condition=~models.Q(gss_code=""), name="place_gss_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:place_detail", kwargs={"slug": self.slug})


class Area(models.Model):
    """An area within a place: a ward, a neighbourhood, an LSOA, or a council grouping of wards.

    Areas form a tree under their place (ward → neighbourhood → LSOA). `path` is a materialised
    path of zero-padded ids, kept by `save()`, so "this area and everything below it" is one
    indexed prefix query. Groupings (such as a Local Area Partnership) are sets of wards rather
    than parents of them; `AreaQuerySet.within()` follows both.
    """

    class Kind(models.TextChoices):
        GROUPING = "grouping", "Council grouping of wards"
        WARD = "ward", "Ward"
        NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"
        MSOA = "msoa", "MSOA"
        LSOA = "lsoa", "LSOA"

    # Which kinds may sit directly under which. None is the place itself (the top of the tree).
    ALLOWED_PARENTS = {
        Kind.GROUPING: {None},
        Kind.WARD: {None},
        Kind.NEIGHBOURHOOD: {None, Kind.WARD},
        Kind.MSOA: {None},
        Kind.LSOA: {None, Kind.WARD, Kind.NEIGHBOURHOOD, Kind.MSOA},
    }
    PATH_STEP = 10

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="areas")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    gss_code = models.CharField(
        "GSS code", max_length=9, blank=True, validators=[gss_code_validator]
    )
    gss_year = models.PositiveSmallIntegerField("GSS code year", null=True, blank=True)
    wards = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="groupings",
        limit_choices_to={"kind": Kind.WARD},
        help_text="For a council grouping: the wards it is made of",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    archived_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[wards])

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "kind", "name"], name="area_unique_name_per_kind_in_place"
            ),
            models.UniqueConstraint(
                fields=["gss_code", "gss_year"],
                condition=~models.Q(gss_code=""),
                name="area_gss_code_year_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(gss_code="") | models.Q(gss_year__isnull=True),
                name="area_gss_year_needs_code",
                violation_error_message="Enter the GSS code the year belongs to, or leave the year blank",
            ),
        ]
        indexes = [models.Index(fields=["place", "kind"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:area_detail", kwargs={"pk": self.pk})

    @property
    def depth(self) -> int:
        return max(len(self.path) // self.PATH_STEP - 1, 0)

    def clean(self) -> None:
        errors = {}
        parent_kind = self.parent.kind if self.parent_id else None
        if self.kind and parent_kind not in self.ALLOWED_PARENTS.get(self.kind, set()):
            errors["parent"] = (
                f"A {self.get_kind_display().lower()} cannot sit inside a "
                f"{self.parent.get_kind_display().lower()}"
                if self.parent_id
                else f"A {self.get_kind_display().lower()} must sit inside another area"
            )
        if self.parent_id and self.place_id and self.parent.place_id != self.place_id:
            errors["parent"] = "Choose a parent area in the same place"
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = "An area cannot sit inside itself"
        if self.gss_code and not self.gss_year:
            errors["gss_year"] = "Enter the year of the GSS code, like 2024"
        if self.gss_year and not self.gss_code:
            errors["gss_code"] = "Enter the GSS code the year belongs to, or leave the year blank"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = self.build_path()
        if path != self.path:
            old_prefix = self.path
            self.path = path
            Area.objects.filter(pk=self.pk).update(path=path)
            if old_prefix:
                # The subtree moved: rewrite the descendants' paths in one pass per level.
                for child in Area.objects.filter(parent=self):
                    child.save()

    def build_path(self) -> str:
        own = str(self.pk).zfill(self.PATH_STEP)
        if self.parent_id:
            parent_path = Area.objects.values_list("path", flat=True).get(pk=self.parent_id)
            return parent_path + own
        return own

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None
