"""Ward and LSOA boundaries from the GeoJSON the ONS Open Geography Portal publishes.

`import_boundaries()` reads a FeatureCollection whose features carry an ONS code property
(WD24CD, LSOA21CD, …; the year in the name is the boundaries' vintage) and a Polygon or
MultiPolygon, in longitude/latitude (EPSG:4326, the GeoJSON default, often declared as
"urn:ogc:def:crs:OGC:1.3:CRS84") or in the British National Grid (EPSG:27700, declared in a
`crs` member). It stores each shape, simplified for display, with its area and vintage, then
recomputes the shapes of the place's neighbourhoods and groupings.

The file is refused whole, with the reason, if it is not such a collection, uses another
projection, has coordinates outside the UK, has a feature that is not a valid polygon, or
has codes that are not areas of the place.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.db import transaction

from socialvalue.csvimport import Report, join_words

from .. import boundaries, geometry
from ..models import Area, Boundary, Place

MAX_BYTES = 200 * 1024 * 1024
CODE_PROPERTY = re.compile(r"^(WD|LSOA)(\d{2})CD$", re.IGNORECASE)
OTHER_PROPERTY = re.compile(
    r"^(LAD|MSOA|OA|CTY|CED|PCON|RGN|CTRY|UTLA|LTLA)(\d{2})CD$", re.IGNORECASE
)
KINDS = {"WD": Area.Kind.WARD, "LSOA": Area.Kind.LSOA}
NOUNS = {"WD": "ward", "LSOA": "LSOA"}
SHOWN = 5  # codes named in one message


@dataclass
class BoundaryReport(Report):
    kind: str = ""
    year: int | None = None
    projection: str = ""
    created: int = 0
    updated: int = 0
    derived: int = 0


def _refuse(report: BoundaryReport, message: str) -> BoundaryReport:
    report.error(None, message)
    return report


def import_boundaries(
    file_obj,
    *,
    place: Place,
    dry_run: bool = False,
    tolerance: float = geometry.DEFAULT_TOLERANCE,
    source: str = "",
) -> BoundaryReport:
    """Import the boundaries of `place`'s wards or LSOAs from an ONS GeoJSON file: every
    check first (size, format, projection, codes, shapes, areas), then one transaction."""
    report = BoundaryReport(dry_run=dry_run)
    data = _feature_collection(file_obj, report)
    if data is None:
        return report
    features = data["features"]
    crs = _declared_crs(data, report)
    if report.errors:
        return report
    found = _codes(features, report)
    if found is None:
        return report
    prefix, column, codes = found
    report.kind, report.year = NOUNS[prefix], 2000 + int(column[-4:-2])
    shapes = _valid_shapes(features, codes, crs, report)
    if shapes is None:
        return report
    areas = _areas(place, prefix, codes, report)
    if areas is None:
        return report
    simplified = geometry.simplify(shapes, tolerance)
    source = source or f"ONS Open Geography Portal, {report.kind} boundaries {report.year} (OGL)"
    with transaction.atomic():
        _save(areas, codes, simplified, source=source, report=report)
        report.derived = boundaries.refresh_derived(place=place)
        if dry_run:
            transaction.set_rollback(True)
    report.saved = not dry_run
    return report


def _feature_collection(file_obj, report: BoundaryReport) -> dict | None:
    """The file as a GeoJSON FeatureCollection with features (None, refused, otherwise)."""
    raw = file_obj.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        _refuse(report, f"the file is larger than {MAX_BYTES // 1024 // 1024} MB")
        return None
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        _refuse(report, "the file is not GeoJSON: it cannot be read as JSON text")
        return None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        _refuse(
            report,
            'the file is not a GeoJSON FeatureCollection (its "type" is not "FeatureCollection")',
        )
        return None
    features = data.get("features")
    if not isinstance(features, list) or not features:
        _refuse(report, "the file has no features")
        return None
    report.rows = len(features)
    return data


def _valid_shapes(features, codes, crs, report: BoundaryReport) -> list | None:
    """Each feature's geometry in British National Grid, all valid (None if any is not)."""
    shapes = []
    for number, feature in enumerate(features, start=1):
        code = codes[number - 1]
        try:
            geom = geometry.from_geojson((feature or {}).get("geometry") or {})
        except ValueError as exc:
            report.error(None, f"feature {number} ({code}): the geometry cannot be read ({exc})")
            continue
        shapes.append(geom)
    if report.errors:
        return None
    shapes = _in_bng(shapes, crs, report)
    if shapes is None:
        return None
    for number, (code, geom) in enumerate(zip(codes, shapes, strict=True), start=1):
        reason = geometry.invalid_reason(geom)
        if reason:
            report.error(None, f"feature {number} ({code}): {reason}")
    return None if report.errors else shapes


