"""The maps of the dashboard's per-area figures (`figures.by_area` rows) beside need: verified
delivery per 1,000 residents and commitments behind or at risk. The arithmetic is
`places.need_figures`; this only turns it into bands and words for `places.maps.choropleth`."""

from __future__ import annotations

from places.maps import Band, MapArea, choropleth, count_band
from places.models import Area
from places.need_figures import DEFINITIONS, area_rates, rate_breaks, rate_step
from places.selectors import Need

from .figures.rows import AreaRow


def _money(value) -> str:
    return f"£{value:,.0f}"


def _areas(rows) -> dict[int, Area]:
    ids = [r.area_id for r in rows if not r.wider]
    # Only what a map shows of an area: its name, and its id for the link and the shape.
    return Area.objects.only("pk", "name", "kind", "place_id").in_bulk(ids)


def _cells(rate, percent) -> tuple[str, ...]:
    need = rate.need
    decile = "No figure" if rate.decile is None else str(rate.decile)
    population = f"{rate.population:,}" if rate.population is not None else "Not known"
    return (
        population,
        _money(rate.verified_value),
        f"{rate.commitments:,}",
        f"{rate.at_risk:,}",
        "Nothing due yet" if percent is None else f"{percent}%",
        decile if need else "No figure",
    )


NO_ESTIMATE = "No verified £ estimate"  # nothing verified, or only measures with no proxy

HEADINGS = (
    "Population",
    "Verified £ (estimate)",
    "Commitments",
    "Behind or at risk",
    "Delivered against due",
    "Deprivation decile",
)


def delivery_map(
    *, map_id: str, title: str, rows: list[AreaRow], needs: dict[int, Need], sources=()
):
    """Neighbourhoods shaded by verified £ per 1,000 residents (darkest: most), in quartiles of
    the areas with some; the table beside it has population, £, commitments, those behind and
    the deprivation decile."""
    rates = area_rates(rows, needs)
    percents = {r.area_id: r.percent for r in rows}
    areas = _areas(rows)
    breaks = rate_breaks(rates[pk].per_thousand for pk in areas)
    by_step = _rate_bands(breaks)
    bands = sorted(by_step.values(), key=lambda band: band.number)
    if not any(rate_step(rates[pk].per_thousand, breaks) is not None for pk in areas):
        bands, by_step = [], {}
    # Always the lightest fill. Not "none verified": an area may have verified delivery of
    # measures with no proxy value, which is counted but has no £ (found from outside: 210
    # people reached in Kingsmead, mapped as "none verified yet").
    nothing = Band(5, NO_ESTIMATE)
    items = [
        _delivery_area(area, rates[pk], percents.get(pk), breaks, by_step, nothing)
        for pk, area in areas.items()
    ]
    items.sort(key=lambda item: item.area.name)
    return choropleth(
        map_id=map_id,
        title=title,
        areas=items,
        bands=[*bands, nothing],
        value_heading="Verified £ per 1,000 residents",
        extra_headings=HEADINGS,
        sources=list(sources),
        notes=[DEFINITIONS["per_thousand"]],
    )


def _rate_bands(breaks) -> dict[int, Band]:
    """The band of each step between the breaks, labelled with its range of £ per 1,000
    residents; the highest step is band 1, the darkest."""
    edges = [None, *breaks]  # band k runs from edges[k] to edges[k + 1]
    by_step = {}
    for step, low in enumerate(edges):
        high = edges[step + 1] if step + 1 < len(edges) else None
        if low is None and high is None:
            label = "Some verified delivery"
        elif low is None:
            label = f"Less than {_money(high)}"
        elif high is None:
            label = f"{_money(low)} or more"
        else:
            label = f"{_money(low)} to less than {_money(high)}"
        by_step[step] = Band(len(edges) - step, label)
    return by_step


def _delivery_area(area, rate, percent, breaks, by_step: dict[int, Band], nothing: Band):
    """One area on the delivery map: its band, the words read out for it, and its row."""
    value = rate.per_thousand
    if value is None:
        band, text, label = None, "population not known", ""
    else:
        step = rate_step(value, breaks)
        band = nothing if step is None else by_step[step]
        text = (
            f"{_money(value)} verified per 1,000 residents"
            if step is not None
            else "no verified £ estimate"
        )
        label = _money(value) if step is not None else ""  # no "£0" crowding the map
    text += f"; {rate.at_risk} commitment{'s' if rate.at_risk != 1 else ''} behind or at risk"
    if rate.decile is not None:
        text += f"; deprivation decile {rate.decile}"
    return MapArea(
        area,
        value_text=text,
        label=label,
        band=band,
        cells=_cells(rate, percent),
        table_text=_money(value) if value is not None else "",
    )


AT_RISK_BANDS = [Band(1, "5 or more"), Band(2, "2 to 4"), Band(3, "1")]
NONE_AT_RISK = Band(5, "None")


def at_risk_band(count: int) -> Band:
    steps = list(zip((5, 2, 1), AT_RISK_BANDS, strict=True))
    return count_band(count, steps, NONE_AT_RISK)


def at_risk_map(
    *, map_id: str, title: str, rows: list[AreaRow], needs: dict[int, Need], table_href: str = ""
):
    """Neighbourhoods shaded by how many current commitments there are behind or at risk
    (darkest: most), with the same table as the delivery map; or, with `table_href`, a link
    to the delivery map's table (which has the same columns) instead of a copy of it."""
    rates = area_rates(rows, needs)
    percents = {r.area_id: r.percent for r in rows}
    items = []
    for pk, area in _areas(rows).items():
        rate = rates[pk]
        items.append(
            MapArea(
                area,
                value_text=f"{rate.at_risk} of {rate.commitments} commitments behind or at risk",
                label=str(rate.at_risk) if rate.at_risk else "",
                table_text=str(rate.at_risk),
                band=at_risk_band(rate.at_risk),
                cells=_cells(rate, percents.get(pk)),
            )
        )
    items.sort(key=lambda item: item.area.name)
    result = choropleth(
        map_id=map_id,
        title=title,
        areas=items,
        bands=[*AT_RISK_BANDS, NONE_AT_RISK],
        value_heading="Commitments behind or at risk",
        extra_headings=HEADINGS,
    )
    result.table_href = table_href
    return result
