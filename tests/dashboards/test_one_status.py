"""One status rule (issue 14): the contract page, the commitment page, the dashboard and the
transparency page judge every commitment alike, because each reads `contracts.progress`."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import Commitment
from people.models import Membership
from tests.contracts.factories import CommitmentFactory, DeliveryReturnFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
Role = Membership.Role

# (quantity, verified, days since the start, days to the due date, schedule): a spread over
# every status, on both sides of each boundary, with one-off commitments before and after due.
VARIETY = [
    ("12", "12", 100, 100, "quarterly"),  # complete
    ("12", "7", 100, 100, "quarterly"),  # on track: 6 due
    ("12", "4.6", 100, 100, "quarterly"),  # behind: at least 75% of 6
    ("12", "4.4", 100, 100, "quarterly"),  # at risk: below 4.5
    ("12", "0", 1, 364, "quarterly"),  # at risk: a little due already
    ("12", "0", -10, 375, "quarterly"),  # on track: not started
    ("3", "0", 50, -1, "one_off"),  # at risk: one-off, due yesterday
    ("3", "0", 50, 30, "one_off"),  # on track: one-off, not yet due
    ("3", "2.5", 50, -1, "one_off"),  # behind
    ("10", "11", 10, 300, "quarterly"),  # complete, more than committed
]


@pytest.fixture
def varied(world):
    today = timezone.localdate()
    for quantity, verified, since, until, schedule in VARIETY:
        commitment = CommitmentFactory(
            contract=world.c1,
            measure=world.m1,
            area=world.n2,
            objective=world.o1,
            quantity=Decimal(quantity),
            start_date=today - since * DAY,
            due_date=today + until * DAY,
            schedule=schedule,
        )
        if verified != "0":
            DeliveryReturnFactory(
                commitment=commitment, quantity=Decimal(verified), status="verified"
            )
    return world


def _contract_page_statuses(client, viewers) -> dict[int, str]:
    """{commitment: status} from each contract's page, seen by an officer of its buyer."""
    statuses = {}
    for contract, officer in viewers:
        client.force_login(officer)
        response = client.get(reverse("contracts:contract_detail", kwargs={"pk": contract.pk}))
        assert response.status_code == 200, response
        for row in response.context["delivery"]["rows"]:
            statuses[row["commitment"].pk] = row["status"]
    return statuses


def test_every_page_gives_each_commitment_the_same_status(client, varied, make_member):
    world = varied
    nhs_officer = make_member(world.nhs, Role.OFFICER, email="nhs@example.org")
    viewers = [(world.c1, world.officer), (world.c2, nhs_officer)]
    by_contract = _contract_page_statuses(client, viewers)
    current = set(Commitment.objects.current().values_list("pk", flat=True))
    assert set(by_contract) == current
    assert set(by_contract.values()) == {"complete", "on_track", "behind", "at_risk"}
    client.force_login(world.officer)
    for pk, status in by_contract.items():
        if pk == world.k3.pk:
            continue  # the NHS body's: seen on its contract page above
        page = client.get(reverse("contracts:commitment_detail", kwargs={"pk": pk}))
        assert page.context["row"]["status"] == status, pk
    tally = Counter(by_contract.values())

    client.force_login(world.leader)
    dashboard = client.get(reverse("dashboards:dashboard")).context
    assert {s: getattr(dashboard["statuses"], s) for s in tally} == dict(tally)
    assert dashboard["statuses"].total == len(by_contract)
    at_risk = {row.pk: row.status for row in dashboard["at_risk"]}
    assert at_risk == {pk: s for pk, s in by_contract.items() if s in ("behind", "at_risk")}

    client.logout()
    public = client.get(reverse("dashboards:transparency", kwargs={"slug": world.place.slug}))
    assert {s: getattr(public.context["statuses"], s) for s in tally} == dict(tally)