def _save(areas, codes, simplified, *, source: str, report: BoundaryReport) -> None:
    """Create or update each area's boundary for the report's year (inside the import's
    transaction)."""
    existing = {
        b.area_id: b
        for b in Boundary.objects.filter(
            area__in=list(areas.values()), year=report.year, derived=False
        ).defer("geometry")
    }
    new, changed = [], []
    for code, geom in zip(codes, simplified, strict=True):
        area = areas[code]
        fields = {"source": source, **boundaries.boundary_fields(geom)}
        if area.pk in existing:
            boundary = existing[area.pk]
            for name, value in fields.items():
                setattr(boundary, name, value)
            changed.append(boundary)
        else:
            new.append(Boundary(area=area, year=report.year, **fields))
    Boundary.objects.bulk_create(new, batch_size=200)
    if changed:
        fields_changed = ["source", *boundaries.boundary_fields(simplified[0])]
        Boundary.objects.bulk_update(changed, fields_changed, batch_size=200)
    report.created, report.updated = len(new), len(changed)


def _declared_crs(data: dict, report: BoundaryReport) -> int | None:
    """The projection the file declares (None if it declares none: GeoJSON's default)."""
    crs = data.get("crs")
    if crs is None:
        return None
    name = ((crs or {}).get("properties") or {}).get("name") if isinstance(crs, dict) else None
    epsg = geometry.crs_of(name) if isinstance(name, str) else None
    if epsg is None:
        report.error(
            None,
            f"the file is in the projection {name or 'it names'}, which is not one ONS publishes "
            "boundaries in. Download the GeoJSON in longitude/latitude (EPSG:4326) or the "
            "British National Grid (EPSG:27700)",
        )
    return epsg


def _codes(features, report: BoundaryReport):
    """The ONS code property the features share, and each feature's code."""
    first = (features[0] or {}).get("properties") or {} if isinstance(features[0], dict) else {}
    keys = [key for key in first if CODE_PROPERTY.match(str(key))]
    if len(keys) != 1:
        others = [key for key in first if OTHER_PROPERTY.match(str(key))]
        if others:
            report.error(
                None,
                f"these are not ward or LSOA boundaries: the features have {others[0]} codes. "
                "Download the ward (WDyyCD) or LSOA (LSOAyyCD) boundaries",
            )
        else:
            report.error(
                None,
                "the features have no WDyyCD or LSOAyyCD property, so they are not ONS ward or "
                "LSOA boundaries",
            )
        return None
    (column,) = keys
    prefix = CODE_PROPERTY.match(column)[1].upper()
    codes, seen = [], {}
    for number, feature in enumerate(features, start=1):
        properties = (feature or {}).get("properties") if isinstance(feature, dict) else None
        code = str((properties or {}).get(column) or "").strip()
        if not code:
            report.error(None, f"feature {number} has no {column}")
        elif code in seen:
            report.error(None, f"feature {number} repeats {code}, already feature {seen[code]}")
        else:
            seen[code] = number
        codes.append(code)
    if report.errors:
        return None
    return prefix, column, codes


def _in_bng(shapes, crs: int | None, report: BoundaryReport):
    """The shapes in the British National Grid, or None (with the reason) if the coordinates
    are not where the file says, or not in the UK at all."""
    if crs == geometry.BNG:
        if not geometry.within(shapes, geometry.UK_BNG):
            report.error(
                None,
                "the file says it is in the British National Grid (EPSG:27700), "
                "but its coordinates are outside the UK",
            )
            return None
        report.projection = "British National Grid (EPSG:27700)"
        return shapes
    if geometry.within(shapes, geometry.UK_LONLAT):
        report.projection = "longitude/latitude (EPSG:4326)"
        return list(geometry.project_to_bng(shapes))
    if geometry.swapped(shapes):
        report.error(
            None,
            "the coordinates are latitude, longitude; GeoJSON puts longitude "
            "first. Download the file again from the Open Geography Portal",
        )
        return None
    if crs is None and geometry.within(shapes, geometry.UK_BNG):
        report.projection = "British National Grid (EPSG:27700), read from the coordinates"
        report.note(
            "The file does not name its projection; its coordinates are in metres "
            "within the UK, so they were read as the British National Grid (EPSG:27700)"
        )
        return shapes
    report.error(
        None,
        "the coordinates are in neither longitude/latitude (EPSG:4326) nor the British National "
        "Grid (EPSG:27700) for the UK: the file is in another projection. Download the GeoJSON "
        "again in one of those two",
    )
    return None


def _areas(place: Place, prefix: str, codes: list[str], report: BoundaryReport):
    """The place's area for each code, or None (with the codes that are not its areas)."""
    kind = KINDS[prefix]
    areas: dict[str, Area] = {}
    for start in range(0, len(codes), 500):
        for area in Area.objects.filter(
            place=place, kind=kind, gss_code__in=codes[start : start + 500]
        ):
            current = areas.get(area.gss_code)
            if current is None or (area.gss_year or 0) > (current.gss_year or 0):
                areas[area.gss_code] = area
    missing = [code for code in codes if code not in areas]
    if missing:
        noun = NOUNS[prefix] + "s"
        shown = join_words(missing[:SHOWN], "and") + (
            f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
        )
        report.error(
            None,
            f"{len(missing)} of the {len(codes)} features are not {noun} of {place.name} "
            f"({shown}). Download the boundaries of {place.name}'s {noun} only, or import the "
            f"{'ward' if prefix == 'WD' else 'LSOA to ward'} lookup first",
        )
        return None
    return areas
