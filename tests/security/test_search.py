"""Site search never shows a record to someone who may not open it (issue 17).

For every role of the seeded world and every record of every searchable type, the record's
title is searched for: it must be found exactly when the app's own visibility queryset lets
the person see it, and every result the search shows must open for that person (never a 404
or a 403). Anonymous people find only public records."""

import re

import pytest
from django.urls import reverse

from socialvalue import search
from tests.security.conftest import ROLES

pytestmark = pytest.mark.django_db
RESULT = re.compile(r'<li data-item><a class="[^"]*" href="([^"]+)"')


def _sign_in(client, world, role):
    client.logout()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return user


def _found(client, source, text) -> set[str]:
    response = client.get(reverse("search"), {"q": text, "type": source.name})
    assert response.status_code == 200
    return set(RESULT.findall(response.content.decode()))


@pytest.mark.parametrize("role", ROLES)
def test_search_finds_exactly_what_the_person_may_see_and_every_result_opens(client, world, role):
    from django.contrib.auth.models import AnonymousUser

    user = _sign_in(client, world, role) or AnonymousUser()
    checked_hidden = checked_found = 0
    for source in search.sources():
        model = source.visible_to(AnonymousUser()).model
        visible = set(source.visible_to(user).values_list("pk", flat=True))
        for record in model._default_manager.all():
            found = _found(client, source, record.title)
            url = record.get_absolute_url()
            if record.pk in visible:
                assert url in found, (role, source.name, record.title)
                checked_found += 1
            else:
                assert url not in found, (role, source.name, record.title)
                checked_hidden += 1
            for result in found:
                status = client.get(result).status_code
                assert status == 200, (role, result, status)
    assert checked_found and (checked_hidden or role == "superuser")


def test_anonymous_people_find_no_contract_and_no_draft(client, world):
    page = client.get(reverse("search"), {"q": "draft"}).content.decode()
    assert "A draft objective" not in page
    assert world.draft_proposal.title not in page
    assert client.get(reverse("search"), {"q": "C-ACME", "type": "contracts"}).status_code == 200
    assert (
        world.contract.get_absolute_url()
        not in client.get(reverse("search"), {"q": world.contract.title}).content.decode()
    )
