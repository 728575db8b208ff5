"""Delivery against need, with numbers worked out by hand (places/need_figures.py)."""

from decimal import Decimal
from types import SimpleNamespace

from places.need_figures import delivery_against_need, per_thousand, percent
from places.selectors import Need, NeedSources

NO_SOURCES = NeedSources(None, None)


def need(population, decile, share):
    return Need(
        population=population,
        decile=Decimal(decile) if decile is not None else None,
        most_deprived_share=Decimal(share) if share is not None else None,
        lsoas=2,
        lsoas_with_decile=2,
        weighted=share is not None,
        sources=NO_SOURCES,
    )


def row(area_id, value, commitments=1, wider=False):
    """A per-area row as `need_figures` reads it (`AreaFigures`)."""
    return SimpleNamespace(
        area_id=area_id,
        verified_value=Decimal(value),
        commitments=commitments,
        at_risk=0,
        wider=wider,
    )


def test_per_thousand_residents():
    assert per_thousand(Decimal("1000"), 2000) == Decimal("500.00")
    assert per_thousand(Decimal("500"), 3000) == Decimal("166.67")  # 166.666… rounded
    assert per_thousand(Decimal("10"), None) is None
    assert per_thousand(Decimal("10"), 0) is None
    assert percent(Decimal(1), Decimal(3)) == Decimal("33.3")
    assert percent(Decimal(1), Decimal(0)) is None


def test_deciles_and_the_most_deprived_share_by_hand():
    needs = {
        1: need(2000, "1.4", "0.75"),  # decile 1; 1,500 residents in deciles 1-2
        2: need(3000, "6.0", "0"),  # decile 6; none
        3: need(4000, "2.0", "1"),  # a ward: its row is "wider", so not placed
        # area 4 has no need figures
    }
    rows = [row(1, "1000", 2), row(2, "500", 3), row(3, "200", wider=True), row(4, "50")]
    result = delivery_against_need(rows, needs)

    filled = [d for d in result.deciles if d.areas]
    assert [(d.decile, d.areas, d.population, d.commitments) for d in filled] == [
        (1, 1, 2000, 2),
        (6, 1, 3000, 3),
    ]
    assert [d.verified_value for d in filled] == [Decimal(1000), Decimal(500)]
    assert [d.per_thousand for d in filled] == [Decimal("500.00"), Decimal("166.67")]
    assert result.placed_value == Decimal(1500)
    assert result.unplaced_value == Decimal(250)  # the ward's 200 and area 4's 50
    # £1,000 × 0.75 + £500 × 0 = £750 of £1,500
    assert result.value_share == Decimal("50.0")
    # 2,000 × 0.75 + 3,000 × 0 = 1,500 of 5,000 residents
    assert result.population_share == Decimal("30.0")
    assert result.per_thousand == Decimal("300.00")  # £1,500 × 1,000 ÷ 5,000
    assert result.sentence == (
        "50% of the verified social value reached the most deprived 20% of small areas in the "
        "country, home to 30% of residents here: more than their share."
    )


def test_less_than_their_share_and_no_figures():
    needs = {1: need(1000, "1", "1"), 2: need(1000, "9", "0")}
    result = delivery_against_need([row(1, "100"), row(2, "300")], needs)
    assert result.value_share == Decimal("25.0")
    assert result.population_share == Decimal("50.0")
    assert result.sentence.endswith("home to 50% of residents here: less than their share.")

    nothing = delivery_against_need([row(1, "100")], {})
    assert nothing.value_share is None
    assert "no population and deprivation figures" in nothing.sentence

    undelivered = delivery_against_need([row(1, "0")], needs)
    assert undelivered.value_share is None
    assert "No verified social value" in undelivered.sentence


def test_rate_bands_from_quantiles():
    from places.need_figures import rate_breaks, rate_step

    values = [Decimal(v) for v in ("0", "1", "2", "3", "4", "5", "6", "7", "8")] + [None]
    # positive values 1…8: quartile starts at indexes 2, 4, 6 → 3, 5, 7
    breaks = rate_breaks(values)
    assert breaks == [Decimal(3), Decimal(5), Decimal(7)]
    assert [rate_step(Decimal(v), breaks) for v in ("1", "3", "4.9", "5", "8")] == [0, 1, 1, 2, 3]
    assert rate_step(Decimal(0), breaks) is None
    assert rate_step(None, breaks) is None
    assert rate_breaks([Decimal(5), Decimal(5)]) == []  # one value: one band
    assert rate_breaks([]) == []


def test_at_risk_map_bands():
    from dashboards.delivery_map import at_risk_band

    assert [at_risk_band(n).label for n in (0, 1, 2, 4, 5, 40)] == [
        "None",
        "1",
        "2 to 4",
        "2 to 4",
        "5 or more",
        "5 or more",
    ]


# Key quantities by decile --------------------------------------------------------------------


def quantity(area_id, measure_id, verified, unit="hours"):
    return {
        "area_id": area_id,
        "measure_id": measure_id,
        "code": f"M{measure_id}",
        "name": f"Measure {measure_id}",
        "unit": unit,
        "verified": Decimal(verified),
    }


