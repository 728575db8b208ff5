"""Issue 14: an officer running a contract lets returns be made for a period before it ends,
with a reason, from the contract's reporting periods page; the period then says who allowed
it, for which body, when and why, and the supplier can report for it.

Who may not is tested as carefully as who may: each refusal leaves the period as it was."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from contracts.models import Contract, ReportingPeriod

pytestmark = pytest.mark.django_db

REASON = "The contract ends early, on 1 March"


def _url(world):
    return reverse("contracts:contract_periods", args=[world.contract.pk])


def _current(world) -> ReportingPeriod:
    today = timezone.localdate()
    return next(p for p in world.periods if p.start <= today <= p.end)


def _unchanged(period: ReportingPeriod) -> bool:
    period.refresh_from_db()
    return (
        period.early_returns_reason == ""
        and period.early_returns_allowed_by_id is None
        and period.early_returns_allowed_at is None
    )


def test_the_officer_allows_early_returns_and_the_period_says_who_when_and_why(client, world):
    current = _current(world)
    client.force_login(world.officer)

    page = client.get(_url(world)).content.decode()
    assert "Allow returns before this period ends" in page
    response = client.post(_url(world), {"period": current.pk, "reason": REASON}, follow=True)

    page = response.content.decode()
    assert f"Returns can now be made for {current} before it ends" in page
    today = timezone.localdate()
    # As the page writes it: a name such as O'Neill is escaped in HTML.
    assert (
        escape(
            f"Early returns allowed by {world.officer.full_name or world.officer.email} of "
            f"{world.council.name} on {today:%-d %B %Y}: {REASON}"
        )
        in page
    )
    current.refresh_from_db()
    assert current.early_returns_reason == REASON
    assert current.early_returns_allowed_by == world.officer


def test_the_contract_page_links_officers_to_the_periods_page_only(client, world):
    client.force_login(world.officer)
    assert _url(world) in client.get(world.contract.get_absolute_url()).content.decode()
    client.force_login(world.supplier_contact)
    assert _url(world) not in client.get(world.contract.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("supplier_contact", 403),
        ("leader", 403),
        ("vcs_member", 404),
        ("outsider", 404),  # an officer of another body, in another place
        ("rival_contact", 404),
    ],
)
def test_nobody_else_may_allow_early_returns(client, world, who, status):
    current = _current(world)
    client.force_login(getattr(world, who))
    assert client.get(_url(world)).status_code == status
    response = client.post(_url(world), {"period": current.pk, "reason": REASON})
    assert response.status_code == status
    assert _unchanged(current)


def test_an_officer_of_another_buyer_in_the_same_place_may_not(client, world, make_member):
    from tests.people.factories import OrganisationFactory

    nhs = OrganisationFactory(name="Testborough NHS", kind="nhs_body", place=world.place)
    current = _current(world)
    client.force_login(make_member(nhs))
    response = client.post(_url(world), {"period": current.pk, "reason": REASON})
    assert response.status_code in (403, 404)
    assert _unchanged(current)


def test_anonymous_people_are_sent_to_sign_in_and_nothing_changes(client, world):
    current = _current(world)
    response = client.post(_url(world), {"period": current.pk, "reason": REASON})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login"))
    assert _unchanged(current)


@pytest.mark.parametrize("reason", ["", "   ", "\u200b\u200b", "\x00"])
def test_an_empty_reason_is_an_error_and_nothing_changes(client, world, reason):
    """Blank, or only invisible characters (dropped by the shared form rules)."""
    current = _current(world)
    client.force_login(world.officer)
    response = client.post(_url(world), {"period": current.pk, "reason": reason})
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Explain why returns may be made before the period ends" in page
    assert _unchanged(current)


def test_no_period_chosen_is_an_error(client, world):
    client.force_login(world.officer)
    response = client.post(_url(world), {"reason": REASON})
    assert "Choose the reporting period" in response.content.decode()
    assert all(_unchanged(p) for p in world.periods)


def test_an_ended_period_is_not_offered_and_a_forged_post_is_refused(client, world):
    ended = world.periods[0]
    assert ended.end < timezone.localdate()
    client.force_login(world.officer)
    page = client.get(_url(world)).content.decode()
    assert f'value="{ended.pk}"' not in page
    assert f'value="{_current(world).pk}"' in page

    response = client.post(_url(world), {"period": ended.pk, "reason": REASON})

    assert "Choose a reporting period that has not ended" in response.content.decode()
    assert _unchanged(ended)


def test_a_period_of_another_contract_is_refused(client, world):
    other = next(p for p in world.rival_contract.periods.all() if p.end >= timezone.localdate())
    client.force_login(world.officer)
    response = client.post(_url(world), {"period": other.pk, "reason": REASON})
    assert "Choose a reporting period that has not ended" in response.content.decode()
    assert _unchanged(other)


def test_a_period_already_open_is_not_offered_again(client, world):
    current = _current(world)
    client.force_login(world.officer)
    client.post(_url(world), {"period": current.pk, "reason": REASON})
    page = client.get(_url(world)).content.decode()
    assert f'value="{current.pk}"' not in page
    client.post(_url(world), {"period": current.pk, "reason": "Changed my mind"})
    current.refresh_from_db()
    assert current.early_returns_reason == REASON


def test_a_closed_contract_offers_no_control(client, world):
    current = _current(world)
    Contract.objects.filter(pk=world.contract.pk).update(stage=Contract.Stage.CLOSED)
    client.force_login(world.officer)
    page = client.get(_url(world)).content.decode()
    assert "Allow returns before this period ends" not in page
    client.post(_url(world), {"period": current.pk, "reason": REASON})
    assert _unchanged(current)


def test_after_allowing_the_supplier_reports_for_the_period_and_the_return_says_early(
    client, world
):
    current = _current(world)
    create = reverse("contracts:return_create", args=[world.commitment.pk])
    client.force_login(world.supplier_contact)
    assert f'value="{current.pk}"' not in client.get(create).content.decode()

    client.force_login(world.officer)
    client.post(_url(world), {"period": current.pk, "reason": REASON})

    client.force_login(world.supplier_contact)
    form = client.get(create).content.decode()
    assert f'value="{current.pk}"' in form
    assert f"{current} (early returns allowed: {REASON})" in form
    to_make = client.get(reverse("contracts:return_list")).content.decode()
    assert f"Report for {current}" in to_make and "Early returns allowed" in to_make
    response = client.post(
        create,
        {
            "period": current.pk,
            "quantity": "1",
            "evidence_text": "Delivered before the early end",
            "attested": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    delivery_return = world.commitment.returns.get(period=current)
    page = client.get(
        reverse("contracts:return_detail", args=[delivery_return.pk])
    ).content.decode()
    assert "Early return" in page and REASON in page
    assert delivery_return.quantity == Decimal("1")


def test_the_page_asks_a_fixed_number_of_queries(client, world):
    client.force_login(world.officer)
    client.get(_url(world))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(world)).status_code == 200
        return len(queries)

    before = count()
    # Every period still to end but the last is opened (by a colleague): the form still shows.
    still_to_end = [p for p in world.periods if p.end >= timezone.localdate()]
    assert len(still_to_end) >= 3
    for period in still_to_end[:-1]:
        ReportingPeriod.objects.filter(pk=period.pk).update(
            early_returns_reason="x",
            early_returns_allowed_by=world.colleague,
            early_returns_allowed_at=timezone.now(),
        )
    assert count() == before + 1  # the allowing officers' bodies, once for the whole page
