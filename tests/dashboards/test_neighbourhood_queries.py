"""The neighbourhood page (`/areas/<id>/`, issue 16) costs the same number of queries however
many objectives, proposals, consultations, contracts and returns the area has, for a visitor
and for a leader of the place; and its delivery figures are kept in the figures cache."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import DeliveryReturn
from objectives.models import Objective
from tests.consultations.factories import ConsultationFactory, ProposalFactory
from tests.contracts.factories import (
    AwardedContractFactory,
    CommitmentFactory,
    DeliveryReturnFactory,
)
from tests.objectives.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db


def _more(world, count, first=0):
    """`count` more of everything the page lists, in and under ward W1."""
    for n in range(first, first + count):
        ObjectiveFactory(
            outcome=world.oc1,
            place=world.place,
            title=f"More objective {n}",
            status=Objective.Status.ACTIVE,
            lead_organisation=world.council,
            areas=[world.n1 if n % 2 else world.w1],
        )
        contract = AwardedContractFactory(
            place=world.place, buyer=world.council, reference=f"MORE-{n}"
        )
        commitment = CommitmentFactory(
            contract=contract,
            measure=world.m1,
            objective=world.o1,
            quantity=Decimal("10"),
            area=world.l1 if n % 2 else world.n2,
        )
        DeliveryReturnFactory(
            commitment=commitment,
            period=contract.periods.order_by("start").first(),
            quantity=Decimal("3"),
            status=DeliveryReturn.Status.VERIFIED,
        )
        ProposalFactory(place=world.place, status="submitted", areas=[world.n1])
        ConsultationFactory(owner=world.council, areas=[world.w1])


@pytest.mark.parametrize("who", ["anonymous", "leader"])
def test_the_page_costs_the_same_for_few_and_many_rows(client, world, who):
    if who == "leader":
        client.force_login(world.leader)
    url = world.w1.get_absolute_url()
    _more(world, 1)
    client.get(url)  # sessions warmed
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200
    _more(world, 8, first=1)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert "More objective 8" in response.content.decode()
    assert "MORE-8" in response.content.decode()
    assert len(many) == len(few), "\n".join(q["sql"][:150] for q in many.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_the_delivery_figures_come_from_the_cache_until_the_data_changes(client, world, settings):
    from dashboards.cache import figures_cache
    from socialvalue.datacache import data_changed

    settings.SOCIALVALUE_FIGURES_CACHE_SECONDS = 600
    figures_cache().clear()
    url = world.w1.get_absolute_url()

    def commitment_reads():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        rows = [(r["area_id"], r["verified_value"]) for r in response.context["delivery_rows"]]
        return sum('"contracts_commitment"' in q["sql"] for q in queries), rows

    computed, rows = commitment_reads()
    cached, cached_rows = commitment_reads()
    assert computed > 0 and cached == 0
    assert cached_rows == rows and rows
    data_changed()  # older than the stale limit: computed afresh on the request
    settings.SOCIALVALUE_FIGURES_STALE_SECONDS = 0
    again, _rows = commitment_reads()
    assert again > 0
    figures_cache().clear()
