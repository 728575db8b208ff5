"""The leader's first screen agrees with the targets table below it (issue 14: one rule per
status). Found from outside: an objective closed as achieved was listed as "behind" at the top of
the dashboard while its own row, lower down, said "Closed as achieved"."""

import pytest
from django.core.management import call_command

from people.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader_dashboard(client, settings):
    settings.DEBUG = True
    call_command("load_demo", "--no-logins", stdout=None)
    client.force_login(User.objects.get(email="leader@demo.test"))
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return response


def test_objectives_behind_on_the_first_screen_are_exactly_the_targets_behind(leader_dashboard):
    context = leader_dashboard.context
    listed = context["targets_behind"]
    behind = [row for row in context["targets"] if row.status == "behind"]
    assert listed, "the demo has targets behind; the list must show some"
    assert listed == behind[: len(listed)]
    closed = [row for row in context["targets"] if row.status == "closed"]
    assert closed, "the demo has an objective closed as achieved short of its target"
    shown = leader_dashboard.content.decode()
    first_screen = shown[shown.index("Needing a decision") : shown.index("Contracts not compliant")]
    for row in closed:
        assert row.objective__title not in first_screen
