"""notify(): who is told, how they are emailed, and the pages where people read their
notifications and choose their emails."""

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from notifications import services
from notifications.models import Delivery, Email, Kind, Notification, Preference
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db


def _notify(recipients, may_see=lambda user: True, **fields):
    fields.setdefault("kind", Kind.RETURN_VERIFIED)
    fields.setdefault("title", "Your return was verified")
    fields.setdefault("path", "/returns/1/")
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.notify(recipients=recipients, may_see=may_see, **fields)


def test_only_people_who_may_see_the_object_are_told():
    allowed, refused, inactive = UserFactory(), UserFactory(), UserFactory(is_active=False)

    created = _notify([allowed, refused, inactive, allowed, None], may_see=lambda u: u == allowed)

    assert [n.recipient for n in created] == [allowed]
    assert Notification.objects.get().recipient == allowed
    assert [m.to for m in mail.outbox] == [[allowed.email]]


def test_emails_link_to_the_configured_address_not_the_request(settings):
    settings.SOCIALVALUE_SITE_URL = "https://socialvalue.example.gov.uk"
    _notify([UserFactory()])
    body = mail.outbox[0].body
    assert "https://socialvalue.example.gov.uk/returns/1/" in body
    assert "https://socialvalue.example.gov.uk/notifications/preferences/" in body
    assert "127.0.0.1" not in body and "testserver" not in body


def test_a_person_who_turned_a_kind_off_is_told_in_the_service_but_not_emailed():
    user = UserFactory()
    services.preferences_save(user=user, choices={Kind.RETURN_VERIFIED: Delivery.OFF})
    _notify([user])
    assert Notification.objects.filter(recipient=user).count() == 1
    assert mail.outbox == [] and Email.objects.count() == 0


def test_the_daily_digest_gathers_what_was_not_emailed_once():
    user, instant = UserFactory(), UserFactory()
    services.preferences_save(user=user, choices={Kind.RETURN_VERIFIED: Delivery.DIGEST})
    _notify([user, instant], title="First")
    _notify([user], title="Second")
    _notify([user], kind=Kind.RETURN_QUERIED, title="Queried: instantly by default")
    assert [m.to for m in mail.outbox] == [[instant.email], [user.email]]
    mail.outbox.clear()

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.digest_send() == 1
        assert services.digest_send() == 0  # nothing new

    (digest,) = mail.outbox
    assert digest.to == [user.email] and "First" in digest.body and "Second" in digest.body
    assert "Queried" not in digest.body


def test_a_reminder_key_tells_each_person_once():
    user = UserFactory()
    _notify([user], dedupe_key="due:1:2")
    _notify([user], dedupe_key="due:1:2")
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        services.notify(kind="nonsense", recipients=[], may_see=bool, title="x", path="/")


# Pages --------------------------------------------------------------------------------------


def _notes(user, n):
    Notification.objects.bulk_create(
        Notification(recipient=user, kind=Kind.RETURN_DUE, title=f"Return {i} due", path="/")
        for i in range(n)
    )


def test_the_list_shows_my_notifications_and_not_anyone_elses(client):
    me, other = UserFactory(), UserFactory()
    _notes(me, 2)
    Notification.objects.create(recipient=other, kind=Kind.RETURN_DUE, title="Secret", path="/")
    client.force_login(me)

    page = client.get(reverse("notifications:list"))

    assertContains(page, "Return 0 due")
    assertNotContains(page, "Secret")
    assert page.context["paginator"].count == 2


def test_the_list_costs_the_same_queries_for_1_and_20(client):
    me = UserFactory()
    client.force_login(me)
    counts = []
    for n in (1, 19):
        _notes(me, n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("notifications:list")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("url_name", ["notifications:list", "people:account"])
def test_the_header_count_is_one_query(client, url_name):
    me = UserFactory()
    _notes(me, 3)
    client.force_login(me)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse(url_name))
    assertContains(page, '<strong class="govuk-tag govuk-tag--blue app-unread-count">3')
    counting = [q["sql"] for q in queries if "notifications_notification" in q["sql"]]
    unread = [sql for sql in counting if "read_at" in sql and "COUNT" in sql.upper()]
    assert len(unread) == 1, counting


def test_opening_a_notification_marks_it_read_and_goes_to_it(client):
    me = UserFactory()
    note = Notification.objects.create(recipient=me, kind=Kind.RETURN_DUE, title="t", path="/x/")
    client.force_login(me)
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/x/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_another_persons_notification_is_not_found(client):
    note = Notification.objects.create(
        recipient=UserFactory(), kind=Kind.RETURN_DUE, title="t", path="/x/"
    )
    client.force_login(UserFactory())
    assert client.post(reverse("notifications:open", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_a_notification_never_redirects_off_the_site(client):
    me = UserFactory()
    note = Notification.objects.create(
        recipient=me, kind=Kind.RETURN_DUE, title="t", path="https://evil.example/"
    )
    client.force_login(me)
    assert client.post(reverse("notifications:open", args=[note.pk])).status_code == 404


def test_mark_all_read_touches_only_mine(client):
    me, other = UserFactory(), UserFactory()
    _notes(me, 2)
    _notes(other, 1)
    client.force_login(me)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1


def test_preferences_are_saved_per_kind(client):
    me = UserFactory()
    client.force_login(me)
    data = {kind.value: Delivery.INSTANTLY for kind in Kind}
    data[Kind.RETURN_DUE] = Delivery.DIGEST
    data[Kind.PROPOSAL_ANSWERED] = Delivery.OFF
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    saved = dict(Preference.objects.filter(user=me).values_list("kind", "delivery"))
    assert saved[Kind.RETURN_DUE] == Delivery.DIGEST and saved[Kind.PROPOSAL_ANSWERED] == "off"
    page = client.get(reverse("notifications:preferences"))
    assert page.context["form"][Kind.RETURN_DUE].initial == Delivery.DIGEST


def test_preferences_refuse_an_unknown_choice(client):
    me = UserFactory()
    client.force_login(me)
    data = {kind.value: Delivery.INSTANTLY for kind in Kind}
    data[Kind.RETURN_DUE] = "hourly"
    page = client.post(reverse("notifications:preferences"), data)
    assert page.status_code == 200 and page.context["form"].errors
    assert not Preference.objects.exists()
