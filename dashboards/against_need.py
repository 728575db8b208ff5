"""Delivery against need on the dashboard and the transparency page: the verified quantities
of each measure by neighbourhood (read from the ledger), put beside population and
deprivation by `places.need_figures.delivery_against_need`.

`against_need_figure(scope, rows)` is one of the page's cached figures
(`views._figure_sources`), computed with the others and served from the figures cache. It
reads `figures.verified_by_area_and_measure` (the ledger's, by area and measure) for the
scope's commitments, so the quantities follow every filter of the page, and gives each
quantity to the row of `figures.by_area` it belongs to, as that function does for the £: the
neighbourhood (or ward) containing the commitment's area, or else the row of that whole ward
or wider area.
"""

from __future__ import annotations

from collections.abc import Mapping

from objectives.models import Measure
from places.models import Area
from places.need_figures import DeliveryAgainstNeed, delivery_against_need
from places.selectors import Need, NeedSources, need_by_area, need_sources

from . import figures


def against_need_figure(scope: figures.Scope, rows: list[figures.AreaRow]) -> DeliveryAgainstNeed:
    """Delivery against need for the scope, whose per-area figures are `rows`
    (`figures.by_area`)."""
    sources = need_sources(scope.place)
    quantities = figures.verified_by_area_and_measure(scope)
    return against_need(
        rows,
        need_by_area(scope.place, sources=sources),
        quantities=quantities,
        sources=sources,
    )


def against_need(
    rows: list[figures.AreaRow],
    needs: Mapping[int, Need],
    *,
    quantities: list[dict],
    sources: NeedSources,
) -> DeliveryAgainstNeed:
    """`places.need_figures.delivery_against_need` for `figures.by_area` rows, with the
    verified quantities by commitment area and measure (`figures.verified_by_area_and_measure`:
    three small queries for the areas' paths and the measures' names)."""
    placed = []
    if quantities:
        row_ids = {r.area_id for r in rows}
        paths = dict(
            Area.objects.filter(pk__in=row_ids | {q["area_id"] for q in quantities}).values_list(
                "pk", "path"
            )
        )
        rows_by_path = {paths[pk]: pk for pk in row_ids if pk in paths}
        measures = {
            m["pk"]: m
            for m in Measure.objects.filter(pk__in={q["measure_id"] for q in quantities}).values(
                "pk", "code", "name", "unit"
            )
        }
        for quantity in quantities:
            area_id = Area.nearest(paths.get(quantity["area_id"], ""), rows_by_path)
            measure = measures[quantity["measure_id"]]
            if area_id is not None:
                placed.append(
                    dict(
                        quantity,
                        area_id=area_id,
                        code=measure["code"],
                        name=measure["name"],
                        unit=measure["unit"],
                    )
                )
    return delivery_against_need(rows, needs, quantities=placed, sources=sources)
