"""The shared parts of the ward importers: the codes, the report, the plans, and finding
wards by code."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from socialvalue.csvimport import Report

from ...carry import CarryNote
from ...models import Area, Place
from ..kinds import FileKind

WARD_CODE = re.compile(r"^(E05|W05|S13|N08)\d{6}$")
AUTHORITY_CODE = re.compile(r"^(E06|E07|E08|E09|W06|S12|N09)\d{6}$")
REQUIRED_COLUMNS = [("WD", "CD"), ("WD", "NM"), ("LAD", "CD"), ("LAD", "NM")]
WARD_NAME_MAX = Area._meta.get_field("name").max_length
PLACE_NAME_MAX = Place._meta.get_field("name").max_length
SLUG_MAX = Place._meta.get_field("slug").max_length
QUERY_CHUNK = 500  # stays under SQLite's limit on query parameters


@dataclass
class ImportReport(Report):
    """What a ward import did (or would have done).

    Ward counts are `created`, `updated` and `unchanged`; `skipped` counts rows for other local
    authorities. `retired` names the codes retired, `links` each (old, new) succession, and
    `carried` what became of each record drawn on a retired ward.
    """

    kind: FileKind = FileKind.WARD_LOOKUP
    year: int | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    places_created: int = 0
    places_updated: int = 0
    places_unchanged: int = 0
    retired: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    carried: list[CarryNote] = field(default_factory=list)

    @property
    def not_carried(self) -> list[CarryNote]:
        return [note for note in self.carried if not note.carried]


@dataclass
class _Row:
    line: int
    ward_code: str
    ward_name: str
    authority_code: str
    authority_name: str
    ward_name_welsh: str = ""


@dataclass
class _PlacePlan:
    place: Place  # unsaved when it is to be created
    line: int  # the first line for this local authority
    create: bool = False
    changes: dict = field(default_factory=dict)
    rows: list[_Row] = field(default_factory=list)
    failed: bool = False
    retire: list[Area] = field(default_factory=list)


@dataclass
class _WardPlan:
    line: int
    place_plan: _PlacePlan
    area: Area | None  # None: create
    fields: dict
    predecessor: Area | None = None


def areas_by_code(codes: list[str], **filters) -> dict[str, list[Area]]:
    """Areas with these GSS codes (any year), in chunks that fit SQLite's parameter limit."""
    coded: dict[str, list[Area]] = {}
    for start in range(0, len(codes), QUERY_CHUNK):
        chunk = codes[start : start + QUERY_CHUNK]
        for area in Area.objects.filter(gss_code__in=chunk, **filters).select_related("place"):
            coded.setdefault(area.gss_code, []).append(area)
    return coded


def successors_of(retired: list[Area]) -> dict[Area, list[Area]]:
    """Each retired area's current successors, in one query."""
    found: dict[int, list[Area]] = {area.pk: [] for area in retired}
    through = Area.successors.through.objects.filter(
        from_area_id__in=list(found), to_area__archived_at__isnull=True
    ).select_related("to_area")
    for link in through.order_by("to_area__name"):
        found[link.from_area_id].append(link.to_area)
    return {area: found[area.pk] for area in retired}


def _code(area: Area) -> str:
    return f"{area.name} ({area.gss_code}, {area.gss_year})"
