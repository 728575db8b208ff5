"""The needs board's pages: who sees what, forms that refuse bad input and change nothing,
and query counts that do not grow with the rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts import services as contract_services
from needs import services
from needs.models import Need, Pledge

pytestmark = pytest.mark.django_db


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_public_sees_published_needs_and_never_drafts(client, board):
    public = board.need(title="Canal path volunteers")
    draft = board.need(status=Need.Status.DRAFT, title="Secret draft")
    page = client.get(reverse("needs:need_list")).content.decode()
    assert "Canal path volunteers" in page and "Secret draft" not in page
    assert client.get(public.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(board.vcs_member)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_a_hidden_need_shows_the_public_only_the_reason(client, board):
    need = board.need(title="Rude words")
    services.need_hide(need=need, by=board.officer, reason="Offensive language")
    response = client.get(need.get_absolute_url())
    page = response.content.decode()
    assert "Offensive language" in page and need.why not in page
    assert "Rude words" not in client.get(reverse("needs:need_list")).content.decode()
    client.force_login(board.vcs_member)
    assert need.why in client.get(need.get_absolute_url()).content.decode()


def test_posting_a_need_through_the_form(client, board):
    client.force_login(board.vcs_member)
    url = reverse("needs:need_create")
    assert client.get(url).status_code == 200
    data = {
        "group": board.group.pk,
        "title": "Laptops for the digital club",
        "why": "Older residents learn to get online",
        "kind": "goods",
        "areas": [board.neighbourhood.pk],
        "needed_by_0": "1",
        "needed_by_1": "1",
        "needed_by_2": str(timezone.localdate().year + 1),
    }
    refused = client.post(url, {**data, "title": ""})
    assert refused.status_code == 200 and "Enter what you need" in refused.content.decode()
    assert not Need.objects.exists()
    refused = client.post(url, {**data, "quantity": "ten"})
    assert "Enter the quantity needed as a number" in refused.content.decode()
    response = client.post(url, data)
    need = Need.objects.get()
    assert response.status_code == 302 and need.status == Need.Status.OPEN
    assert need.created_by == board.vcs_member


def test_suppliers_cannot_post_and_groups_cannot_pledge(client, board):
    need = board.need()
    client.force_login(board.supplier_contact)
    assert client.get(reverse("needs:need_create")).status_code == 403
    client.force_login(board.vcs_member)
    assert client.get(reverse("needs:pledge_create", kwargs={"pk": need.pk})).status_code == 403


def test_the_pledge_form_offers_only_the_suppliers_own_commitments(client, board):
    need = board.need()
    client.force_login(board.supplier_contact)
    page = client.get(reverse("needs:pledge_create", kwargs={"pk": need.pk})).content.decode()
    assert board.contract.reference in page and board.rival_contract.reference not in page
    data = {
        "organisation": board.supplier.pk,
        "offer": "Apprentices",
        "quantity": "50",
        "by_date_0": str(board.soon.day),
        "by_date_1": str(board.soon.month),
        "by_date_2": str(board.soon.year),
        "commitment": board.commitment.pk,
        "attested": "on",
    }
    refused = client.post(reverse("needs:pledge_create", kwargs={"pk": need.pk}), data)
    assert "is still needed" in refused.content.decode()
    assert not Pledge.objects.exists()
    data["confirm_quantity"] = "on"
    done = client.post(reverse("needs:pledge_create", kwargs={"pk": need.pk}), data)
    assert done.status_code == 302 and Pledge.objects.get().commitment == board.commitment


def test_another_group_cannot_accept_or_even_see_a_pledge(client, board):
    pledge = board.pledge(board.need())
    client.force_login(board.other_member)
    assert client.post(reverse("needs:pledge_accept", kwargs={"pk": pledge.pk})).status_code == 404
    client.force_login(board.supplier_contact)
    assert client.post(reverse("needs:pledge_accept", kwargs={"pk": pledge.pk})).status_code == 403
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.OFFERED


def test_list_query_count_does_not_grow(client, board):
    url = reverse("needs:need_list")
    board.need()
    client.force_login(board.supplier_contact)
    one = count(client, url)
    fits = count(client, url + "?fits=true")
    for n in range(19):
        board.pledge(board.need(title=f"Need {n}"))
    assert count(client, url) == one
    assert count(client, url + "?fits=true") == fits
    client.logout()
    public = count(client, url)
    board.need(title="One more")
    assert count(client, url) == public


def test_detail_and_unmet_query_counts_do_not_grow(client, board):
    need = board.need(quantity=Decimal("100"))
    client.force_login(board.officer)
    few = count(client, need.get_absolute_url())
    unmet = count(client, reverse("needs:unmet"))
    for _ in range(6):
        pledge = board.pledge(need, quantity=Decimal("2"))
        services.pledge_accept(pledge=pledge, by=board.vcs_member)
        services.pledge_confirm_receipt(
            pledge=pledge,
            by=board.vcs_member,
            received_on=timezone.localdate(),
            quantity=Decimal("2"),
            note="Came",
        )
        board.need(title="Another")
    assert count(client, need.get_absolute_url()) == few
    assert count(client, reverse("needs:unmet")) == unmet


def test_the_pledge_page_and_receipt_flow(client, board):
    need = board.need()
    pledge = board.pledge(need)
    client.force_login(board.vcs_member)
    page = client.get(pledge.get_absolute_url()).content.decode()
    assert "Accept the pledge" in page
    client.post(reverse("needs:pledge_accept", kwargs={"pk": pledge.pk}))
    client.post(pledge.get_absolute_url(), {"body": "Come on Tuesday"})
    url = reverse("needs:pledge_receipt", kwargs={"pk": pledge.pk})
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "quantity": "4",
            "received_on_0": today.day,
            "received_on_1": today.month,
            "received_on_2": today.year,
            "note": "Four came",
        },
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.RECEIVED and pledge.delivery_return is not None
    contract_services.return_verify(delivery_return=pledge.delivery_return, by=board.officer)
    client.logout()
    public = client.get(need.get_absolute_url()).content.decode()
    assert "Acme Ltd" in public and "verified" in public
    assert "Val Volunteer" not in public  # group names, never individuals'


def test_the_unmet_page_is_for_officers_and_leaders(client, board):
    board.need()
    for who, status in (
        (board.officer, 200),
        (board.leader, 200),
        (board.vcs_member, 403),
        (board.supplier_contact, 403),
    ):
        client.force_login(who)
        assert client.get(reverse("needs:unmet")).status_code == status


def test_the_unmet_map_counts_a_neighbourhoods_need_in_its_ward_once(board):
    from needs.selectors import unmet_counts_by_area

    board.need(areas=[board.neighbourhood])
    board.need(areas=[board.neighbourhood, board.ward])
    met = board.need()
    services.need_transition(need=met, by=board.vcs_member, to=Need.Status.MET)
    counts = unmet_counts_by_area(board.place, [board.ward, board.neighbourhood])
    assert counts == {board.ward.pk: 2, board.neighbourhood.pk: 2}


def test_home_tasks_count_the_pledge_queues_their_links_list(client, board):
    from socialvalue.attention import attention_for

    first = board.pledge(board.need())
    second = board.pledge(board.need(title="Second"))
    services.pledge_accept(pledge=second, by=board.vcs_member)

    def texts(user):
        return {a.url: a.count for a in attention_for(user) if "/pledges/" in a.url}

    group = texts(board.vcs_member)
    assert group == {"/pledges/?waiting=decide": 1, "/pledges/?waiting=confirm": 1}
    # A member of both sides is never asked to confirm their own supplier's delivery.
    assert "/pledges/?waiting=confirm" not in texts(board.both)
    assert texts(board.supplier_contact) == {"/pledges/?waiting=deliver": 1}
    assert texts(board.rival_contact) == {}
    client.force_login(board.vcs_member)
    page = client.get("/pledges/?waiting=decide").content.decode()
    assert first.get_absolute_url() in page and second.get_absolute_url() not in page
    assert "pledge to your group is waiting" in client.get("/").content.decode()


def test_pledge_list_query_count_does_not_grow(client, board):
    board.pledge(board.need())
    client.force_login(board.vcs_member)
    one = count(client, reverse("needs:pledge_list"))
    for n in range(10):
        board.pledge(board.need(title=f"N{n}"), linked=bool(n % 2))
    assert count(client, reverse("needs:pledge_list")) == one
    client.force_login(board.rival_contact)
    assert "N1" not in client.get(reverse("needs:pledge_list")).content.decode()


def test_the_list_shows_needs_still_wanted_first_soonest_needed_at_the_top(client, board):
    """Found walking the demo: closed and met needs headed the public list."""
    import datetime

    today = timezone.localdate()
    later = board.need(title="Later", needed_by=today + datetime.timedelta(days=60))
    sooner = board.need(title="Sooner", needed_by=today + datetime.timedelta(days=10))
    closed = board.need(title="Closed one", needed_by=today + datetime.timedelta(days=5))
    services.need_transition(need=closed, by=board.vcs_member, to=Need.Status.CLOSED)
    response = client.get(reverse("needs:need_list"))
    assert [n.title for n in response.context["needs"]] == [
        sooner.title,
        later.title,
        closed.title,
    ]
