"""Design point: police and fire officers saw the council's at-risk and non-compliant rows on
the dashboard, but got 404 on those contracts.

Decided: the dashboard is a partnership view, so every public body's officers and leaders of
the place keep seeing every row; a row links to its contract only when the viewer may open it
(the rule `contracts.view_contract`), and otherwise names the buying body to ask. The family
test: no contract link on the dashboard leads anyone to a page they cannot open.
"""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from contracts.models import Contract
from people.models import Membership, Organisation
from tests.contracts.factories import AwardedContractFactory, CommitmentFactory
from tests.people.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def dashboard(world):
    """The world's awarded contract has a commitment with nothing verified (at risk); a second
    council contract started procurement with no approved assessment (non-compliant)."""
    cache.clear()
    AwardedContractFactory(
        place=world.place,
        buyer=world.council,
        reference="C-LATE",
        s1_compliance=Contract.Compliance.NON_COMPLIANT,
        assessment=False,
    )
    police = OrganisationFactory(name="Testborough Police", kind=Organisation.Kind.POLICE)
    police.place = world.place
    police.save()
    world.police_officer = MembershipFactory(organisation=police, role=Role.OFFICER).user
    world.police_leader = MembershipFactory(organisation=police, role=Role.LEADER).user
    yield world
    cache.clear()


def _rows(client, user, table: str) -> str:
    client.force_login(user)
    response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index(f'id="table-{table}"')
    return html[start : html.index("</table>", start)]


@pytest.mark.parametrize("table", ["at_risk", "non_compliant"])
def test_a_police_officer_sees_the_row_and_whom_to_ask_not_a_dead_link(client, dashboard, table):
    reference = "C-ACME" if table == "at_risk" else "C-LATE"
    contract = Contract.objects.get(reference=reference)
    rows = _rows(client, dashboard.police_officer, table)
    assert reference in rows  # the partnership view keeps the row
    assert f'href="{contract.get_absolute_url()}"' not in rows
    assert "Ask Testborough Council about it" in rows
    assert client.get(contract.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("table", ["at_risk", "non_compliant"])
def test_the_councils_officer_gets_a_link_to_the_contract(client, dashboard, table):
    reference = "C-ACME" if table == "at_risk" else "C-LATE"
    contract = Contract.objects.get(reference=reference)
    rows = _rows(client, dashboard.users["officer"], table)
    assert f'href="{contract.get_absolute_url()}"' in rows
    assert "Ask Testborough Council" not in rows


@pytest.mark.parametrize("who", ["officer", "leader", "police_officer", "police_leader"])
def test_no_contract_link_on_the_dashboard_leads_to_a_page_the_viewer_cannot_open(
    client, dashboard, who
):
    """The family: whoever reads the dashboard, every contract it links to opens for them."""
    user = dashboard.users.get(who) or getattr(dashboard, who)
    client.force_login(user)
    html = client.get(reverse("dashboards:dashboard")).content.decode()
    linked = set(re.findall(r'href="(/contracts/\d+/)"', html))
    for url in linked:
        assert client.get(url).status_code == 200, f"{who} is sent to {url}"
    if who in ("officer", "leader", "police_leader"):  # those who may open both contracts
        assert len(linked) == 2


def test_the_links_cost_two_queries_however_many_rows(dashboard, django_assert_num_queries):
    from dashboards.views import contract_links

    one = [dashboard.contract.pk]
    many = [
        CommitmentFactory(
            contract__place=dashboard.place, contract__buyer=dashboard.council
        ).contract.pk
        for _ in range(20)
    ]
    user = dashboard.police_officer
    user.refresh_from_db()
    with django_assert_num_queries(3):  # the viewer's roles, then the two
        contract_links(user, one)
    with django_assert_num_queries(2):  # the roles are kept on the user for the request
        links = contract_links(user, many)
    assert all(link.url == "" and link.contact for link in links.values())
