"""Open data: commitments and their verified delivery as CSV, one row per commitment per
reporting period.

Streamed from the database with `.iterator(chunk_size=...)` (a server-side cursor on
PostgreSQL) and written a few hundred lines at a time (`csv_text`), so memory stays constant
however many rows there are. Verified delivery only: claimed but
unverified quantities are not published. No personal data: organisations are named, people are
not.
"""

from decimal import Decimal
from functools import lru_cache

from django.db.models import DecimalField, Exists, ExpressionWrapper, F, OuterRef, Subquery

from contracts import ledger
from contracts.models import AwardSupplier, Commitment, ReportingPeriod
from places.models import Area

from .figures import Scope, commitments

CHUNK_SIZE = 2000
# Lines of CSV text written (or sent) at a time.
LINES_PER_PIECE = 500
MONEY = DecimalField(max_digits=20, decimal_places=2)

# (column name, description): the documentation shown on the transparency page.
COLUMNS = [
    ("place", "The place (borough or county) the contract is for"),
    ("place_gss_code", "ONS GSS code of the place's local authority, if recorded"),
    ("commitment_id", "This service's identifier of the commitment"),
    ("contract_reference", "The buyer's reference for the contract"),
    ("contract_ocid", "The contract's Open Contracting id (as in the OCDS export)"),
    ("contract_title", "The contract's title"),
    ("buyer", "The public body that bought the contract (the lead buyer)"),
    ("buyer_identifier", "The buyer's organisation identifier, such as GB-PPON-…, if recorded"),
    ("delivered_by", "The supplier or subcontractor that made the commitment"),
    ("delivered_by_role", "supplier or subcontractor"),
    ("framework", "The outcomes framework the measure belongs to, with its version"),
    ("measure_code", "The measure's code in that framework"),
    ("measure_name", "What is counted"),
    ("unit", "The unit quantities are counted in"),
    ("measure_retired", "yes if the measure has since been retired (the commitment still counts)"),
    ("objective_reference", "The local objective the commitment serves (OBJ-nnnnn)"),
    ("objective_title", "The objective's title"),
    ("area_name", "The area the commitment is for"),
    ("area_type", "ward, neighbourhood, LSOA, MSOA or council grouping"),
    ("area_gss_code", "The area's ONS GSS code (E05 ward, E01 LSOA, E02 MSOA), if it has one"),
    ("area_gss_year", "The year of that GSS code (wards change yearly)"),
    ("committed_quantity", "The whole quantity committed, in the unit"),
    ("commitment_start", "When delivery of the commitment starts (YYYY-MM-DD)"),
    ("commitment_due", "When the whole quantity is due (YYYY-MM-DD)"),
    ("period_start", "First day of the reporting period (YYYY-MM-DD)"),
    ("period_end", "Last day of the reporting period (YYYY-MM-DD)"),
    (
        "verified_quantity",
        "Quantity delivered in the period and verified by an officer; empty "
        "when no verified return exists for the period",
    ),
    ("proxy_value_gbp", "£ per unit copied onto the commitment when it was made, if any"),
    ("proxy_source", "Where that proxy value comes from"),
    ("proxy_year", "The year the proxy value applies to"),
    (
        "verified_value_gbp_estimate",
        "verified_quantity × proxy_value_gbp: an estimate, not money spent",
    ),
]
HEADER = [name for name, _description in COLUMNS]
AREA_TYPES = {k.value: k.label for k in Area.Kind}


def rows(scope: Scope):
    """Rows for every started reporting period of every current commitment in the scope (a
    period filter keeps periods ending within it).

    Two streams in the same order, merged: the periods with their verified delivery (the
    ledger's lines) and £ estimate, a few columns a row; and the commitments with everything
    that describes them, read once per commitment rather than once per period."""
    current = commitments(scope, use_period=False)
    verified = ledger.entries(
        commitment_id=OuterRef("contract__commitments__id"),
        period_id=OuterRef("pk"),
        verified_returns__gt=0,
    ).values("verified")
    periods = (
        ReportingPeriod.objects.filter(
            scope.in_period("end"),
            contract__commitments__in=current,
            start__lte=scope.today,
        )
        .annotate(verified=Subquery(verified, output_field=MONEY))
        .annotate(
            value=ExpressionWrapper(
                F("verified") * F("contract__commitments__proxy_value"),
                output_field=MONEY,
            )
        )
        .order_by("contract__reference", "contract__commitments__id", "start")
        .values_list("contract__commitments__id", "start", "end", "verified", "value")
    )
    described = _described(scope, current)
    commitment_id, head, tail = None, None, None
    for line_of, start, end, verified_quantity, value in periods.iterator(chunk_size=CHUNK_SIZE):
        while line_of != commitment_id:
            # Both streams are in (contract reference, commitment) order: a commitment with no
            # started period in the scope is passed over.
            commitment_id, head, tail = next(described)
        yield [
            *head,
            start.isoformat(),
            end.isoformat(),
            _plain(verified_quantity),
            *tail,
            _plain(value, places=2) if value is not None else None,
        ]


