import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.db.utils import OperationalError
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from people import services
from people.models import Invitation, LoginFailure, Membership, Organisation, User
from tests.conftest import PASSWORD
from tests.people.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.places.factories import AreaFactory

Role = Membership.Role
SIGN_IN = "/sign-in/"


def _title(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.DOTALL)
    assert match, "the page has a title"
    return match.group(1).strip()


def _signed_in_user_id(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def admin(council, make_member):
    return make_member(council, Role.ORG_ADMIN, email="admin@example.org", full_name="Ada Admin")


# Signing in and out -------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_in_page_renders(client):
    response = client.get(SIGN_IN)

    assert response.status_code == 200
    assertTemplateUsed(response, "people/sign_in.html")
    assert _title(response).startswith("Sign in")
    assertContains(response, "Sign in to Social value")


def test_a_correct_sign_in_goes_home(client, officer):
    response = client.post(SIGN_IN, {"username": "Officer@Example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in_user_id(client) == str(officer.pk)


def test_a_wrong_password_shows_the_error_summary(client, officer):
    response = client.post(SIGN_IN, {"username": "officer@example.org", "password": "wrong"})

    assert response.status_code == 200
    assertContains(response, "There is a problem")
    assertContains(response, "Enter a correct email address and password")
    assert _title(response).startswith("Error: ")
    assert _signed_in_user_id(client) is None
    assert LoginFailure.objects.filter(email="officer@example.org").count() == 1


def test_after_five_failures_even_the_right_password_is_refused(client, officer):
    for _ in range(5):
        client.post(SIGN_IN, {"username": "officer@example.org", "password": "wrong"})

    response = client.post(SIGN_IN, {"username": "officer@example.org", "password": PASSWORD})

    assert response.status_code == 200
    assertContains(
        response,
        "There have been too many attempts to sign in. Wait 15 minutes, then try again",
    )
    assertNotContains(response, "Enter a correct email address and password")
    assert _signed_in_user_id(client) is None
    assert "sessionid" not in response.cookies


def test_a_successful_sign_in_clears_earlier_failures(client, officer):
    for _ in range(4):
        client.post(SIGN_IN, {"username": "officer@example.org", "password": "wrong"})

    client.post(SIGN_IN, {"username": "officer@example.org", "password": PASSWORD})

    assert LoginFailure.objects.filter(email="officer@example.org").count() == 0


def test_an_inactive_account_cannot_sign_in(client, council, make_member):
    make_member(council, email="gone@example.org", is_active=False)

    response = client.post(SIGN_IN, {"username": "gone@example.org", "password": PASSWORD})

    assert response.status_code == 200
    assert _signed_in_user_id(client) is None


def test_sign_out_is_post_only(client, officer):
    client.force_login(officer)

    response = client.get("/sign-out/")

    assert response.status_code == 405
    assert _signed_in_user_id(client) == str(officer.pk)


def test_sign_out_signs_out(client, officer):
    client.force_login(officer)

    response = client.post("/sign-out/")

    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert _signed_in_user_id(client) is None
    assert client.get("/returns/").status_code == 302
    # The site root is now the public landing page, not the person's home.
    assert "landing.html" in [t.name for t in client.get("/").templates]


# Password reset -----------------------------------------------------------------------------


def test_password_reset_emails_an_existing_address(client, officer):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/password-reset/", {"email": "officer@example.org"}, follow=True)

    assert response.redirect_chain == [("/password-reset/sent/", 302)]
    assertContains(response, "Check your email")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["officer@example.org"]
    assert mail.outbox[0].subject == "Reset your password"


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_looks_the_same(client):
    response = client.post("/password-reset/", {"email": "nobody@example.org"}, follow=True)

    assert response.redirect_chain == [("/password-reset/sent/", 302)]
    assertContains(response, "Check your email")
    assertTemplateUsed(response, "people/password_reset_done.html")
    assert mail.outbox == []


def test_the_reset_link_lets_you_choose_a_new_password(client, officer, settings):
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/password-reset/", {"email": "officer@example.org"})
    # The link is at the service's configured address, not the request's host.
    site = re.escape(settings.SOCIALVALUE_SITE_URL)
    link = re.search(site + r"(/password-reset/\S+/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    assertContains(form_page, "Choose a new password")
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_url,
        {
            "new_password1": "a brand new long password",
            "new_password2": "a brand new long password",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/password-reset/complete/"
    officer.refresh_from_db()
    assert officer.check_password("a brand new long password") is True
    assert officer.check_password(PASSWORD) is False
    used = client.get(link.group(1), follow=True)
    assertContains(used, "This link has expired")
    assert used.context["validlink"] is False


# Password reset throttling ------------------------------------------------------------------

RESET = "/password-reset/"
RESET_THROTTLED = (
    "There have been too many requests to reset a password. Wait an hour, then try again"
)


def _ask_reset(client, email, ip="203.0.113.50"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_under_the_limit_sends_every_email(client, officer):
    for _ in range(services.PASSWORD_RESET_LIMIT):
        response = _ask_reset(client, "officer@example.org")
        assert response.status_code == 302
        assert response["Location"] == "/password-reset/sent/"

    assert len(mail.outbox) == services.PASSWORD_RESET_LIMIT


@pytest.mark.parametrize("email", ["officer@example.org", "nobody@example.org"])
def test_password_reset_over_the_email_limit_is_refused_and_sends_nothing(client, officer, email):
    """Refused the same way whether or not an account uses the address."""
    for _ in range(services.PASSWORD_RESET_LIMIT):
        _ask_reset(client, email)
    sent = len(mail.outbox)

    # From another connection too: the limit is on the email address.
    response = _ask_reset(client, email.upper(), ip="198.51.100.77")

    assert response.status_code == 200
    assertContains(response, "There is a problem")
    assertContains(response, RESET_THROTTLED)
    assert _title(response).startswith("Error: ")
    assert len(mail.outbox) == sent
    # In the form too, as a GOV.UK error message (not Bootstrap's unstyled alert markup).
    assertContains(
        response,
        '<p class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> '
        + RESET_THROTTLED,
    )
    assertNotContains(response, "alert-danger")
    assert LoginFailure.objects.filter(ip_address="198.51.100.77").count() == 0, (
        "a refused request is not counted"
    )


def test_another_email_address_is_not_affected_by_a_throttled_one(client, council, make_member):
    make_member(council, email="colleague@example.org")
    for _ in range(services.PASSWORD_RESET_LIMIT + 1):
        _ask_reset(client, "nobody@example.org")

    response = _ask_reset(client, "colleague@example.org")

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["colleague@example.org"]]


def test_password_reset_over_the_address_limit_is_refused_for_any_email(client, officer):
    for n in range(services.PASSWORD_RESET_ADDRESS_LIMIT):
        assert _ask_reset(client, f"guess{n}@example.org").status_code == 302

    response = _ask_reset(client, "officer@example.org")

    assertContains(response, RESET_THROTTLED)
    assert mail.outbox == []
    # Another connection is not affected.
    assert _ask_reset(client, "officer@example.org", ip="198.51.100.78").status_code == 302
    assert [m.to for m in mail.outbox] == [["officer@example.org"]]


def test_the_password_reset_limit_ends_when_the_window_passes(client, officer):
    for _ in range(services.PASSWORD_RESET_LIMIT):
        _ask_reset(client, "officer@example.org")
    assertContains(_ask_reset(client, "officer@example.org"), RESET_THROTTLED)

    LoginFailure.objects.update(
        at=timezone.now() - services.PASSWORD_RESET_WINDOW - timedelta(seconds=1)
    )
    response = _ask_reset(client, "officer@example.org")

    assert response.status_code == 302
    assert len(mail.outbox) == services.PASSWORD_RESET_LIMIT + 1


def test_password_reset_requests_do_not_lock_anyone_out_of_signing_in(client, officer):
    for _ in range(services.PASSWORD_RESET_LIMIT + 1):
        _ask_reset(client, "officer@example.org")

    response = client.post(
        SIGN_IN,
        {"username": "officer@example.org", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.50",
    )

    assert response.status_code == 302
    assert LoginFailure.objects.filter(kind=LoginFailure.Kind.PASSWORD_RESET).count() == (
        services.PASSWORD_RESET_LIMIT
    ), "signing in clears only sign-in failures"


# Login required by default ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/returns/", "/organisations/", "/places/"])
def test_anonymous_requests_go_to_sign_in(client, place, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next={path}"


def test_the_neighbourhood_page_is_public(client, place):
    """Issue 16: an area's page is for everyone (its sections show public records only;
    tests/security/test_neighbourhood_page.py)."""
    response = client.get(f"/areas/{AreaFactory(place=place).pk}/")

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/sign-in/", "Sign in to Social value"),
        ("/password-reset/", "Send reset link"),
        ("/accessibility/", "Accessibility statement for Social value"),
        ("/privacy/", '<h1 class="govuk-heading-l">Privacy notice</h1>'),
        ("/healthz", '"status": "ok"'),
    ],
)
def test_public_pages_answer_anonymously(client, path, text):
    response = client.get(path)

    assert response.status_code == 200
    assertContains(response, text)


# Organisations ------------------------------------------------------------------------------


def test_organisation_detail_shows_people_to_members(client, council, officer, make_member):
    make_member(council, Role.LEADER, full_name="Lee Leader")
    client.force_login(officer)

    response = client.get(council.get_absolute_url())

    assert response.status_code == 200
    assert response.context["may_see_members"] is True
    assertContains(response, '<h2 class="govuk-heading-m">People</h2>', html=True)
    assertContains(response, "Lee Leader")
    assert {m.user.full_name for m in response.context["memberships"]} >= {"Lee Leader"}


def test_organisation_detail_hides_people_from_non_members(client, council, make_member):
    make_member(council, Role.LEADER, full_name="Lee Leader")
    outsider = make_member(OrganisationFactory(kind=Organisation.Kind.VCS), Role.MEMBER)
    client.force_login(outsider)

    response = client.get(council.get_absolute_url())

    assert response.status_code == 200
    assert response.context["may_see_members"] is False
    assert "memberships" not in response.context
    assertContains(response, "Testborough Council")
    assertNotContains(response, ">People</h2>")
    assertNotContains(response, "Lee Leader")


def test_an_ended_membership_is_not_listed(client, council, admin, make_member):
    gone = make_member(council, Role.OFFICER, full_name="Gone Person")
    services.membership_end(membership=gone.memberships.get(), by=admin)
    client.force_login(admin)

    response = client.get(council.get_absolute_url())

    assertContains(response, "Ada Admin")
    assertNotContains(response, "Gone Person")


# Invitations --------------------------------------------------------------------------------


def _invite_url(organisation):
    return reverse("people:invitation_create", kwargs={"slug": organisation.slug})


def test_invite_page_for_an_org_admin(client, council, admin):
    client.force_login(admin)

    response = client.get(_invite_url(council))

    assert response.status_code == 200
    assertTemplateUsed(response, "people/invitation_form.html")
    assert [value for value, _ in response.context["form"].fields["role"].choices] == [
        Role.OFFICER,
        Role.LEADER,
        Role.ORG_ADMIN,
    ]


def test_invite_page_is_forbidden_to_an_officer(client, council, officer):
    client.force_login(officer)

    response = client.get(_invite_url(council))

    assert response.status_code == 403
    assertTemplateUsed(response, "errors/403.html")


def test_invite_page_sends_anonymous_people_to_sign_in(client, council):
    response = client.get(_invite_url(council))

    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next={_invite_url(council)}"


def test_invite_page_for_an_unknown_organisation_is_not_found(client, admin):
    client.force_login(admin)

    response = client.get("/organisations/no-such-organisation/invite/")

    assert response.status_code == 404


def test_inviting_with_a_bad_email_shows_the_error_and_sends_nothing(
    client, council, admin, django_capture_on_commit_callbacks
):
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _invite_url(council),
            {"full_name": "Nia Newcomer", "email": "not-an-email", "role": Role.OFFICER},
        )

    assert response.status_code == 200
    assertContains(response, "There is a problem")
    assertContains(response, "Enter an email address in the correct format, like name@example.org")
    assert _title(response).startswith("Error: ")
    assert mail.outbox == []
    assert Invitation.objects.count() == 0


def test_inviting_with_a_role_the_organisation_cannot_have_is_an_error(client, council, admin):
    client.force_login(admin)

    response = client.post(
        _invite_url(council),
        {"full_name": "Nia Newcomer", "email": "nia@example.org", "role": Role.MEMBER},
    )

    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert Invitation.objects.count() == 0


def test_inviting_an_existing_member_shows_the_services_message(client, council, admin, officer):
    client.force_login(admin)

    response = client.post(
        _invite_url(council),
        {"full_name": "Officer", "email": "officer@example.org", "role": Role.OFFICER},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "officer@example.org is already officer (procurement or commissioning) "
        "at Testborough Council"
    ]


def test_a_valid_invitation_sends_one_email_and_redirects(
    client, council, admin, django_capture_on_commit_callbacks, settings
):
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _invite_url(council),
            {"full_name": "Nia Newcomer", "email": "nia@example.org", "role": Role.LEADER},
        )

    assert response.status_code == 302
    assert response["Location"] == council.get_absolute_url()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nia@example.org"]
    # The link is at the service's configured address, never the request's host.
    assert f"{settings.SOCIALVALUE_SITE_URL}/invitations/" in mail.outbox[0].body
    assert "testserver" not in mail.outbox[0].body
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "nia@example.org",
        Role.LEADER,
        admin,
    )
    page = client.get(council.get_absolute_url())
    assertContains(page, "Invitation sent to nia@example.org")
    assertContains(page, "Nia Newcomer (nia@example.org)")


@pytest.mark.django_db
def test_a_bad_invitation_link_is_not_found(client):
    response = client.get("/invitations/not-a-real-token/")

    assert response.status_code == 404
    assertContains(response, "This invitation link does not work", status_code=404)


def _invitation_token(council, admin, email="nia@example.org", role=Role.OFFICER):
    tokens = []
    services.invitation_create(
        organisation=council,
        email=email,
        full_name="Nia Newcomer",
        role=role,
        by=admin,
        accept_url_for=lambda token: tokens.append(token) or token,
    )
    return tokens[0]


def test_a_newcomer_accepts_an_invitation_and_is_signed_in(client, council, admin):
    token = _invitation_token(council, admin)
    url = f"/invitations/{token}/"

    page = client.get(url)
    assert page.status_code == 200
    assert page.context["mode"] == "new_account"
    assertContains(page, "Join Testborough Council")

    response = client.post(
        url,
        {
            "full_name": "Nia Newcomer",
            "password1": "a long enough password",
            "password2": "a long enough password",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(email="nia@example.org")
    assert _signed_in_user_id(client) == str(user.pk)
    membership = user.memberships.get()
    assert (membership.organisation, membership.role, membership.is_current) == (
        council,
        Role.OFFICER,
        True,
    )
    home = client.get("/")
    assertContains(home, "You are now officer (procurement or commissioning) at Testborough")
    assert client.get(url).status_code == 404, "the link works once"


def test_mismatched_passwords_create_nothing(client, council, admin):
    token = _invitation_token(council, admin)
    users = User.objects.count()

    response = client.post(
        f"/invitations/{token}/",
        {"full_name": "Nia", "password1": "a long enough password", "password2": "different one"},
    )

    assert response.status_code == 200
    assertContains(response, "The two passwords do not match")
    assert User.objects.count() == users
    assert _signed_in_user_id(client) is None


def test_a_signed_in_invitee_confirms(client, council, admin):
    existing = UserFactory(email="nia@example.org")
    token = _invitation_token(council, admin, role=Role.LEADER)
    client.force_login(existing)

    assert client.get(f"/invitations/{token}/").context["mode"] == "confirm"
    response = client.post(f"/invitations/{token}/", {})

    assert response.status_code == 302
    assert existing.memberships.current().get().role == Role.LEADER


def test_a_different_signed_in_user_cannot_accept(client, council, admin, officer):
    token = _invitation_token(council, admin, role=Role.LEADER)
    client.force_login(officer)

    page = client.get(f"/invitations/{token}/")
    response = client.post(f"/invitations/{token}/", {})

    assert page.context["mode"] == "wrong_user"
    assertContains(page, "You are signed in as officer@example.org")
    assert response.status_code == 400
    assert not Membership.objects.filter(role=Role.LEADER).exists()


def test_home_page_counts_invitations_not_yet_accepted(client, council, admin):
    _invitation_token(council, admin, email="one@example.org")
    _invitation_token(council, admin, email="two@example.org")
    client.force_login(admin)

    response = client.get("/")

    assert response.context["pending_invitations"] == 2
    assertContains(response, "2 invitations to your organisation have not been accepted yet")


def test_home_page_does_not_count_expired_invitations(client, council, admin):
    _invitation_token(council, admin)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    client.force_login(admin)

    response = client.get("/")

    assert response.context["pending_invitations"] == 0
    assertNotContains(response, "not been accepted yet")


# Ending memberships -------------------------------------------------------------------------


def _end_url(membership):
    return reverse(
        "people:membership_end",
        kwargs={"slug": membership.organisation.slug, "pk": membership.pk},
    )


def test_an_admin_removes_someone(client, council, admin, officer):
    membership = officer.memberships.get()
    client.force_login(admin)

    assert client.get(_end_url(membership)).status_code == 200
    response = client.post(_end_url(membership), {})

    assert response.status_code == 302
    assert response["Location"] == council.get_absolute_url()
    membership.refresh_from_db()
    assert membership.ended_by == admin
    assert membership.ended_at is not None
    latest = membership.history.first()
    assert latest.history_user == admin, "the request's user is recorded in history"


def test_the_last_admin_cannot_be_removed(client, council, admin):
    membership = admin.memberships.get()
    client.force_login(admin)

    response = client.post(_end_url(membership), {})

    assert response.status_code == 200
    assertContains(response, "There is a problem")
    assertContains(
        response,
        "Ada Admin is the only admin of Testborough Council. "
        "Invite another admin before removing this one",
    )
    membership.refresh_from_db()
    assert membership.ended_at is None
    assert membership.history.count() == 1


def test_an_officer_cannot_remove_anyone(client, council, admin, officer):
    client.force_login(officer)

    response = client.post(_end_url(admin.memberships.get()), {})

    assert response.status_code == 403
    assert admin.memberships.get().ended_at is None


def test_an_admin_of_another_organisation_gets_not_found(client, council, officer, make_member):
    other = OrganisationFactory(kind=Organisation.Kind.VCS)
    outsider_admin = make_member(other, Role.ORG_ADMIN)
    client.force_login(outsider_admin)

    response = client.post(_end_url(officer.memberships.get()), {})

    assert response.status_code == 404
    assert officer.memberships.get().ended_at is None


# Error pages and the health check -----------------------------------------------------------


def test_a_missing_page_uses_the_404_template(client, officer):
    client.force_login(officer)

    response = client.get("/organisations/no-such-organisation/")

    assert response.status_code == 404
    assertTemplateUsed(response, "errors/404.html")
    assertContains(response, "Page not found", status_code=404)


@pytest.mark.django_db
def test_health_check_reports_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_health_check_reports_an_unreachable_database(client, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise OperationalError("could not connect to server")

    monkeypatch.setattr("socialvalue.views.connection", BrokenConnection())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "database": "unreachable"}


# Security headers and cookies ---------------------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get(SIGN_IN)

    csp = response["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", csp)
    assert nonce, csp
    assert f'<script nonce="{nonce.group(1)}">' in response.content.decode()
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_each_response_gets_a_fresh_nonce(client):
    first = client.get(SIGN_IN)["Content-Security-Policy"]
    second = client.get(SIGN_IN)["Content-Security-Policy"]

    assert first != second


def test_session_cookie_is_http_only_and_same_site_lax(client, officer):
    response = client.post(SIGN_IN, {"username": "officer@example.org", "password": PASSWORD})

    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


# Query counts -------------------------------------------------------------------------------


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def _organisations(n, place):
    for _ in range(n):
        org = OrganisationFactory(place=place)
        MembershipFactory.create_batch(2, organisation=org)


def test_organisation_list_costs_the_same_for_1_and_20(
    client, officer, place, django_assert_max_num_queries
):
    client.force_login(officer)
    few, response = _count_queries(client, "/organisations/")
    assert len(response.context["organisations"]) == 1

    _organisations(19, place)
    many, response = _count_queries(client, "/organisations/")

    assert len(response.context["organisations"]) == 20
    assert many == few
    with django_assert_max_num_queries(few):
        client.get("/organisations/")


def _memberships(user, n, place):
    for _ in range(n):
        org = OrganisationFactory(place=place)
        org.areas.add(AreaFactory(place=place), AreaFactory(place=place))
        MembershipFactory(organisation=org, user=user, role=Role.ORG_ADMIN)


def test_home_page_costs_the_same_for_1_and_5_memberships(client, place, django_assert_num_queries):
    user = UserFactory()
    _memberships(user, 1, place)
    client.force_login(user)
    few, response = _count_queries(client, "/")
    assert len(response.context["organisations"]) == 1

    _memberships(user, 4, place)
    many, response = _count_queries(client, "/")

    assert len(response.context["organisations"]) == 5
    assert many == few
    with django_assert_num_queries(few):
        client.get("/")
