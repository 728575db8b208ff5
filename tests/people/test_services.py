import hashlib
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone
from simple_history.models import HistoricalRecords

from people import services
from people.models import Invitation, LoginFailure, Membership, Organisation, User
from tests.people.factories import MembershipFactory, OrganisationFactory, UserFactory

Role = Membership.Role


@pytest.fixture
def admin(council, make_member):
    return make_member(council, Role.ORG_ADMIN, email="admin@example.org", full_name="Ada Admin")


@pytest.fixture
def invite(council, admin):
    """invite(**overrides) -> (invitation, token): an invitation to the council as officer."""

    def make(**overrides):
        tokens = []
        fields = {
            "organisation": council,
            "email": "newcomer@example.org",
            "full_name": "Nia Newcomer",
            "role": Role.OFFICER,
            "by": admin,
            "accept_url_for": lambda token: tokens.append(token) or f"https://sv.test/i/{token}/",
        }
        invitation = services.invitation_create(**{**fields, **overrides})
        return invitation, tokens[0]

    return make


def _counts():
    return (User.objects.count(), Membership.objects.count(), Membership.objects.current().count())


# invitation_create --------------------------------------------------------------------------


def test_invitation_email_is_sent_on_commit_with_the_link(
    invite, council, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation, token = invite(email="  Newcomer@Example.ORG ")
        assert mail.outbox == [], "nothing is sent before the transaction commits"

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newcomer@example.org"]
    assert message.subject == "You have been invited to join Testborough Council on Social value"
    assert f"https://sv.test/i/{token}/" in message.body
    assert "Hello Nia Newcomer" in message.body
    assert "Ada Admin has invited you to join Testborough Council" in message.body
    assert invitation.email == "newcomer@example.org"


def test_no_email_is_sent_if_the_transaction_does_not_commit(
    invite, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite()

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_only_a_hash_of_the_invitation_token_is_stored(invite):
    invitation, token = invite()

    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 40
    row = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert not any(token in str(value) for value in row.values())
    history = stored.history.values().first()
    assert "token_hash" not in history
    assert not any(token in str(value) for value in history.values())
    assert services.invitation_for_token(token) == stored
    assert services.invitation_for_token(stored.token_hash) is None


def test_invitation_expires_after_the_configured_days(invite):
    before = timezone.now()
    invitation, _ = invite()

    expected = before + timedelta(days=settings.INVITATION_VALID_DAYS)
    assert expected <= invitation.expires_at < expected + timedelta(minutes=1)
    assert invitation.is_pending is True


@pytest.mark.parametrize(
    ("kind", "role", "message"),
    [
        (
            Organisation.Kind.VCS,
            Role.OFFICER,
            "A voluntary or community group cannot have the role "
            "officer (procurement or commissioning)",
        ),
        (
            Organisation.Kind.SUPPLIER,
            Role.MEMBER,
            "A supplier cannot have the role member",
        ),
        (
            Organisation.Kind.LOCAL_AUTHORITY,
            Role.SUPPLIER_CONTACT,
            "A local authority cannot have the role supplier contact",
        ),
    ],
)
def test_a_role_the_organisation_kind_cannot_have_is_refused(
    invite, admin, kind, role, message, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(kind=kind)
    MembershipFactory(organisation=organisation, user=admin, role=Role.ORG_ADMIN)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as e:
        invite(organisation=organisation, role=role)

    assert e.value.message_dict == {"role": [message]}
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_inviting_someone_who_already_has_the_role_is_refused(invite, officer):
    with pytest.raises(ValidationError) as e:
        invite(email="Officer@Example.org", role=Role.OFFICER)

    assert e.value.message_dict == {
        "email": [
            "officer@example.org is already officer (procurement or commissioning) "
            "at Testborough Council"
        ]
    }
    assert Invitation.objects.count() == 0


def test_a_member_may_be_invited_to_a_second_role(invite, officer):
    invitation, _ = invite(email="officer@example.org", role=Role.LEADER)

    assert invitation.is_pending is True


def test_someone_whose_membership_ended_may_be_invited_again(invite, officer, admin):
    services.membership_end(membership=officer.memberships.get(), by=admin)

    invitation, _ = invite(email="officer@example.org", role=Role.OFFICER)

    assert invitation.is_pending is True


def test_reinviting_revokes_the_pending_invitation_for_the_same_role(invite):
    first, first_token = invite()
    other_role, _ = invite(role=Role.LEADER)

    second, _ = invite()

    first.refresh_from_db()
    other_role.refresh_from_db()
    assert first.revoked_at is not None
    assert first.is_pending is False
    assert second.is_pending is True
    assert other_role.revoked_at is None, "an invitation to another role is left alone"
    with pytest.raises(ValidationError, match="expired or has already been used"):
        services.invitation_accept(
            invitation=services.invitation_for_token(first_token),
            full_name="Nia Newcomer",
            password="a long enough password",
        )


# invitation_accept --------------------------------------------------------------------------


def test_a_newcomer_accepts_by_choosing_a_password(invite, council):
    invitation, _ = invite()

    membership = services.invitation_accept(
        invitation=invitation, full_name="  Nia N. Newcomer ", password="a long enough password"
    )

    user = User.objects.get(email="newcomer@example.org")
    assert membership.user == user
    assert membership.organisation == council
    assert membership.role == Role.OFFICER
    assert membership.is_current is True
    assert user.full_name == "Nia N. Newcomer"
    assert user.check_password("a long enough password") is True
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert invitation.accepted_at is not None
    assert invitation.is_pending is False


def test_a_newcomer_without_a_name_gets_the_invited_name(invite):
    invitation, _ = invite()

    membership = services.invitation_accept(invitation=invitation, password="a long password!")

    assert membership.user.full_name == "Nia Newcomer"


def test_an_existing_user_with_the_invited_email_accepts(invite, council):
    existing = UserFactory(email="newcomer@example.org")
    invitation, _ = invite(email="NEWCOMER@example.org", role=Role.LEADER)
    users_before = User.objects.count()

    membership = services.invitation_accept(invitation=invitation, user=existing)

    assert User.objects.count() == users_before
    assert membership.user == existing
    assert membership.role == Role.LEADER
    assert existing.memberships.current().get() == membership


def test_accepting_as_another_user_is_refused_and_changes_nothing(invite):
    invitation, _ = invite()
    someone_else = UserFactory(email="someone.else@example.org")
    before = _counts()

    with pytest.raises(ValidationError) as e:
        services.invitation_accept(invitation=invitation, user=someone_else)

    assert e.value.messages == [
        "This invitation is for newcomer@example.org. Sign out and sign in as that person"
    ]
    assert _counts() == before
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_newcomer_cannot_take_over_an_existing_account(invite):
    invitation, _ = invite()
    existing = UserFactory(email="newcomer@example.org")
    before = _counts()

    with pytest.raises(ValidationError) as e:
        services.invitation_accept(invitation=invitation, password="a long enough password")

    assert e.value.messages == [
        "An account already exists for this email address. Sign in to accept"
    ]
    assert _counts() == before
    existing.refresh_from_db()
    assert existing.check_password("a long enough password") is False


def _expire(invitation):
    invitation.expires_at = timezone.now() - timedelta(seconds=1)
    invitation.save()


def _revoke(invitation):
    invitation.revoked_at = timezone.now()
    invitation.save()


def _use(invitation):
    services.invitation_accept(invitation=invitation, password="a long enough password")


@pytest.mark.parametrize("spoil", [_expire, _revoke, _use], ids=["expired", "revoked", "used"])
def test_an_invitation_that_is_no_longer_pending_is_refused(invite, spoil):
    invitation, _ = invite()
    spoil(invitation)
    before = _counts()

    with pytest.raises(ValidationError) as e:
        services.invitation_accept(
            invitation=invitation, full_name="Someone", password="another long password"
        )

    assert e.value.messages == ["This invitation has expired or has already been used"]
    assert _counts() == before


# membership_end -----------------------------------------------------------------------------


def test_ending_a_membership_records_when_and_by_whom_and_keeps_the_row(officer, admin):
    membership = officer.memberships.get()
    total = Membership.objects.count()
    before = timezone.now()

    ended = services.membership_end(membership=membership, by=admin)

    membership.refresh_from_db()
    assert ended.pk == membership.pk
    assert membership.ended_by == admin
    assert before <= membership.ended_at <= timezone.now()
    assert membership.is_current is False
    assert Membership.objects.count() == total
    assert not Membership.objects.current().filter(user=officer).exists()


def test_the_last_admin_cannot_be_removed(council, admin):
    membership = admin.memberships.get()

    with pytest.raises(ValidationError) as e:
        services.membership_end(membership=membership, by=admin)

    assert e.value.messages == [
        "Ada Admin is the only admin of Testborough Council. "
        "Invite another admin before removing this one"
    ]
    membership.refresh_from_db()
    assert membership.ended_at is None


def test_an_ended_admin_does_not_count_as_another_admin(council, admin, make_member):
    former = make_member(council, Role.ORG_ADMIN)
    services.membership_end(membership=former.memberships.get(), by=admin)

    with pytest.raises(ValidationError, match="is the only admin of Testborough Council"):
        services.membership_end(membership=admin.memberships.get(), by=admin)


def test_an_admin_may_be_removed_while_another_remains(council, admin, make_member):
    make_member(council, Role.ORG_ADMIN)

    ended = services.membership_end(membership=admin.memberships.get(), by=admin)

    assert ended.ended_at is not None


def test_an_admin_who_is_also_an_officer_keeps_the_admin_check(council, admin):
    officer_role = MembershipFactory(organisation=council, user=admin, role=Role.OFFICER)

    services.membership_end(membership=officer_role, by=admin)

    with pytest.raises(ValidationError, match="only admin"):
        services.membership_end(membership=admin.memberships.get(role=Role.ORG_ADMIN), by=admin)


def test_an_ended_membership_cannot_be_ended_again(officer, admin):
    membership = officer.memberships.get()
    services.membership_end(membership=membership, by=admin)
    membership.refresh_from_db()
    first_end = membership.ended_at

    with pytest.raises(ValidationError) as e:
        services.membership_end(membership=membership, by=admin)

    assert e.value.messages == ["This membership has already ended"]
    membership.refresh_from_db()
    assert membership.ended_at == first_end


# History ------------------------------------------------------------------------------------


@pytest.fixture
def request_by():
    """request_by(user): make simple-history see a request by `user`, as its middleware does."""

    def set_user(user):
        request = RequestFactory().post("/")
        request.user = user
        HistoricalRecords.context.request = request

    yield set_user
    if hasattr(HistoricalRecords.context, "request"):
        del HistoricalRecords.context.request


def test_ending_a_membership_adds_a_history_row_naming_who_did_it(officer, admin, request_by):
    membership = officer.memberships.get()
    assert membership.history.count() == 1
    request_by(admin)

    services.membership_end(membership=membership, by=admin)

    assert membership.history.count() == 2
    latest = membership.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == admin
    assert latest.ended_by == admin
    assert latest.ended_at is not None
    assert membership.history.last().ended_at is None


def test_accepting_an_invitation_is_recorded_in_history(invite):
    invitation, _ = invite()

    membership = services.invitation_accept(
        invitation=invitation, password="a long enough password"
    )

    assert [h.history_type for h in invitation.history.all()] == ["~", "+"]
    assert membership.history.count() == 1
    assert membership.user.history.count() == 1


# Sign-in throttling -------------------------------------------------------------------------

LIMIT = settings.LOGIN_FAILURE_LIMIT


def _fail(email, ip, times=1, *, ago=timedelta(0)):
    LoginFailure.objects.bulk_create(
        LoginFailure(email=email, ip_address=ip, at=timezone.now() - ago) for _ in range(times)
    )


@pytest.mark.django_db
def test_the_limit_is_five_failures():
    assert LIMIT == 5


@pytest.mark.django_db
def test_an_email_is_throttled_at_the_limit_not_before():
    for _ in range(LIMIT - 1):
        services.login_failure_record(email="Someone@Example.org ", ip_address="10.0.0.1")

    assert services.login_is_throttled(email="someone@example.org", ip_address="10.0.0.1") is False

    services.login_failure_record(email="someone@example.org", ip_address="10.0.0.1")

    assert services.login_is_throttled(email="someone@example.org", ip_address="10.0.0.1") is True
    assert services.login_is_throttled(email=" SOMEONE@example.org", ip_address=None) is True
    assert (
        services.login_is_throttled(email="someone@example.org", ip_address="192.0.2.9") is True
    ), "the email is locked from any address"


@pytest.mark.django_db
def test_another_email_from_another_address_is_not_throttled():
    _fail("someone@example.org", "10.0.0.1", LIMIT)

    assert services.login_is_throttled(email="other@example.org", ip_address="192.0.2.9") is False


@pytest.mark.django_db
def test_an_address_is_throttled_at_four_times_the_limit():
    for n in range(4 * LIMIT - 1):
        _fail(f"person{n}@example.org", "10.0.0.1")

    assert services.login_is_throttled(email="fresh@example.org", ip_address="10.0.0.1") is False

    _fail("one.more@example.org", "10.0.0.1")

    assert services.login_is_throttled(email="fresh@example.org", ip_address="10.0.0.1") is True
    assert services.login_is_throttled(email="fresh@example.org", ip_address="10.0.0.2") is False


@pytest.mark.django_db
def test_failures_older_than_the_window_do_not_count():
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    _fail("someone@example.org", "10.0.0.1", 4 * LIMIT, ago=window + timedelta(seconds=5))
    _fail("someone@example.org", "10.0.0.1", LIMIT - 1, ago=window - timedelta(seconds=30))

    assert services.login_is_throttled(email="someone@example.org", ip_address="10.0.0.1") is False

    _fail("someone@example.org", "10.0.0.1")

    assert services.login_is_throttled(email="someone@example.org", ip_address="10.0.0.1") is True


@pytest.mark.django_db
def test_recording_a_failure_clears_out_failures_older_than_a_day():
    _fail("someone@example.org", "10.0.0.1", 3, ago=timedelta(days=1, minutes=1))
    _fail("someone@example.org", "10.0.0.1", 1, ago=timedelta(hours=23))

    services.login_failure_record(email="someone@example.org", ip_address="10.0.0.1")

    assert LoginFailure.objects.count() == 2


@pytest.mark.django_db
def test_clearing_failures_unlocks_only_that_email():
    _fail("someone@example.org", None, LIMIT)
    _fail("other@example.org", None, LIMIT)

    services.login_failures_clear(email="Someone@Example.org")

    assert services.login_is_throttled(email="someone@example.org", ip_address=None) is False
    assert services.login_is_throttled(email="other@example.org", ip_address=None) is True


# One throttle mechanism, each kind counted apart ------------------------------------------


@pytest.mark.django_db
def test_each_throttle_counts_only_its_own_kind():
    for n in range(4 * LIMIT):
        services.login_failure_record(email=f"person{n}@example.org", ip_address="10.0.0.1")
    services.REGISTRATION_THROTTLE.record(ip_address="10.0.0.2")

    assert services.login_is_throttled(email="fresh@example.org", ip_address="10.0.0.1") is True
    assert services.PASSWORD_RESET_THROTTLE.is_throttled(ip_address="10.0.0.1") is False
    assert services.registration_is_throttled(ip_address="10.0.0.1") is False
    assert services.login_is_throttled(email="", ip_address="10.0.0.2") is False


@pytest.mark.django_db
def test_a_password_reset_request_is_counted_until_the_limit_then_refused_uncounted():
    for _ in range(services.PASSWORD_RESET_LIMIT):
        services.password_reset_attempt(email=" Someone@Example.org", ip_address="10.0.0.1")

    with pytest.raises(ValidationError) as refused:
        services.password_reset_attempt(email="someone@example.org", ip_address="10.0.0.9")

    assert refused.value.code == "throttled"
    assert LoginFailure.objects.filter(
        kind=LoginFailure.Kind.PASSWORD_RESET, email="someone@example.org"
    ).count() == (services.PASSWORD_RESET_LIMIT)
    assert not LoginFailure.objects.filter(ip_address="10.0.0.9").exists()
    services.password_reset_attempt(email="other@example.org", ip_address="10.0.0.9")


@pytest.mark.django_db
def test_password_reset_requests_without_an_address_still_count_against_the_email():
    for _ in range(services.PASSWORD_RESET_LIMIT):
        services.password_reset_attempt(email="someone@example.org", ip_address=None)

    with pytest.raises(ValidationError):
        services.password_reset_attempt(email="someone@example.org", ip_address=None)
