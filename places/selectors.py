"""Reads of need (population and deprivation) for areas, with their sources.

These are the one place the figures are computed: every page that shows an area's population
or deprivation (the area and place pages, their maps, and later the dashboard's delivery
against need and the neighbourhood page) reads them from here.

Figures are published for LSOAs. An area above them adds up its current LSOAs:

- population: the sum of its LSOAs' estimates;
- deprivation decile: the mean of its LSOAs' deciles, weighted by their population (1 is the
  most deprived tenth of LSOAs in England, or in Wales for the Welsh index). When any of its
  LSOAs has no population estimate, the mean is unweighted and `weighted` says so;
- most deprived share: the share of its population living in LSOAs of deciles 1 and 2 (the
  most deprived 20%), only when weighted.

A council grouping adds up the LSOAs of its wards.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.core.cache import caches

from socialvalue.datacache import current_token

from .models import Area, LsoaFigure, NeedSource, Place

# What shapes the cached figures (this module): a deploy that changes it reads none from before.
_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]

MOST_DEPRIVED_DECILES = (1, 2)


@dataclass(frozen=True)
class NeedSources:
    deprivation: NeedSource | None
    population: NeedSource | None

    @property
    def citations(self) -> list[str]:
        return [s.citation for s in (self.deprivation, self.population) if s is not None]


@dataclass(frozen=True)
class Need:
    """An area's need figures. None where there is nothing to show."""

    population: int | None
    decile: Decimal | None  # an LSOA's own decile, or the (weighted) mean, to one decimal place
    most_deprived_share: Decimal | None  # 0 to 1
    lsoas: int  # current LSOAs in the area
    lsoas_with_decile: int
    weighted: bool
    sources: NeedSources

    @property
    def band(self) -> int | None:
        """The decile rounded to a whole number (for a map's colour)."""
        if self.decile is None:
            return None
        return int(self.decile.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def need_sources(place: Place) -> NeedSources:
    """The newest deprivation index and population estimates imported for the place."""
    sources = list(NeedSource.objects.filter(place=place).order_by("-year", "-imported_at"))
    deprivation = next((s for s in sources if s.kind in NeedSource.DEPRIVATION_KINDS), None)
    population = next((s for s in sources if s.kind == NeedSource.Kind.POPULATION), None)
    return NeedSources(deprivation, population)


def need_by_area(place: Place, *, sources: NeedSources | None = None) -> dict[int, Need]:
    """Need figures for every area of the place that has current LSOAs, by area id.

    Five queries whatever the size of the place: the sources, the LSOAs, their figures, the
    groupings' wards, and nothing per area. At county scale that is tens of milliseconds, so
    with the figures cache on (`SOCIALVALUE_FIGURES_CACHE_SECONDS`) they are kept there until
    the data changes (`socialvalue.datacache`: any write to the places tables changes it).
    """
    sources = sources or need_sources(place)
    seconds = int(getattr(settings, "SOCIALVALUE_FIGURES_CACHE_SECONDS", 0))
    token = current_token() if seconds > 0 else None
    if token is None:
        return _computed_need(place, sources)
    chosen = "-".join(str(s.pk if s else 0) for s in (sources.deprivation, sources.population))
    key = f"socialvalue:need:{_CODE}:{place.pk}:{chosen}:{token}"
    cache = caches["figures"]
    found = cache.get(key)
    if found is None:
        found = _computed_need(place, sources)
        cache.set(key, found, seconds)
    return found


def _computed_need(place: Place, sources: NeedSources) -> dict[int, Need]:
    lsoas = list(
        Area.objects.current().filter(place=place, kind=Area.Kind.LSOA).values_list("pk", "path")
    )
    chosen = [s.pk for s in (sources.deprivation, sources.population) if s is not None]
    deciles: dict[int, int] = {}
    populations: dict[int, int] = {}
    if chosen:
        for source_id, area_id, decile, population in LsoaFigure.objects.filter(
            source_id__in=chosen
        ).values_list("source_id", "area_id", "decile", "population"):
            if sources.deprivation and source_id == sources.deprivation.pk and decile:
                deciles[area_id] = decile
            if sources.population and source_id == sources.population.pk and population is not None:
                populations[area_id] = population
    groupings: dict[int, list[int]] = {}
    for grouping_id, ward_id in Area.wards.through.objects.filter(
        from_area__place=place, from_area__archived_at__isnull=True
    ).values_list("from_area_id", "to_area_id"):
        groupings.setdefault(ward_id, []).append(grouping_id)

    totals: dict[int, _Totals] = {}
    for lsoa_id, path in lsoas:
        ancestors = [int(path[i : i + Area.PATH_STEP]) for i in range(0, len(path), Area.PATH_STEP)]
        above = set(ancestors)
        for ancestor in ancestors:
            above.update(groupings.get(ancestor, ()))
        decile, population = deciles.get(lsoa_id), populations.get(lsoa_id)
        for area_id in above:
            totals.setdefault(area_id, _Totals()).add(decile, population)
    return {area_id: t.need(sources) for area_id, t in totals.items()}


@dataclass
class _Totals:
    lsoas: int = 0
    population: int = 0
    with_population: int = 0
    with_decile: int = 0
    decile_sum: int = 0
    deciled_population: int = 0  # people in LSOAs with a decile
    weighted_sum: int = 0  # decile × population
    deprived_population: int = 0  # people in LSOAs of deciles 1 and 2
    decile_without_population: bool = False

    def add(self, decile: int | None, population: int | None) -> None:
        self.lsoas += 1
        if population is not None:
            self.population += population
            self.with_population += 1
        if decile is None:
            return
        self.with_decile += 1
        self.decile_sum += decile
        if population is None:
            self.decile_without_population = True
            return
        self.deciled_population += population
        self.weighted_sum += decile * population
        if decile in MOST_DEPRIVED_DECILES:
            self.deprived_population += population

    def need(self, sources: NeedSources) -> Need:
        decile = share = None
        weighted = False
        if self.with_decile:
            if not self.decile_without_population and self.deciled_population:
                decile = Decimal(self.weighted_sum) / self.deciled_population
                share = (Decimal(self.deprived_population) / self.deciled_population).quantize(
                    Decimal("0.001")
                )
                weighted = True
            else:
                decile = Decimal(self.decile_sum) / self.with_decile
            decile = decile.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        complete = self.lsoas and self.with_population == self.lsoas
        return Need(
            population=self.population if complete else None,
            decile=decile,
            most_deprived_share=share,
            lsoas=self.lsoas,
            lsoas_with_decile=self.with_decile,
            weighted=weighted,
            sources=sources,
        )


def need_for_area(area: Area) -> Need | None:
    """One area's need figures (None if it has no current LSOAs)."""
    return need_by_area(area.place).get(area.pk)
