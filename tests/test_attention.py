"""The home page tells each role what is waiting for them."""

import pytest
from django.urls import reverse

from contracts import services
from people.models import Membership
from tests.contracts.pipeline_helpers import complete_assessment, make_contract

pytestmark = pytest.mark.django_db


def texts(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return [item.text for item in response.context["attention"]]


def test_a_submitted_assessment_waits_for_a_colleague_not_its_author(
    client, council, officer, make_member
):
    leader = make_member(council, Membership.Role.LEADER)
    contract = make_contract(buyer=council, by=officer)
    assessment = complete_assessment(contract, author=officer)
    services.assessment_submit(assessment=assessment, by=officer)
    assert "1 social value assessment is waiting for your sign-off" in texts(client, leader)
    assert not any("sign-off" in t for t in texts(client, officer))


def test_nothing_waiting_says_so(client, council, officer):
    client.force_login(officer)
    response = client.get(reverse("home"))
    assert response.context["attention"] == []
    assert b"Nothing is waiting for you." in response.content


def test_home_query_count_does_not_grow_with_waiting_work(
    client, council, officer, make_member, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    leader = make_member(council, Membership.Role.LEADER)
    client.force_login(leader)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("home"))
        return len(ctx.captured_queries)

    contract = make_contract(buyer=council, by=officer, reference="A-1")
    services.assessment_submit(assessment=complete_assessment(contract, author=officer), by=officer)
    one = count()
    for i in range(5):
        contract = make_contract(buyer=council, by=officer, reference=f"B-{i}")
        services.assessment_submit(
            assessment=complete_assessment(contract, author=officer), by=officer
        )
    assert count() == one


def test_a_count_stops_at_the_cap_and_says_so(monkeypatch, council, officer, make_member):
    from socialvalue import attention

    leader = make_member(council, Membership.Role.LEADER)
    for i in range(4):
        contract = make_contract(buyer=council, by=officer, reference=f"C-{i}")
        services.assessment_submit(
            assessment=complete_assessment(contract, author=officer), by=officer
        )
    assert [item.text for item in attention.attention_for(leader)] == [
        "4 social value assessments are waiting for your sign-off"
    ]
    monkeypatch.setattr(attention, "CAP", 3)
    (item,) = attention.attention_for(leader)
    assert item.count == 3
    assert item.text == "3 or more social value assessments are waiting for your sign-off"


def test_every_return_queue_count_names_returns_not_suppliers(monkeypatch, officer):
    """Found from outside: "10 suppliers ask your group to confirm…" counted ten returns from one
    supplier. Each count is of its queue's rows, so its words must name those rows."""
    from contracts import attention as contract_attention_module

    captured = []
    monkeypatch.setattr(
        contract_attention_module,
        "queue_attention",
        lambda user, specs: captured.extend(specs) or [],
    )
    contract_attention_module.contract_attention(officer)
    return_queues = [spec for spec in captured if "/returns/" in spec[3]]
    assert return_queues, "the return queues are listed"
    for _count, singular, plural, _url in return_queues:
        for words in (singular, plural):
            assert "supplier" not in words.split()[0], words
            assert "return" in words, words
