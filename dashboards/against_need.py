"""Delivery against need on the dashboard and the transparency page: the verified quantities
of each measure by neighbourhood (read from the ledger), put beside population and
deprivation by `places.need_figures.delivery_against_need`.

`area_quantities(scope)` is one of the page's cached figures (`views._figure_sources`); it
reads `contracts.ledger.verified_by_area_and_measure` for the scope's commitments, so the
quantities follow every filter of the page. `against_need()` gives each quantity to the row
of `figures.by_area` it belongs to, as that function does for the £: the neighbourhood (or
ward) containing the commitment's area, or else the row of that whole ward or wider area.
"""

from __future__ import annotations

from collections.abc import Mapping

from contracts import ledger
from places.models import Area
from places.need_figures import DeliveryAgainstNeed, delivery_against_need
from places.selectors import Need, NeedSources

from . import figures


def area_quantities(scope: figures.Scope) -> list[dict]:
    """Verified quantity per commitment area and measure in the scope (plain data, cached)."""
    return ledger.verified_by_area_and_measure(
        figures.commitments(scope, use_period=False), start=scope.start, end=scope.end
    )


def row_for_path(path: str, rows_by_path: Mapping[str, int]) -> int | None:
    """The id of the row whose area is `path` or contains it most closely."""
    for end in range(len(path), 0, -Area.PATH_STEP):
        found = rows_by_path.get(path[:end])
        if found is not None:
            return found
    return None


def against_need(
    rows: list[dict],
    needs: Mapping[int, Need],
    *,
    quantities: list[dict] | None,
    sources: NeedSources,
) -> DeliveryAgainstNeed:
    """`places.need_figures.delivery_against_need` for `figures.by_area` rows, with the
    quantities of `area_quantities` (None: figures cached before they had them)."""
    placed = []
    if quantities:
        rows_by_path = {
            path: pk
            for pk, path in Area.objects.filter(pk__in=[r["area_id"] for r in rows]).values_list(
                "pk", "path"
            )
        }
        for quantity in quantities:
            area_id = row_for_path(quantity["path"], rows_by_path)
            if area_id is not None:
                placed.append(dict(quantity, area_id=area_id))
    return delivery_against_need(rows, needs, quantities=placed, sources=sources)
