"""Finding (Low): a VCS group could confirm support on a return that an officer had rejected.

Rule: a supported group confirms only a return that is submitted (waiting for verification) or
verified; never a queried or rejected one. Enforced in the rule `contracts.confirm_support` and
in `services.return_confirm_support`, so no page or import can record it.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts import services
from contracts.models import DeliveryReturn
from socialvalue.rules import allowed

pytestmark = pytest.mark.django_db


def _rejected(world):
    return services.return_reject(
        delivery_return=world.delivery_return,
        by=world.users["officer"],
        reason="Claimed on another contract",
    )


def _queried(world):
    return services.return_query(
        delivery_return=world.delivery_return, by=world.users["officer"], question="Which group?"
    )


def test_a_group_cannot_confirm_a_return_an_officer_rejected(client, world):
    """The reported attack: the rejected return is confirmed through the page."""
    rejected = _rejected(world)
    client.force_login(world.users["vcs_member"])
    url = reverse("contracts:return_confirm", kwargs={"pk": rejected.pk})

    response = client.post(url)

    assert response.status_code == 403
    rejected.refresh_from_db()
    assert rejected.group_confirmed_at is None


@pytest.mark.parametrize("make", [_rejected, _queried], ids=["rejected", "queried"])
def test_only_submitted_or_verified_returns_can_be_confirmed(world, make):
    r = make(world)
    group_member = world.users["vcs_member"]
    assert not allowed(group_member, "contracts.confirm_support", r)
    with pytest.raises(ValidationError, match="submitted or verified"):
        services.return_confirm_support(delivery_return=r, by=group_member)
    assert DeliveryReturn.objects.get(pk=r.pk).group_confirmed_at is None


def test_the_page_says_why_there_is_nothing_to_confirm(client, world):
    rejected = _rejected(world)
    client.force_login(world.users["vcs_member"])
    response = client.get(reverse("contracts:return_confirm", kwargs={"pk": rejected.pk}))
    assert response.status_code == 200
    assert "There is nothing to confirm" in response.content.decode()
    assert response.context["form"] is None


@pytest.mark.parametrize("verified", [False, True], ids=["submitted", "verified"])
def test_submitted_and_verified_returns_are_confirmed(client, world, verified):
    r = world.delivery_return
    if verified:
        r = services.return_verify(delivery_return=r, by=world.users["officer"])
    client.force_login(world.users["vcs_member"])
    response = client.post(reverse("contracts:return_confirm", kwargs={"pk": r.pk}))
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.group_confirmed_by == world.users["vcs_member"]
