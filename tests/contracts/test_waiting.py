"""What waits for each person (issue 17, "everyday flow"): every count on the home page equals
the rows of the list it links to, and an officer verifies several returns with one
confirmation, each recorded on its own."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts import services
from contracts.models import Contract, DeliveryReturn
from people.models import Membership
from tests.contracts.factories import AwardedContractFactory, CommitmentFactory
from tests.contracts.pipeline_helpers import complete_assessment, make_contract

pytestmark = pytest.mark.django_db

Role = Membership.Role
LINK = re.compile(r'<a class="govuk-link" href="([^"]+)" data-count="(\d+)">')


def home_links(client, user) -> list[tuple[str, int]]:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return [
        (url.replace("&amp;", "&"), int(count))
        for url, count in LINK.findall(response.content.decode())
    ]


def rows_on(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode().count("data-item")


def _return(world, *, period_index=0, commitment=None, **fields):
    """A return submitted by the supplier, on a new commitment of the contract unless given."""
    commitment = commitment or CommitmentFactory(contract=world.contract, area=world.ward)
    return services.return_submit(
        commitment=commitment,
        by=fields.pop("by", world.supplier_contact),
        period=world.periods[period_index],
        quantity=fields.pop("quantity", 1),
        evidence_text="Seen",
        attested=True,
        **fields,
    )


@pytest.fixture
def busy(world):
    """Something waiting for every role: an assessment to sign off and an exemption to
    confirm (both written by the officer), returns to verify, one queried and answered, one
    queried and not yet answered, support for the group to confirm, and periods due."""
    assessed = make_contract(buyer=world.council, by=world.officer, reference="C-ASSESS")
    services.assessment_submit(
        assessment=complete_assessment(assessed, author=world.officer), by=world.officer
    )
    exempting = make_contract(
        buyer=world.council,
        by=world.officer,
        reference="C-EXEMPT",
        category=Contract.Category.GOODS,
    )
    services.exemption_propose(
        contract=exempting, by=world.officer, ground="not_services", reason="Goods only"
    )
    _return(world, period_index=0, supported_group=world.group)
    queried = _return(world, period_index=1)
    services.return_query(delivery_return=queried, by=world.officer, question="Which site?")
    answered = _return(world, period_index=1)
    services.return_query(delivery_return=answered, by=world.officer, question="Who?")
    services.return_answer(delivery_return=answered, by=world.supplier_contact, answer="Ann")
    return world


def test_the_sign_off_count_links_to_exactly_the_contracts_waiting(client, busy):
    """Reported: "waiting for your sign-off" linked to a list holding more than it counted
    (every contract with any decision waiting). Each count now has its own list."""
    links = dict(home_links(client, busy.leader))
    assessment_links = [url for url in links if "sign_off=assessment" in url]
    assert len(assessment_links) == 1
    assert links[assessment_links[0]] == 1
    assert rows_on(client, assessment_links[0]) == 1


def test_a_supplier_is_told_returns_are_due_and_overdue(client, busy):
    """Reported: a supplier's home page did not say returns are due."""
    links = dict(home_links(client, busy.supplier_contact))
    due = reverse("contracts:return_queue", kwargs={"queue": "due"})
    overdue = reverse("contracts:return_queue", kwargs={"queue": "overdue"})
    assert links[due] >= links[overdue] >= 1
    assert rows_on(client, due) == links[due]
    assert rows_on(client, overdue) == links[overdue]


def test_a_group_is_asked_on_its_home_page_to_confirm_support(client, busy):
    """Reported: the request to confirm a supplier's support arrived only by email."""
    links = dict(home_links(client, busy.vcs_member))
    confirm = reverse("contracts:return_queue", kwargs={"queue": "confirm"})
    assert links[confirm] == 1
    assert rows_on(client, confirm) == 1


def test_every_count_on_every_home_page_equals_the_rows_it_links_to(client, busy):
    """The family: whoever signs in, each count equals the rows of the page it links to."""
    people = [
        busy.officer,
        busy.colleague,
        busy.leader,
        busy.supplier_contact,
        busy.rival_contact,
        busy.vcs_member,
        busy.outsider,
    ]
    checked = set()
    for person in people:
        for url, count in home_links(client, person):
            assert rows_on(client, url) == count, (person.email, url)
            checked.add(url.split("?")[0] + url.partition("=")[2])
    # Not vacuous: the world has something waiting in every contract queue.
    assert len(checked) >= 7, checked


