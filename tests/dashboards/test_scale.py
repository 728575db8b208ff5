"""The county-scale generator, at a tiny scale: consistent, complete and deterministic."""

import pytest

from contracts.models import Contract, DeliveryReturn
from dashboards.scale import generate
from places.models import Area

pytestmark = pytest.mark.django_db


def test_a_tiny_county_has_every_stage_and_consistent_links():
    counts = generate(scale=0.005, seed=7)
    assert counts["contracts.Contract"] == 500
    assert set(Contract.objects.values_list("stage", flat=True)) == set(Contract.Stage.values)
    assert set(DeliveryReturn.objects.values_list("status", flat=True)) == set(
        DeliveryReturn.Status.values
    )
    # Every area's path starts with its parent's, so "everything below" queries work.
    for area in Area.objects.select_related("parent").filter(parent__isnull=False):
        assert area.path.startswith(area.parent.path)
    # Compliance is derived from the dates, as the services would: approved on or before start.
    for contract in Contract.objects.filter(s1_compliance="compliant").prefetch_related(
        "assessments"
    )[:50]:
        approved = contract.assessments.get().approved_at.date()
        assert approved <= contract.procurement_started_on


def test_the_same_seed_gives_the_same_data():
    first = generate(scale=0.002, seed=11)
    second = generate(scale=0.002, seed=11)
    assert first == second


def test_long_tables_show_their_first_rows_and_the_csv_has_all():
    from dashboards.tables import Column, Table

    table = Table(
        name="t", caption="T", columns=[Column("n", numeric=True)], rows=[[i] for i in range(120)]
    )
    assert table.truncated
    assert len(table.display_rows) == table.shown == 50
    assert len(table.rows) == 120


def test_every_generated_area_has_a_shape_and_every_lsoa_need_figures():
    from places.models import Boundary, LsoaFigure
    from places.selectors import need_by_area

    generate(scale=0.02, seed=5)  # 2 wards, 6 neighbourhoods, 12 LSOAs
    areas = Area.objects.all()
    assert areas.count() == 20
    assert set(Boundary.objects.values_list("area_id", flat=True)) == set(
        areas.values_list("pk", flat=True)
    )
    lsoas = areas.filter(kind="lsoa")
    deciles = LsoaFigure.objects.filter(decile__isnull=False)
    assert set(deciles.values_list("area_id", flat=True)) == set(lsoas.values_list("pk", flat=True))
    needs = need_by_area(areas.first().place)
    for ward in areas.filter(kind="ward"):
        assert needs[ward.pk].population and needs[ward.pk].decile is not None
