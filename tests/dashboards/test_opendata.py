"""Open data: the commitments CSV (the OCDS package is tested in test_ocds_export.py)."""

import csv
import io

from django.urls import reverse

from dashboards import opendata


def _csv(client, place, **params):
    response = client.get(
        reverse("dashboards:commitments_csv", kwargs={"slug": place.slug}), params
    )
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_commitments_csv_is_public_with_documented_columns(client, world):
    response = client.get(reverse("dashboards:commitments_csv", kwargs={"slug": world.place.slug}))
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert header == [name for name, _ in opendata.COLUMNS]
    page = client.get(reverse("dashboards:transparency", kwargs={"slug": world.place.slug}))
    for name, description in opendata.COLUMNS:
        assert name in page.content.decode()


def test_one_row_per_commitment_per_started_period_with_verified_delivery_only(client, world):
    rows = _csv(client, world.place)
    started = {
        c.pk: c.contract.periods.filter(start__lte=world.c1.contract_start.today()).count()
        for c in (world.k1, world.k2, world.k3)
    }
    assert len(rows) == sum(started.values())
    k1 = [r for r in rows if r["commitment_id"] == str(world.k1.pk)]
    assert [r["verified_quantity"] for r in k1[:2]] == ["4", ""]  # the claim of 3 is not published
    assert k1[0]["verified_value_gbp_estimate"] == "400.00"
    assert k1[0]["area_gss_code"] == "E01000001"
    assert k1[0]["area_gss_year"] == "2021"
    assert k1[0]["area_type"] == "LSOA"
    assert k1[0]["delivered_by_role"] == "supplier"
    assert k1[0]["contract_ocid"] == f"ocds-svdemo-{world.c1.pk}"
    k2 = [r for r in rows if r["commitment_id"] == str(world.k2.pk)]
    assert k2[0]["delivered_by_role"] == "subcontractor"
    assert k2[0]["verified_value_gbp_estimate"] == ""  # no proxy: counted, not valued
    k3 = [r for r in rows if r["commitment_id"] == str(world.k3.pk)]
    assert k3[0]["area_gss_code"] == "E05000002"
    assert k3[0]["measure_retired"] == "yes"
    assert k3[1]["verified_quantity"] == ""  # rejected


def test_csv_period_filter(client, world):
    p1 = world.c1.periods.order_by("start")[0]
    period = f"{p1.end.year if p1.end.month >= 4 else p1.end.year - 1}"
    rows = _csv(client, world.place, period=period)
    assert rows
    assert all(r["period_end"][:4] in (period, str(int(period) + 1)) for r in rows)


def test_csv_streams_in_constant_queries(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        _csv(client, world.place)


def test_every_supplier_on_an_award_is_a_supplier_in_the_csv(client, world):
    """A framework's second supplier delivers as a supplier, not as a subcontractor."""
    from contracts import services
    from tests.contracts.factories import CommitmentFactory, DeliveryReturnFactory, SupplierFactory

    second = SupplierFactory(name="Second Framework Ltd")
    services.award_supplier_add(contract=world.c1, organisation=second, by=world.officer)
    commitment = CommitmentFactory(
        contract=world.c1, delivered_by=second, measure=world.m1, objective=world.o1
    )
    DeliveryReturnFactory(commitment=commitment, status="verified")
    rows = [r for r in _csv(client, world.place) if r["commitment_id"] == str(commitment.pk)]
    assert rows and {r["delivered_by_role"] for r in rows} == {"supplier"}