def test_quantities_by_decile_add_up_one_measure_at_a_time():
    needs = {
        1: need(2000, "1.2", "1"),  # decile 1
        2: need(1000, "1.4", "1"),  # decile 1 too
        3: need(4000, "7", "0"),  # decile 7
    }
    rows = [row(1, "100"), row(2, "100"), row(3, "100")]
    quantities = [
        quantity(1, 10, "30", "hours"),
        quantity(2, 10, "15", "hours"),
        quantity(1, 20, "3", "apprenticeship starts"),  # another unit: never added to hours
        quantity(3, 20, "8", "apprenticeship starts"),
    ]
    result = delivery_against_need(rows, needs, quantities=quantities)

    # Each verified in two neighbourhoods: then by code.
    assert [(m.measure_id, m.unit, m.areas) for m in result.measures] == [
        (10, "hours", 2),
        (20, "apprenticeship starts", 2),
    ]
    by_decile = {d.decile: d for d in result.deciles}
    one, seven = by_decile[1], by_decile[7]
    assert one.quantities == {10: Decimal(45), 20: Decimal(3)}  # 30 + 15 hours; 3 starts
    assert seven.quantities == {20: Decimal(8)}
    # Each cell is one measure over the decile's residents: 45 hours × 1,000 ÷ 3,000 …
    assert [(c.quantity, c.per_thousand, c.unit) for c in one.cells] == [
        (Decimal(45), Decimal("15.00"), "hours"),
        (Decimal(3), Decimal("1.00"), "apprenticeship starts"),  # 3 × 1,000 ÷ 3,000
    ]
    assert [c.per_thousand for c in seven.cells] == [Decimal("0.00"), Decimal("2.00")]
    # No figure anywhere is a sum across the two units.
    every_value = {q for d in result.deciles for q in d.quantities.values()}
    assert Decimal(48) not in every_value and Decimal(56) not in every_value


def test_every_decile_is_listed_and_an_empty_one_has_no_rate():
    needs = {1: need(1000, "3", "0")}
    result = delivery_against_need([row(1, "50")], needs, quantities=[quantity(1, 5, "4")])
    assert [d.decile for d in result.deciles] == list(range(1, 11))
    empty = result.deciles[0]
    assert (empty.areas, empty.population, empty.verified_value) == (0, 0, Decimal(0))
    assert empty.per_thousand is None
    assert [c.per_thousand for c in empty.cells] == [None]  # no residents: no rate, not 0
    assert [c.per_thousand for c in result.deciles[2].cells] == [Decimal("4.00")]


def test_quantities_of_unplaced_areas_are_not_put_in_a_decile():
    needs = {1: need(1000, "3", "0"), 2: need(None, "2", None)}  # area 2: no population
    rows = [row(1, "50"), row(2, "50"), row(3, "50", wider=True)]
    quantities = [quantity(1, 5, "4"), quantity(2, 5, "100"), quantity(3, 5, "100")]
    result = delivery_against_need(rows, needs, quantities=quantities)
    assert sum(d.quantities.get(5, 0) for d in result.deciles) == Decimal(4)
    assert result.measures[0].areas == 1
    assert (result.without_population, result.without_decile) == (1, 0)


def test_no_key_measures_beyond_the_limit_but_they_are_counted():
    from places.need_figures import KEY_MEASURES

    needs = {1: need(1000, "3", "0")}
    quantities = [quantity(1, pk, "1") for pk in range(KEY_MEASURES + 2)]
    result = delivery_against_need([row(1, "1")], needs, quantities=quantities)
    assert len(result.measures) == KEY_MEASURES
    assert result.other_measures == 2


def _source(kind, title):
    import datetime

    from places.models import NeedSource

    return NeedSource(
        kind=kind,
        year=2024,
        title=title,
        publisher="Office for National Statistics",
        published_on=datetime.date(2025, 7, 1),
        lsoa_year=2021,
    )


def test_population_missing_is_not_available_naming_the_source():
    from places.models import NeedSource

    deprivation = _source(NeedSource.Kind.DEPRIVATION_ENGLAND, "English IoD 2025")
    population = _source(NeedSource.Kind.POPULATION, "Mid-2024 LSOA estimates")

    # No population estimates at all.
    needs = {1: need(None, "2", None)}
    result = delivery_against_need([row(1, "10")], needs, sources=NeedSources(deprivation, None))
    assert result.deciles == []
    assert result.not_available == [
        "Figures per 1,000 residents are not available: no small-area population estimates "
        "(ONS) have been imported for this place."
    ]
    assert "no population and deprivation figures" in result.sentence

    # Estimates imported, but not for every LSOA of one neighbourhood.
    needs = {1: need(None, "2", None), 2: need(1000, "4", "0")}
    result = delivery_against_need(
        [row(1, "10"), row(2, "10")], needs, sources=NeedSources(deprivation, population)
    )
    [note] = result.not_available
    assert note.startswith("Figures per 1,000 residents are not available for 1 area: ")
    assert population.citation in note
    assert [d.decile for d in result.deciles if d.areas] == [4]

    # No deprivation index.
    result = delivery_against_need([row(1, "10")], {}, sources=NeedSources(None, population))
    assert "no index of deprivation has been imported" in result.not_available[0]
