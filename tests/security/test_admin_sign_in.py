"""The Django admin's sign-in is the service's own sign-in, so its throttle, its lock and its
two-factor step hold there too (issue 13, Medium 4: twelve wrong passwords for a superuser at
/admin/login/, then the right one, were all answered)."""

import pytest
from django.contrib.auth import SESSION_KEY

from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
ADMIN_LOGIN = "/admin/login/"
THROTTLED = "There have been too many attempts to sign in"


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.org", is_staff=True, is_superuser=True)


def _post(client, path, password, next_url="/admin/"):
    return client.post(
        f"{path}?next={next_url}", {"username": "root@example.org", "password": password}
    )


def test_twelve_wrong_passwords_at_the_admin_sign_in_lock_it(client, superuser):
    for _ in range(12):
        _post(client, ADMIN_LOGIN, "wrong password")

    response = _post(client, ADMIN_LOGIN, PASSWORD)

    assert SESSION_KEY not in client.session
    assert response.status_code == 200
    assert THROTTLED in response.content.decode()


def test_an_account_locked_at_the_service_sign_in_is_locked_at_the_admin_sign_in(client, superuser):
    for _ in range(5):
        _post(client, "/sign-in/", "wrong password")

    response = _post(client, ADMIN_LOGIN, PASSWORD)

    assert SESSION_KEY not in client.session
    assert THROTTLED in response.content.decode()


def test_failures_at_the_admin_sign_in_lock_the_service_sign_in(client, superuser):
    for _ in range(5):
        _post(client, ADMIN_LOGIN, "wrong password")

    response = _post(client, "/sign-in/", PASSWORD, next_url="/")

    assert SESSION_KEY not in client.session
    assert THROTTLED in response.content.decode()


def test_the_admin_sign_in_signs_a_superuser_in_and_goes_on_to_the_admin(client, superuser):
    response = _post(client, ADMIN_LOGIN, PASSWORD)

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.session[SESSION_KEY] == str(superuser.pk)
    assert client.get("/admin/").status_code == 200


def test_the_admin_sign_in_page_is_the_service_sign_in_page(client):
    response = client.get(ADMIN_LOGIN)

    assert response.status_code == 200
    assert response.templates[0].name == "people/sign_in.html"


def test_a_signed_in_person_who_is_not_staff_is_refused_not_sent_round_in_circles(client):
    client.force_login(UserFactory(email="resident@example.org"))

    assert client.get("/admin/").status_code == 302
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 403
