"""Open data: commitments and their verified delivery as CSV, one row per commitment per
reporting period.

Streamed from the database with `.iterator(chunk_size=...)` (a server-side cursor on
PostgreSQL) and written a few hundred lines at a time (`csv_text`), so memory stays constant
however many rows there are. Verified delivery only: claimed but
unverified quantities are not published. No personal data: organisations are named, people are
not.
"""

import csv
import io
from decimal import Decimal
from functools import lru_cache

from django.db.models import Exists, OuterRef

from contracts import ledger
from contracts.models import AwardSupplier, Commitment, ReportingPeriod
from places.models import Area
from socialvalue.csv import FORMULA_TRIGGERS, safe_csv_cell

from .figures import Scope, commitments

# Commitments read at a time (with their contracts' periods and ledger lines).
CHUNK_SIZE = 2000
# Lines of CSV text written (or sent) at a time.
LINES_PER_PIECE = 500

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


def csv_text(scope: Scope):
    """The commitments CSV (header and rows) as text, a few hundred lines at a time: the one
    builder of the live download and the whole-place file (`publishing`).

    Rows for every started reporting period of every current commitment in the scope (a
    period filter keeps periods ending within it), in (contract reference, commitment,
    period start) order. What describes a commitment is written out once as CSV text and
    repeated on each of its periods' lines; only the period's few cells are written per line
    (a county's file has millions of lines: a cell-by-cell writer took minutes)."""
    yield _csv_line(HEADER) + "\r\n"
    piece: list[str] = []
    for described, periods, verified in _chunks(scope):
        for commitment_id, contract_id, before, proxy, after in described:
            for period_id, dates in periods.get(contract_id, ()):
                quantity = verified.get((commitment_id, period_id))
                if quantity is None:
                    piece.append(f"{before}{dates},,{after},\r\n")
                else:
                    value = _number(quantity * proxy, 2) if proxy is not None else ""
                    piece.append(f"{before}{dates},{_number(quantity)},{after},{value}\r\n")
                if len(piece) >= LINES_PER_PIECE:
                    yield "".join(piece)
                    piece.clear()
    if piece:
        yield "".join(piece)


def _chunks(scope: Scope):
    """The scope's current commitments as `_described` gives them, in the file's order, a few
    thousand at a time: for each chunk, (those commitments, each of their contracts' started
    periods in the scope as (id, "start,end") in start order, verified quantity per
    (commitment, period) from the ledger). Two queries a chunk, beside the one stream of
    commitments."""
    chunk: list[tuple] = []
    for commitment in _described(scope, commitments(scope, use_period=False)):
        chunk.append(commitment)
        if len(chunk) >= CHUNK_SIZE:
            yield chunk, *_periods_and_verified(scope, {c[1] for c in chunk})
            chunk = []
    if chunk:
        yield chunk, *_periods_and_verified(scope, {c[1] for c in chunk})


def _periods_and_verified(scope: Scope, contract_ids: set[int]) -> tuple[dict, dict]:
    periods: dict[int, list[tuple[int, str]]] = {}
    for contract_id, period_id, start, end in (
        ReportingPeriod.objects.filter(
            scope.in_period("end"), contract_id__in=contract_ids, start__lte=scope.today
        )
        .order_by("contract_id", "start", "pk")
        .values_list("contract_id", "pk", "start", "end")
    ):
        periods.setdefault(contract_id, []).append((period_id, f"{start},{end}"))
    verified = {
        (commitment_id, period_id): quantity
        for commitment_id, period_id, quantity in ledger.entries(
            commitment__contract_id__in=contract_ids, verified_returns__gt=0
        ).values_list("commitment_id", "period_id", "verified")
    }
    return periods, verified


def _described(scope: Scope, current):
    """(id, contract id, the line's text before the period's cells, the proxy £ per unit, the
    proxy's cells as text) of each commitment, in the order of the file."""
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
        before = _csv_line(
            [
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
        )
        after = _csv_line([_plain(proxy_value), proxy_source, proxy_year])
        yield commitment_id, contract_id, before + ",", proxy_value, after


def _csv_line(cells) -> str:
    """The cells as one line of CSV (without its end), each as `safe_csv_cell` writes it (plain
    text, the common case, inline), as the other exports write them. Lines joined with a comma
    make the line of all their cells: each cell is quoted, or not, on its own."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(
        [
            cell
            if type(cell) is str and not cell.startswith(FORMULA_TRIGGERS)
            else safe_csv_cell(cell)
            for cell in cells
        ]
    )
    return buffer.getvalue()[:-2]


@lru_cache(maxsize=4096)
def _number(value: Decimal, places: int | None = None) -> str:
    """A verified quantity or £ estimate as its cell: plain, as `_plain` gives it (never a
    formula, never quoted)."""
    return str(_plain(value, places))


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
