"""'Save and add another' for commitments (issue 17: "after saving a commitment there is no
'add another'")."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from contracts.models import Commitment
from tests.contracts.factories import CommitmentFactory
from tests.contracts.test_delivery_views import commitment_data

pytestmark = pytest.mark.django_db


def _add(client, world, **data):
    return client.post(
        reverse("contracts:commitment_create", kwargs={"pk": world.contract.pk}),
        commitment_data(world, **data),
    )


def test_save_and_add_another_saves_then_opens_a_new_form_with_the_same_where_and_when(
    client, world
):
    client.force_login(world.officer)
    form = client.get(reverse("contracts:commitment_create", kwargs={"pk": world.contract.pk}))
    assert 'name="another"' in form.content.decode()
    response = _add(client, world, another="Save and add another", area=world.neighbourhood.pk)
    saved = Commitment.objects.latest("pk")
    target = urlsplit(response["Location"])
    assert target.path == reverse("contracts:commitment_create", kwargs={"pk": world.contract.pk})
    assert parse_qs(target.query) == {"from": [str(saved.pk)]}
    page = client.get(response["Location"])
    assert f"Commitment saved: {saved.measure.name}. Add another" in page.content.decode()
    initial = page.context["form"].initial
    assert initial["area"] == world.neighbourhood.pk
    assert initial["objective"] == saved.objective_id
    assert initial["due_date"] == saved.due_date
    assert "measure" not in initial and "quantity" not in initial


def test_both_buttons_save_the_same_commitment(client, world):
    client.force_login(world.officer)
    _add(client, world)
    _add(client, world, another="Save and add another")
    first, second = Commitment.objects.order_by("-pk")[:2][::-1]
    fields = ("measure_id", "quantity", "area_id", "objective_id", "proxy_value", "due_date")
    assert [getattr(first, f) for f in fields] == [getattr(second, f) for f in fields]


def test_another_contracts_commitment_is_not_copied(client, world):
    elsewhere = CommitmentFactory(contract=world.rival_contract, area=world.neighbourhood)
    client.force_login(world.officer)
    url = reverse("contracts:commitment_create", kwargs={"pk": world.contract.pk})
    page = client.get(f"{url}?from={elsewhere.pk}")
    assert page.context["form"].initial.get("area") is None


def test_an_error_keeps_the_person_on_the_form(client, world):
    client.force_login(world.officer)
    before = Commitment.objects.count()
    response = _add(client, world, another="Save and add another", quantity="")
    assert response.status_code == 200 and Commitment.objects.count() == before