def _described(scope: Scope, current):
    """(id, the cells before the period's, the proxy's cells) of each commitment, in the
    order of `rows`."""
    from .ocds import ocid_for

    on_award = Exists(
        # A supplier named on the award (any of a framework's), not a subcontractor.
        AwardSupplier.objects.filter(
            contract_id=OuterRef("contract_id"), organisation_id=OuterRef("delivered_by_id")
        )
    )
    described = (
        Commitment.objects.filter(pk__in=current)
        .annotate(on_award=on_award)
        .order_by("contract__reference", "pk")
        .values_list(
            "pk",
            "contract_id",
            "contract__reference",
            "contract__ocid",
            "contract__title",
            "contract__buyer__name",
            "contract__buyer__identifier",
            "delivered_by__name",
            "delivered_by_id",
            "contract__supplier_id",
            "on_award",
            "measure__framework__name",
            "measure__framework__version",
            "measure__code",
            "measure__name",
            "measure__unit",
            "measure__retired_at",
            "objective_id",
            "objective__title",
            "area__name",
            "area__kind",
            "area__gss_code",
            "area__gss_year",
            "quantity",
            "start_date",
            "due_date",
            "proxy_value",
            "proxy_source",
            "proxy_year",
        )
    )
    for (
        commitment_id,
        contract_id,
        reference,
        ocid,
        title,
        buyer,
        buyer_identifier,
        delivered_by,
        delivered_by_id,
        supplier_id,
        on_award,
        framework,
        version,
        code,
        name,
        unit,
        retired_at,
        objective_id,
        objective_title,
        area_name,
        area_kind,
        gss_code,
        gss_year,
        quantity,
        start_date,
        due_date,
        proxy_value,
        proxy_source,
        proxy_year,
    ) in described.iterator(chunk_size=CHUNK_SIZE):
        head = [
            scope.place.name,
            scope.place.gss_code,
            commitment_id,
            reference,
            ocid_for(contract_id=contract_id, ocid=ocid),
            title,
            buyer,
            buyer_identifier,
            delivered_by,
            "supplier" if on_award or delivered_by_id == supplier_id else "subcontractor",
            f"{framework} ({version})",
            code,
            name,
            unit,
            "yes" if retired_at is not None else "",
            f"OBJ-{objective_id:05d}",
            objective_title,
            area_name,
            AREA_TYPES.get(area_kind, area_kind),
            gss_code,
            gss_year,
            _plain(quantity),
            start_date.isoformat(),
            due_date.isoformat(),
        ]
        yield commitment_id, head, [_plain(proxy_value), proxy_source, proxy_year]


def csv_text(scope: Scope):
    """The commitments CSV (header and rows) as text, a few hundred lines at a time: the one
    builder of the live download and the whole-place file (`publishing`)."""
    from socialvalue.csv import csv_chunks

    def with_header():
        yield HEADER
        yield from rows(scope)

    return csv_chunks(with_header(), rows_per_chunk=LINES_PER_PIECE)


# The same few quantities and proxies recur on row after row (a commitment's quantity on each
# of its periods): each is written out once.
@lru_cache(maxsize=4096, typed=True)
def _plain(value, places: int | None = None):
    if value is None:
        return None
    value = Decimal(value)
    if places is not None:
        return value.quantize(Decimal(1).scaleb(-places))
    normalised = value.normalize()
    return normalised.quantize(Decimal(1)) if normalised == normalised.to_integral() else normalised


def commitment_count(scope: Scope) -> int:
    return Commitment.objects.filter(pk__in=commitments(scope, use_period=False)).count()
