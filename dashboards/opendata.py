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
from socialvalue.csv import safe_csv_cell
from socialvalue.sql import AnyOf

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
    yield _csv_writer()(HEADER) + "\r\n"
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
            yield chunk, *_periods_and_verified(scope, chunk)
            chunk = []
    if chunk:
        yield chunk, *_periods_and_verified(scope, chunk)


def _periods_and_verified(scope: Scope, chunk: list[tuple]) -> tuple[dict, dict]:
    contract_ids = {c[1] for c in chunk}
    periods: dict[int, list[tuple[int, str]]] = {}
    for contract_id, period_id, start, end in (
        ReportingPeriod.objects.filter(
            scope.in_period("end"),
            AnyOf("contract_id", contract_ids),
            start__lte=scope.today,
        )
        .order_by("contract_id", "start", "pk")
        .values_list("contract_id", "pk", "start", "end")
    ):
        periods.setdefault(contract_id, []).append((period_id, f"{start},{end}"))
    # By commitment: by contract, PostgreSQL reads the whole ledger for each chunk.
    lines = ledger.entries(verified_returns__gt=0).filter(
        AnyOf("commitment_id", [c[0] for c in chunk])
    )
    verified = {
        (commitment_id, period_id): quantity
        for commitment_id, period_id, quantity in lines.values_list(
            "commitment_id", "period_id", "verified"
        )
    }
    return periods, verified


def _described(scope: Scope, current):
    """(id, contract id, the line's text before the period's cells, the proxy £ per unit, the
    proxy's cells as text) of each commitment, in the order of the file. What many
    commitments share (their contract, measure, objective, area, organisation, proxy) is
    written out once, the first time it is met."""
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
        .values_list(*DESCRIBED)
    )
    line = _csv_writer()
    place = line([scope.place.name, scope.place.gss_code])
    # Rows come contract by contract: only the last contract's text is kept.
    texts: dict[tuple, str] = {}
    proxies: dict[tuple, str] = {}
    contract_id, contract = None, ""
    for row in described.iterator(chunk_size=CHUNK_SIZE):
        r = dict(zip(DESCRIBED, row, strict=True))
        if r["contract_id"] != contract_id:
            contract_id, contract = r["contract_id"], line(_cells("contract", r, ocid_for))
        named = (
            ("organisation", r["delivered_by_id"]),
            ("measure", r["measure_id"]),
            ("objective", r["objective_id"]),
            ("area", r["area_id"]),
        )
        for key in named:
            if key not in texts:
                texts[key] = line(_cells(key[0], r, ocid_for))
        organisation, measure, objective, area = (texts[key] for key in named)
        proxy = (r["proxy_value"], r["proxy_source"], r["proxy_year"])
        if proxy not in proxies:
            proxies[proxy] = line([_plain(proxy[0]), *proxy[1:]])
        supplier = r["on_award"] or r["delivered_by_id"] == r["contract__supplier_id"]
        before = (
            f"{place},{r['pk']},{contract},{organisation},"
            f"{'supplier' if supplier else 'subcontractor'},{measure},{objective},{area},"
            f"{_number(r['quantity'])},{r['start_date']},{r['due_date']},"
        )
        yield r["pk"], contract_id, before, r["proxy_value"], proxies[proxy]


# The columns `_described` reads: the commitment's own and those of what it names.
DESCRIBED = (
    "pk",
    "contract_id",
    "contract__reference",
    "contract__ocid",
    "contract__title",
    "contract__buyer__name",
    "contract__buyer__identifier",
    "contract__supplier_id",
    "delivered_by_id",
    "delivered_by__name",
    "on_award",
    "measure_id",
    "measure__framework__name",
    "measure__framework__version",
    "measure__code",
    "measure__name",
    "measure__unit",
    "measure__retired_at",
    "objective_id",
    "objective__title",
    "area_id",
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


def _cells(kind: str, r: dict, ocid_for) -> list:
    """The cells of a commitment's row that describe its contract, delivering organisation,
    measure, objective or area (`kind`), from its `DESCRIBED` columns `r`."""
    if kind == "contract":
        return [
            r["contract__reference"],
            ocid_for(contract_id=r["contract_id"], ocid=r["contract__ocid"]),
            r["contract__title"],
            r["contract__buyer__name"],
            r["contract__buyer__identifier"],
        ]
    if kind == "organisation":
        return [r["delivered_by__name"]]
    if kind == "measure":
        return [
            f"{r['measure__framework__name']} ({r['measure__framework__version']})",
            r["measure__code"],
            r["measure__name"],
            r["measure__unit"],
            "yes" if r["measure__retired_at"] is not None else "",
        ]
    if kind == "objective":
        return [f"OBJ-{r['objective_id']:05d}", r["objective__title"]]
    return [
        r["area__name"],
        AREA_TYPES.get(r["area__kind"], r["area__kind"]),
        r["area__gss_code"],
        r["area__gss_year"],
    ]


def _csv_writer():
    """A function giving cells as one line of CSV (without its end), each as `safe_csv_cell`
    writes it, as the other exports write them. Lines joined with a comma make the line of all
    their cells: each cell is quoted, or not, on its own."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells) -> str:
        buffer.seek(0)
        buffer.truncate(0)
        writer.writerow([safe_csv_cell(cell) for cell in cells])
        return buffer.getvalue()[:-2]

    return line


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
