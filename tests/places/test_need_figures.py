"""Delivery against need, with numbers worked out by hand (places/need_figures.py)."""

from decimal import Decimal

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
    return {
        "area_id": area_id,
        "verified_value": Decimal(value),
        "commitments": commitments,
        "at_risk": 0,
        "wider": wider,
    }


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

    assert [(d.decile, d.areas, d.population, d.commitments) for d in result.deciles] == [
        (1, 1, 2000, 2),
        (6, 1, 3000, 3),
    ]
    assert [d.verified_value for d in result.deciles] == [Decimal(1000), Decimal(500)]
    assert [d.per_thousand for d in result.deciles] == [Decimal("500.00"), Decimal("166.67")]
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