def test_a_queue_page_costs_the_same_queries_for_1_or_10_returns(client, world, make_member):
    client.force_login(world.colleague)
    url = reverse("contracts:return_queue", kwargs={"queue": "verify"})
    _return(world, period_index=0)

    def count(path):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    one = count(url)
    for i in range(9):
        _return(world, period_index=i % 2)
    assert count(url) == one
    client.force_login(world.supplier_contact)
    due = reverse("contracts:return_queue", kwargs={"queue": "due"})
    many = count(due)
    AwardedContractFactory(buyer=world.council, supplier=world.supplier, place=world.place)
    assert count(due) == many


def test_an_unknown_queue_is_not_found(client, world):
    client.force_login(world.officer)
    url = reverse("contracts:return_queue", kwargs={"queue": "everything"})
    assert client.get(url).status_code == 404


# Verifying several returns at once ---------------------------------------------------------


def _bulk(client, returns, *, confirmed=False, versions=None):
    data = {"returns": [r.pk for r in returns]}
    if confirmed:
        data["confirmed"] = "1"
        for r in returns:
            data[f"version-{r.pk}"] = (versions or {}).get(r.pk, r.version)
    return client.post(reverse("contracts:return_bulk_verify"), data)


def test_several_returns_are_verified_after_one_confirmation_each_on_its_own(client, world):
    returns = [_return(world, period_index=i) for i in range(2)] + [_return(world)]
    client.force_login(world.colleague)
    page = _bulk(client, returns)
    assert page.status_code == 200
    assert "Verify 3 returns" in page.content.decode()
    assert set(DeliveryReturn.objects.values_list("status", flat=True)) == {"submitted"}
    done = _bulk(client, returns, confirmed=True)
    assert done.status_code == 302
    for r in returns:
        r.refresh_from_db()
        assert r.status == "verified" and r.decided_by == world.colleague
        # Recorded separately: each return has its own history entry for the decision.
        assert r.history.filter(status="verified", history_user=world.colleague).count() == 1


def test_a_return_that_cannot_be_verified_is_listed_with_why_and_the_rest_go_ahead(client, world):
    mine = _return(world, period_index=0, by=world.colleague)
    ok = _return(world, period_index=1)
    stale = _return(world, period_index=1)
    client.force_login(world.colleague)
    page = _bulk(client, [mine, ok, stale]).content.decode()
    assert "You cannot verify a return you submitted. Ask a colleague" in page
    assert "Verify 2 returns" in page
    # Meanwhile it is queried and answered: still verifiable, but not what was confirmed.
    seen = stale.version
    services.return_query(delivery_return=stale, by=world.officer, question="Sure?")
    services.return_answer(delivery_return=stale, by=world.supplier_contact, answer="Yes")
    response = _bulk(client, [ok, stale], confirmed=True, versions={stale.pk: seen})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this return" in text
    for r in (ok, stale, mine):
        r.refresh_from_db()
    assert (ok.status, stale.status, mine.status) == ("verified", "submitted", "submitted")


def test_a_return_the_person_may_not_see_is_not_found_and_not_named(client, world):
    theirs = _return(world, period_index=0)
    client.force_login(world.outsider)
    text = _bulk(client, [theirs]).content.decode()
    assert "Not found" in text and theirs.commitment.measure.name not in text
    _bulk(client, [theirs], confirmed=True)
    theirs.refresh_from_db()
    assert theirs.status == "submitted"


def test_the_confirmation_page_costs_the_same_queries_for_1_or_10_returns(client, world):
    client.force_login(world.colleague)
    one = [_return(world, period_index=0)]

    def count(returns):
        with CaptureQueriesContext(connection) as ctx:
            assert _bulk(client, returns).status_code == 200
        return len(ctx.captured_queries)

    first = count(one)
    many = one + [_return(world, period_index=i % 2) for i in range(9)]
    assert count(many) == first


def test_the_queue_offers_the_checkboxes_only_to_officers_with_returns_waiting(client, world):
    _return(world, period_index=0)
    url = reverse("contracts:return_queue", kwargs={"queue": "verify"})
    client.force_login(world.colleague)
    assert 'name="returns"' in client.get(url).content.decode()
    client.force_login(world.supplier_contact)
    assert 'name="returns"' not in client.get(url).content.decode()
