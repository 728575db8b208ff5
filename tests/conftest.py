import pytest

from people.models import Membership, Organisation
from tests.people.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.places.factories import AreaFactory, PlaceFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def place(db):
    return PlaceFactory(name="Testborough", slug="testborough")


@pytest.fixture
def council(place):
    return OrganisationFactory(
        name="Testborough Council", kind=Organisation.Kind.LOCAL_AUTHORITY, place=place
    )


@pytest.fixture
def make_member(db):
    """make_member(organisation, role) -> a user holding that role there."""

    def make(organisation, role=Membership.Role.OFFICER, **user_fields):
        return MembershipFactory(
            organisation=organisation, role=role, user=UserFactory(**user_fields)
        ).user

    return make


@pytest.fixture
def officer(council, make_member):
    return make_member(council, Membership.Role.OFFICER, email="officer@example.org")


@pytest.fixture
def area_factory(db):
    return AreaFactory


@pytest.fixture(autouse=True)
def no_email_inside_a_web_request(monkeypatch):
    """Fail any test in which an email is sent while a web request is being handled: every
    email goes through the outbox and is sent by the worker (notifications.tasks.send_email),
    so no page waits for, or fails with, the mail server."""
    import threading

    from django.core.handlers.base import BaseHandler
    from django.core.mail.backends import locmem

    # Per thread: the live server of the browser tests handles requests in threads of its own.
    state = threading.local()

    class Inside:
        def __bool__(self):
            return bool(getattr(state, "paths", None))

        def append(self, path):
            state.paths = [*getattr(state, "paths", []), path]

        def pop(self):
            state.paths = state.paths[:-1]

        def __getitem__(self, index):
            return state.paths[index]

    inside = Inside()
    get_response = BaseHandler.get_response
    send_messages = locmem.EmailBackend.send_messages

    def handling(self, request):
        inside.append(request.path)
        try:
            return get_response(self, request)
        finally:
            inside.pop()

    def sending(self, messages):
        if inside:
            pytest.fail(
                f"An email was sent inside the web request for {inside[-1]}: queue it with "
                "notifications.services.queue_email (the worker sends it)"
            )
        return send_messages(self, messages)

    monkeypatch.setattr(BaseHandler, "get_response", handling)
    monkeypatch.setattr(locmem.EmailBackend, "send_messages", sending)
