"""Delivery against need: the arithmetic that puts per-area figures beside population and
deprivation. Nothing here reads returns or commitments.

Every function takes per-area figures already computed elsewhere (today the dashboard's
`figures.by_area` rows, read as `AreaFigures`: `area_id`, `verified_value`, `commitments`,
`at_risk`, `wider`) and the need figures of `places.selectors.need_by_area`, so whichever
module computes delivery per area, the per-1,000-residents rates, the decile table and the
most-deprived share are computed here, once, for the dashboard, the transparency page and
the neighbourhood page alike.

Definitions (shown beside the figures, from `DEFINITIONS`):

- per 1,000 residents: the area's verified £ estimate × 1,000 ÷ its population (the sum of its
  LSOAs' estimates); no figure when the population is not known for every LSOA;
- by deprivation decile: each neighbourhood is counted in the decile of its population-weighted
  average (rounded; 1 the most deprived); rows for whole wards or wider areas are not placed
  in a decile and are reported apart;
- share reaching the most deprived 20%: each neighbourhood's verified £ is shared among its
  residents evenly, so the part reaching residents of LSOAs in deciles 1 and 2 is its £ × the
  share of its residents living there; that total over all the £ placed, against the share of
  the population living in those LSOAs;
- key quantities by decile: the verified quantity of each measure of the outcomes framework
  (hours, people, tonnes…) in the neighbourhoods of each decile, per 1,000 of their residents.
  Quantities are added up one measure at a time, never across measures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from .selectors import Need, NeedSources

KEY_MEASURES = 4  # measures shown by decile: those verified in the most neighbourhoods
THOUSAND = Decimal(1000)
ZERO = Decimal(0)

DEFINITIONS = {
    "per_thousand": (
        "Verified £ estimate per 1,000 residents: the verified £ estimate of the commitments in "
        "the area (and the areas inside it) × 1,000 ÷ the area's population, the sum of its "
        "LSOAs' population estimates. No figure where the population is not known for every "
        "LSOA. Commitments for a whole ward or wider area are not shared out between "
        "neighbourhoods."
    ),
    "by_decile": (
        "Each neighbourhood (or ward, where the place has no neighbourhoods) is counted in the "
        "deprivation decile of the population-weighted average of its LSOAs' deciles, rounded "
        "(1 is the most deprived tenth of LSOAs in the country). Per decile: its residents, its "
        "current commitments, its verified £ estimate and that £ per 1,000 residents."
    ),
    "quantities": (
        "The verified quantity of a measure (in its own unit) in the neighbourhoods of each "
        "decile, per 1,000 of their residents, for the periods in the filters. Each measure is "
        "added up on its own: quantities in different units are never added together. Shown "
        "for the measures verified in the most neighbourhoods; every measure is in the "
        "'Delivery by measure' table."
    ),
    "most_deprived_share": (
        "The share of the verified £ estimate reaching the most deprived 20% of LSOAs "
        "(deciles 1 and 2): each neighbourhood's verified £ is taken to reach its residents "
        "evenly, so the part reaching those LSOAs is its £ × the share of its residents living "
        "in them. Compared with the share of the place's residents living in those LSOAs. "
        "A fair share is 1 to 1; more means spending's social value leans towards need."
    ),
}


def per_thousand(value: Decimal | int | None, population: int | None) -> Decimal | None:
    """`value` per 1,000 residents, to the penny; None without a (positive) population."""
    if value is None or not population:
        return None
    return (Decimal(value) * THOUSAND / population).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` as a percentage of `whole`, one decimal place; None when `whole` is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class AreaFigures(Protocol):
    """A per-area row of delivery, as this module reads it (`figures.by_area`'s rows)."""

    area_id: int
    verified_value: Decimal
    commitments: int
    at_risk: int
    wider: bool


@dataclass(frozen=True)
class AreaRate:
    """One area's delivery beside its need."""

    area_id: int
    verified_value: Decimal
    commitments: int
    at_risk: int
    need: Need | None

    @property
    def population(self) -> int | None:
        return self.need.population if self.need else None

    @property
    def per_thousand(self) -> Decimal | None:
        return per_thousand(self.verified_value, self.population)

    @property
    def decile(self) -> int | None:
        return self.need.band if self.need else None


def area_rates(rows: Iterable[AreaFigures], needs: Mapping[int, Need]) -> dict[int, AreaRate]:
    """Each per-area row beside its need, by area id (the map's and the tables' figures)."""
    return {
        row.area_id: AreaRate(
            area_id=row.area_id,
            verified_value=Decimal(row.verified_value or 0),
            commitments=row.commitments,
            at_risk=row.at_risk,
            need=needs.get(row.area_id),
        )
        for row in rows
    }


@dataclass(frozen=True)
class MeasureKey:
    """A measure shown by decile, with how many neighbourhoods (placed in a decile) had some
    of it verified."""

    measure_id: int
    code: str
    name: str
    unit: str
    areas: int


@dataclass(frozen=True)
class QuantityCell:
    """One measure's verified quantity in one decile, and that per 1,000 residents."""

    quantity: Decimal
    population: int
    unit: str

    @property
    def per_thousand(self) -> Decimal | None:
        return per_thousand(self.quantity, self.population)


@dataclass
class DecileRow:
    decile: int
    areas: int = 0
    population: int = 0
    commitments: int = 0
    verified_value: Decimal = ZERO
    quantities: dict[int, Decimal] = field(default_factory=dict)  # by measure id
    cells: list[QuantityCell] = field(default_factory=list)  # of `DeliveryAgainstNeed.measures`

    @property
    def per_thousand(self) -> Decimal | None:
        return per_thousand(self.verified_value, self.population)


@dataclass
class DeliveryAgainstNeed:
    deciles: list[DecileRow] = field(default_factory=list)  # all ten, once any area is placed
    placed_value: Decimal = ZERO  # £ in neighbourhoods with a decile and a population
    unplaced_value: Decimal = ZERO  # £ for whole wards, wider areas, or areas without figures
    deprived_value: Decimal = ZERO  # the part of placed_value reaching deciles 1 and 2
    population: int = 0
    deprived_population: Decimal = ZERO
    measures: list[MeasureKey] = field(default_factory=list)  # the key measures, by decile
    other_measures: int = 0  # further measures verified in placed areas, not shown by decile
    without_population: int = 0  # areas with deprivation figures but no population
    without_decile: int = 0  # areas with no deprivation decile
    sources: NeedSources | None = None

    @property
    def value_share(self) -> Decimal | None:
        """Percentage of the placed £ reaching the most deprived 20% of LSOAs."""
        return percent(self.deprived_value, self.placed_value)

    @property
    def population_share(self) -> Decimal | None:
        """Percentage of residents (of the areas counted) living in those LSOAs."""
        return percent(self.deprived_population, Decimal(self.population))

    @property
    def per_thousand(self) -> Decimal | None:
        return per_thousand(self.placed_value, self.population)

    @property
    def not_available(self) -> list[str]:
        """Why some or all figures per resident are missing, naming the source concerned."""
        sources = self.sources
        notes = []
        if sources is not None and sources.population is None:
            notes.append(
                "Figures per 1,000 residents are not available: no small-area population "
                "estimates (ONS) have been imported for this place."
            )
        elif self.without_population:
            notes.append(
                f"Figures per 1,000 residents are not available for {self.without_population} "
                f"area{'s' if self.without_population != 1 else ''}: "
                + (f"{sources.population.citation} does" if sources else "the estimates do")
                + " not give a population for every LSOA in them. They are not placed in a "
                "decile."
            )
        if sources is not None and sources.deprivation is None:
            notes.append(
                "Deprivation deciles are not available: no index of deprivation has been "
                "imported for this place."
            )
        elif self.without_decile:
            notes.append(
                f"{self.without_decile} area{'s have' if self.without_decile != 1 else ' has'} "
                "no deprivation decile"
                + (f" in {sources.deprivation.citation}" if sources else "")
                + " and "
                + ("are" if self.without_decile != 1 else "is")
                + " not placed in a decile."
            )
        return notes

    @property
    def sentence(self) -> str:
        """The sentence a leader can repeat, or why there is none."""
        if not self.population:
            return (
                "There are no population and deprivation figures for these areas yet, so "
                "delivery cannot be set against need."
            )
        if self.value_share is None:
            return (
                "No verified social value has been placed in a neighbourhood yet, so none can "
                "be set against need."
            )
        share, people = self.value_share, self.population_share
        if people is None:
            return ""
        if share > people:
            lean = "more than their share"
        elif share < people:
            lean = "less than their share"
        else:
            lean = "exactly their share"
        return (
            f"{_pc(share)} of the verified social value reached the most deprived 20% of small "
            f"areas in the country, home to {_pc(people)} of residents here: {lean}."
        )


def _pc(value: Decimal) -> str:
    return f"{value.normalize():f}%" if value == value.to_integral() else f"{value}%"


def _placed(row: AreaFigures, need: Need | None) -> bool:
    """Whether an area's figures go in a decile: a neighbourhood (not a whole ward or wider
    area) with a decile, a population and the share living in the most deprived LSOAs."""
    return not (
        row.wider
        or need is None
        or need.band is None
        or not need.population
        or need.most_deprived_share is None
    )


def delivery_against_need(
    rows: Iterable[AreaFigures],
    needs: Mapping[int, Need],
    *,
    quantities: Iterable[Mapping] = (),
    sources: NeedSources | None = None,
) -> DeliveryAgainstNeed:
    """Verified £ and key quantities by deprivation decile, and the share of the £ reaching
    the most deprived 20%.

    `rows`: per-area figures (see the module's docstring); rows with `wider` set (commitments
    for a whole ward or wider) are not placed, nor areas without a decile or population.
    `quantities`: verified quantities by area (of `rows`) and measure: `area_id`,
    `measure_id`, `code`, `name`, `unit`, `verified`. `sources`: the need figures' sources,
    named where figures are not available.
    """
    result = DeliveryAgainstNeed(sources=sources)
    by_decile = {n: DecileRow(n) for n in range(1, 11)}
    placed: dict[int, DecileRow] = {}
    for row in rows:
        value = Decimal(row.verified_value or 0)
        need = needs.get(row.area_id)
        if not _placed(row, need):
            result.unplaced_value += value
            if not row.wider:
                if need is None or need.band is None:
                    result.without_decile += 1
                elif not need.population:
                    result.without_population += 1
            continue
        decile = placed[row.area_id] = by_decile[need.band]
        decile.areas += 1
        decile.population += need.population
        decile.commitments += row.commitments
        decile.verified_value += value
        result.placed_value += value
        result.population += need.population
        result.deprived_value += value * need.most_deprived_share
        result.deprived_population += need.population * need.most_deprived_share
    result.measures, result.other_measures = _key_measures(quantities, placed)
    for decile in by_decile.values():
        decile.cells = [
            QuantityCell(decile.quantities.get(m.measure_id, ZERO), decile.population, m.unit)
            for m in result.measures
        ]
    result.deciles = list(by_decile.values()) if placed else []
    return result


def _key_measures(
    quantities: Iterable[Mapping], placed: Mapping[int, DecileRow]
) -> tuple[list[MeasureKey], int]:
    """Add each measure's verified quantity to its area's decile (one measure at a time), and
    choose the measures to show: those verified in the most placed areas, then by code."""
    reached: dict[int, set[int]] = {}
    about: dict[int, Mapping] = {}
    for row in quantities:
        decile = placed.get(row["area_id"])
        verified = Decimal(row["verified"] or 0)
        if decile is None or verified <= 0:
            continue
        measure_id = row["measure_id"]
        decile.quantities[measure_id] = decile.quantities.get(measure_id, ZERO) + verified
        reached.setdefault(measure_id, set()).add(row["area_id"])
        about[measure_id] = row
    ranked = sorted(reached, key=lambda pk: (-len(reached[pk]), about[pk]["code"], pk))
    keys = [
        MeasureKey(
            measure_id=pk,
            code=about[pk]["code"],
            name=about[pk]["name"],
            unit=about[pk]["unit"],
            areas=len(reached[pk]),
        )
        for pk in ranked[:KEY_MEASURES]
    ]
    return keys, max(0, len(ranked) - KEY_MEASURES)


def rate_breaks(values: Iterable[Decimal | None], steps: int = 4) -> list[Decimal]:
    """Where a map's bands of a rate begin: the quantiles of the positive values (fewer breaks
    when values repeat). A value's band is how many breaks it reaches (`rate_step`)."""
    positive = sorted(v for v in values if v is not None and v > 0)
    if not positive:
        return []
    breaks = {positive[len(positive) * i // steps] for i in range(1, steps)}
    return sorted(b for b in breaks if b > positive[0])


def rate_step(value: Decimal | None, breaks: list[Decimal]) -> int | None:
    """0 for the lowest positive band, up to len(breaks); None for no value or nothing."""
    if value is None or value <= 0:
        return None
    return sum(1 for b in breaks if value >= b)
