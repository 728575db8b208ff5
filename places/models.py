"""Places (the locality partner bodies share) and the tree of areas below them."""

from collections.abc import Mapping
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from socialvalue.dates import validate_plausible_date

from .querysets import AreaQuerySet

T = TypeVar("T")

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
    open_data_publisher = models.CharField(
        max_length=200,
        blank=True,
        help_text="Named as the publisher of the place's open contracting data. When empty, the "
        "place's local authority is, if it has exactly one",
    )
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
    path of zero-padded ids, so "this area and everything below it" is one indexed prefix query.
    It is written by `places.services.area_save()` (one area, rewriting a moved subtree) and
    `areas_save_in_bulk()` (importers), never by `save()`, which stays Django's own. Groupings
    (such as a Local Area Partnership) are sets of wards rather than parents of them;
    `AreaQuerySet.within()` follows both.
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
    name_welsh = models.CharField(
        "Welsh name",
        max_length=200,
        blank=True,
        help_text="The Welsh-language name, where ONS publishes one (WDyyNMW)",
    )
    gss_code = models.CharField(
        "GSS code", max_length=9, blank=True, validators=[gss_code_validator]
    )
    gss_year = models.PositiveSmallIntegerField("GSS code year", null=True, blank=True)
    retired_year = models.PositiveSmallIntegerField(
        "retired in",
        null=True,
        blank=True,
        editable=False,
        help_text="The year of the first ONS lookup without this code",
    )
    successors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        help_text="The areas that replaced this one at a boundary review",
    )
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
    history = HistoricalRecords(m2m_fields=[wards, successors])

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        constraints = [
            # Only among current areas: a ward re-coded at a boundary review keeps its name, and
            # the retired ward keeps it too (objectives from before still point at it).
            models.UniqueConstraint(
                fields=["place", "kind", "name"],
                condition=models.Q(archived_at__isnull=True),
                name="area_unique_current_name_per_kind_in_place",
                violation_error_message="There is already a current area of this kind with this name in the place",
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

    @classmethod
    def nearest(cls, path: str, by_path: Mapping[str, T]) -> T | None:
        """What `by_path` (keyed by area path) holds for the area at `path`, or else for the
        closest area containing it: the one rule by which a figure for an area is given to the
        row of the neighbourhood, ward or wider area it sits in."""
        for end in range(len(path), 0, -cls.PATH_STEP):
            found = by_path.get(path[:end])
            if found is not None:
                return found
        return None

    @property
    def depth(self) -> int:
        return self.depth_of(self.path)

    @classmethod
    def depth_of(cls, path: str) -> int:
        """How far below the top of its place an area with this path sits (0 at the top)."""
        return max(len(path) // cls.PATH_STEP - 1, 0)

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

    def path_under(self, parent_path: str) -> str:
        """This (saved) area's path below a parent whose path is `parent_path` ("" for none)."""
        return parent_path + str(self.pk).zfill(self.PATH_STEP)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def code_label(self) -> str:
        """The GSS code with its year, as shown beside the name ("E05012345, 2024")."""
        return f"{self.gss_code}, {self.gss_year}" if self.gss_code else ""

    @property
    def choice_label(self) -> str:
        """The area as a choice in a form names its kind, and a neighbourhood its ward
        ("Harbour (ward)", "Quayside (neighbourhood in Harbour)"); reads `parent`."""
        if self.kind == self.Kind.NEIGHBOURHOOD and self.parent_id:
            return f"{self.name} (neighbourhood in {self.parent.name})"
        return f"{self.name} ({self.get_kind_display().lower()})"


class Boundary(models.Model):
    """An area's shape for one vintage, simplified for display.

    Kept in the British National Grid (EPSG:27700, metres) as WKB, with the SVG path, extent
    and label point worked out once at import so that drawing a map reads rows, not geometry.
    SVG's y axis points down, so the path and extent use (easting, -northing).

    An imported boundary comes from an ONS file (`derived` False). A neighbourhood's or a
    council grouping's is the union of its LSOAs' or wards' (`derived` True), recomputed by
    `places.boundaries.refresh_derived()` whenever membership changes. Boundaries are copies of
    published data (or computed from them), so they carry no history of their own: a newer
    vintage is a new row and the older one stays.
    """

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="boundaries")
    year = models.PositiveSmallIntegerField(help_text="The vintage of the boundary, like 2024")
    derived = models.BooleanField(default=False)
    source = models.CharField(max_length=300, blank=True)
    geometry = models.BinaryField(help_text="Simplified shape as WKB, EPSG:27700")
    svg_path = models.TextField()
    min_x = models.IntegerField()
    min_y = models.IntegerField()
    max_x = models.IntegerField()
    max_y = models.IntegerField()
    label_x = models.IntegerField()
    label_y = models.IntegerField()
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["area", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="boundary_one_per_area_year")
        ]

    def __str__(self) -> str:
        return f"{self.area} ({self.year})"


class NeedSource(models.Model):
    """One published dataset of need for a place's LSOAs: an index of deprivation or
    population estimates, of one edition or mid-year, with where it came from.

    Every figure built from it shows its title, publisher and date (`citation`).
    """

    class Kind(models.TextChoices):
        DEPRIVATION_ENGLAND = "imd_england", "English Indices of Deprivation"
        DEPRIVATION_WALES = "wimd", "Welsh Index of Multiple Deprivation"
        POPULATION = "population", "ONS small area population estimates"

    DEPRIVATION_KINDS = (Kind.DEPRIVATION_ENGLAND, Kind.DEPRIVATION_WALES)

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="need_sources")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(
        help_text="The edition (such as 2019 for the Indices of Deprivation 2019) or the "
        "mid-year of a population estimate"
    )
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200)
    published_on = models.DateField(validators=[validate_plausible_date])
    licence = models.CharField(max_length=100, default="Open Government Licence v3.0")
    lsoa_year = models.PositiveSmallIntegerField(
        "LSOA code year", help_text="The census year of the LSOA codes in the file"
    )
    file_name = models.CharField(max_length=255, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["place", "kind", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "kind", "year"], name="need_source_one_per_place_kind_year"
            )
        ]

    def __str__(self) -> str:
        return self.citation

    @property
    def citation(self) -> str:
        """ "English Indices of Deprivation 2019, Ministry of …, published 26 September 2019"."""
        return (
            f"{self.title}, {self.publisher}, published "
            f"{self.published_on.day} {self.published_on:%B %Y} ({self.licence})"
        )


class LsoaFigure(models.Model):
    """One LSOA's value in one dataset: its deprivation rank and decile, or its population.

    A copy of a published figure: its source (with history) says where it came from.
    """

    source = models.ForeignKey(NeedSource, on_delete=models.CASCADE, related_name="figures")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="need_figures")
    rank = models.PositiveIntegerField(null=True, blank=True)
    decile = models.PositiveSmallIntegerField(null=True, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["source", "area"]
        constraints = [
            models.UniqueConstraint(fields=["source", "area"], name="lsoa_figure_one_per_source"),
            models.CheckConstraint(
                condition=models.Q(decile__isnull=True) | models.Q(decile__gte=1, decile__lte=10),
                name="lsoa_figure_decile_1_to_10",
                violation_error_message="A decile is a whole number from 1 to 10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} in {self.source}"
