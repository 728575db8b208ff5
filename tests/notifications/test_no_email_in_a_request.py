"""The guard in tests/conftest.py fails any test that sends an email inside a web request;
this holds the guard itself to account, and checks that no code sends email but the outbox
task."""

import pathlib
import re

import pytest
from django.core.mail import send_mail
from django.http import HttpResponse
from django.urls import path

pytestmark = pytest.mark.django_db


def _sends_in_the_request(request):
    send_mail("Hello", "Body", None, ["someone@example.org"])
    return HttpResponse("sent")


urlpatterns = [path("sends/", _sends_in_the_request)]


@pytest.mark.urls(__name__)
def test_an_email_sent_inside_a_request_fails_the_test(client, admin_user):
    client.force_login(admin_user)
    with pytest.raises(pytest.fail.Exception, match="inside the web request for /sends/"):
        client.get("/sends/")


ROOT = pathlib.Path(__file__).resolve().parents[2]
SENDING = re.compile(
    r"\b(send_mail|send_mass_mail|mail_admins|mail_managers|EmailMessage|"
    r"EmailMultiAlternatives|get_connection)\b"
)


def test_only_the_outbox_task_sends_email():
    """Every email goes through notifications.services.queue_email; only the send_email task
    talks to the mail server."""
    offenders = []
    for file in ROOT.glob("*/**/*.py"):
        relative = file.relative_to(ROOT).as_posix()
        if (
            relative.startswith((".venv/", "tests/", "var/", "scripts/"))
            or "/migrations/" in relative
        ):
            continue
        # Overriding Django's own sender (PasswordResetForm.send_mail) to queue is allowed.
        text = file.read_text(encoding="utf-8").replace("def send_mail(", "def _overridden(")
        if SENDING.search(text):
            offenders.append(relative)
    assert offenders == ["notifications/tasks.py"]
