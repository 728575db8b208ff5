"""Delivery against need on the dashboard (issue 16, part 4): the verified quantities of each
measure by deprivation decile, read from the ledger, per 1,000 residents, never adding units."""

import datetime
from decimal import Decimal

import pytest

from contracts import ledger
from dashboards import figures
from dashboards.against_need import against_need_figure
from places.models import LsoaFigure, NeedSource

pytestmark = pytest.mark.django_db


def _need(place, lsoa, *, decile=2, population=1500):
    """The world's one LSOA (inside N1) in decile 2, with 1,500 residents."""
    published = datetime.date(2025, 10, 30)
    for kind, year, values in (
        (NeedSource.Kind.DEPRIVATION_ENGLAND, 2025, {"decile": decile, "rank": 4000}),
        (NeedSource.Kind.POPULATION, 2024, {"population": population}),
    ):
        source = NeedSource.objects.create(
            place=place,
            kind=kind,
            year=year,
            title=f"Test {kind}",
            publisher="Test publisher",
            published_on=published,
            lsoa_year=2021,
        )
        LsoaFigure.objects.create(source=source, area=lsoa, **values)


def test_the_ledger_reader_keeps_each_measure_apart(world):
    found = ledger.verified_by_area_and_measure(
        figures.commitments(figures.Scope(place=world.place), use_period=False)
    )
    assert sorted((r["area_id"], r["measure_id"], r["verified"]) for r in found) == sorted(
        [
            (world.l1.pk, world.m1.pk, Decimal(4)),  # starts (the submitted 3 not counted)
            (world.n1.pk, world.m2.pk, Decimal(2)),  # hours
            (world.w2.pk, world.m3.pk, Decimal(5)),  # tonnes (the rejected 7 not counted)
        ]
    )
    # With a period: the lines of the periods ending in it only.
    first = world.k1.contract.periods.order_by("start").first()
    before = ledger.verified_by_area_and_measure(
        figures.commitments(figures.Scope(place=world.place), use_period=False),
        end=first.end - datetime.timedelta(days=1),
    )
    assert before == []


def test_quantities_by_decile_per_thousand_residents(world):
    _need(world.place, world.l1)
    scope = figures.Scope(place=world.place)
    result = against_need_figure(scope, figures.by_area(scope))

    assert [(m.code, m.unit, m.areas) for m in result.measures] == [
        ("M1", "starts", 1),
        ("M2", "hours", 1),
    ]  # M3's tonnes are for a whole ward: not placed in a decile
    decile = result.deciles[1]
    assert (decile.decile, decile.areas, decile.population) == (2, 1, 1500)
    assert decile.quantities == {world.m1.pk: Decimal(4), world.m2.pk: Decimal(2)}
    assert [(c.per_thousand, c.unit) for c in decile.cells] == [
        (Decimal("2.67"), "starts"),  # 4 × 1,000 ÷ 1,500
        (Decimal("1.33"), "hours"),  # 2 × 1,000 ÷ 1,500
    ]
    assert all(not d.quantities for d in result.deciles if d.decile != 2)
    assert result.not_available == [
        "1 area has no deprivation decile in Test imd_england, Test publisher, published 30 "
        "October 2025 (Open Government Licence v3.0) and is not placed in a decile."
    ]  # N2 has no LSOA


def test_the_dashboard_and_the_transparency_page_show_the_quantities(client, world):
    _need(world.place, world.l1)
    client.force_login(world.leader)
    html = client.get(f"/dashboard/?place={world.place.slug}").content.decode()
    assert "key measures, each in its own unit" in html
    assert "2.67 starts" in html and "1.33 hours" in html
    assert "No neighbourhood" in html  # the deciles with none are listed, not left out
    client.logout()
    html = client.get(f"/transparency/{world.place.slug}/").content.decode()
    assert "2.67 starts" in html


def test_without_population_estimates_the_page_says_so(client, world):
    source = NeedSource.objects.create(
        place=world.place,
        kind=NeedSource.Kind.DEPRIVATION_ENGLAND,
        year=2025,
        title="Test index",
        publisher="Test publisher",
        published_on=datetime.date(2025, 10, 30),
        lsoa_year=2021,
    )
    LsoaFigure.objects.create(source=source, area=world.l1, decile=2, rank=4000)
    client.force_login(world.leader)
    html = client.get(f"/dashboard/?place={world.place.slug}").content.decode()
    assert (
        "Figures per 1,000 residents are not available: no small-area population estimates "
        "(ONS) have been imported for this place." in html
    )
    assert "key measures, each in its own unit" not in html


def test_the_summary_pdf_has_the_decile_table_within_four_pages(client, world, monkeypatch):
    from dashboards import pdf

    _need(world.place, world.l1)
    rendered = {}
    real = pdf.render_pdf

    def counting(html):
        data, pages = real(html)
        rendered.update(html=html, pages=pages)
        return data, pages

    monkeypatch.setattr(pdf, "render_pdf", counting)
    client.force_login(world.leader)
    assert client.get(f"/dashboard/summary.pdf?place={world.place.slug}").status_code == 200
    assert 1 <= rendered["pages"] <= pdf.MAX_PAGES
    html = rendered["html"]
    assert "key measures, each in its own unit" in html
    assert "2.67 starts" in html
    assert "No neighbourhood" not in html  # the compact table leaves out empty deciles
