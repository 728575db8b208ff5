"""The one-button action base (`socialvalue.view_bases.ServiceActionMixin`): a service's refusal
is a message on the page the button was on, never an error page, and changes nothing; success
is a message and a redirect to what the service returned."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.views import View

from socialvalue.view_bases import ServiceActionMixin


class Thing:
    def __init__(self, url):
        self.url = url

    def get_absolute_url(self):
        return self.url


def make_view(outcome):
    class Action(ServiceActionMixin, View):
        def acted_on(self):
            return Thing("/things/1/")

        def perform(self):
            if isinstance(outcome, Exception):
                raise outcome
            return outcome

        def success_message(self, result):
            return "Done"

    return Action.as_view()


def post():
    request = RequestFactory().post("/things/1/act/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_refusal_is_a_message_on_the_page_the_button_was_on():
    request = post()
    response = make_view(ValidationError("Not now"))(request)
    assert response.status_code == 302 and response.url == "/things/1/"
    assert [str(m) for m in get_messages(request)] == ["Not now"]


def test_success_goes_to_the_result_with_its_message():
    request = post()
    response = make_view(Thing("/things/2/"))(request)
    assert response.url == "/things/2/"
    assert [str(m) for m in get_messages(request)] == ["Done"]


def test_only_post_is_allowed():
    request = RequestFactory().get("/things/1/act/")
    assert make_view(Thing("/x/"))(request).status_code == 405


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_writes_are_refused(method):
    request = getattr(RequestFactory(), method)("/things/1/act/")
    assert make_view(Thing("/x/"))(request).status_code == 405
