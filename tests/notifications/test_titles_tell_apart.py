"""A person's notifications can be told apart by their titles (found from outside: a VCS group's
list held fifteen lines reading "… is asked to confirm the support it received", and a supplier's
reminders named only the contract, once per commitment)."""

from collections import defaultdict

import pytest
from django.core.management import call_command

from contracts import notices
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_no_person_has_two_notifications_about_different_things_with_the_same_title(settings):
    settings.DEBUG = True
    call_command("load_demo", "--no-logins", stdout=None)
    notices.returns_reminders()  # the scheduled reminders, for the demo's open periods
    assert Notification.objects.count() > 20, "the demo tells people things"
    paths_by_title = defaultdict(set)
    for recipient, kind, title, path, key in Notification.objects.values_list(
        "recipient", "kind", "title", "path", "dedupe_key"
    ):
        paths_by_title[(recipient, kind, title)].add(path + "#" + key)
    repeated = {k: v for k, v in paths_by_title.items() if len(v) > 1}
    assert not repeated, repeated
