"""Where a place requires two-factor sign-in, the record of the Act's duty is kept only by
people who entered a code in this session: signing off an assessment, verifying, rejecting or
querying a delivery return, letting returns be made before a period ends, administering an
organisation, and the Django admin. Anyone else is sent to set it up (or to enter a code), then
back.

The rule (`people.permissions.two_factor_required`) is tested as a role × requirement
matrix; the views as a matrix of protected page × state of the person's two-factor sign-in.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from people.models import Membership
from people.permissions import forget_roles, two_factor_required
from tests.people.factories import MembershipFactory, UserFactory
from tests.people.two_factor_helpers import sign_in_verified, turn_on
from tests.security.conftest import ROLES

pytestmark = pytest.mark.django_db
Role = Membership.Role

# Who must use two-factor sign-in, by whether their own place requires it and whether some
# other place does. Officers, leaders and organisation admins of the place's public bodies
# when it does; staff (the superuser here) once any place does; nobody else.
REQUIRED_WHEN_OUR_PLACE_ASKS = {
    "anonymous": False,
    "officer": True,
    "org_admin": True,
    "leader": True,
    "resident": False,
    "vcs_member": False,
    "supplier_contact": False,
    "other_org_officer": False,  # an officer of a council in a place that does not ask
    "superuser": True,
}


def _require(place, on=True):
    place.two_factor_required = on
    place.save()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("requirement", ["off everywhere", "our place", "the other place"])
def test_who_must_use_two_factor(world, role, requirement):
    if requirement == "our place":
        _require(world.place)
    elif requirement == "the other place":
        _require(world.elsewhere)
    user = world.users[role]
    from django.contrib.auth.models import AnonymousUser

    user = user or AnonymousUser()

    got = two_factor_required(user)

    if requirement == "off everywhere":
        wanted = False
    elif requirement == "our place":
        wanted = REQUIRED_WHEN_OUR_PLACE_ASKS[role]
    else:
        wanted = role in ("other_org_officer", "superuser")
    assert got is wanted


@pytest.mark.parametrize(
    ("role", "wanted"),
    [(Role.OFFICER, True), (Role.LEADER, True), (Role.ORG_ADMIN, True)],
)
def test_each_public_role_of_a_partner_body_in_the_place_must_too(world, role, wanted):
    _require(world.place)
    person = MembershipFactory(organisation=world.nhs, role=role).user
    assert two_factor_required(person) is wanted


def test_an_admin_of_a_community_group_or_supplier_need_not(world):
    _require(world.place)
    for organisation in (world.group, world.supplier):
        person = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN).user
        assert two_factor_required(person) is False


def test_a_former_officer_need_not(world):
    _require(world.place)
    membership = world.officer_membership
    membership.ended_at = membership.started_at
    membership.save()
    officer = world.users["officer"]
    forget_roles(officer)
    assert two_factor_required(officer) is False


# The protected pages ------------------------------------------------------------------------


def _protected(world):
    """(what, method, path, role that may do it, what they get once past the two-factor step).
    POSTs carry an empty form: enough to reach the view, which then says what is missing."""
    r = world.delivery_return.pk
    council = world.council.slug
    aliases = reverse("contracts:buyer_aliases", args=[council])
    return [
        (
            "sign off an assessment",
            "get",
            reverse("contracts:assessment_sign_off", args=[world.signing.pk, 1]),
            "officer",
            200,
        ),
        ("verify a return", "post", reverse("contracts:return_verify", args=[r]), "officer", 200),
        # Nothing ticked: back to the queue (302).
        ("verify several returns", "post", reverse("contracts:return_bulk_verify"), "officer", 302),
        ("reject a return", "post", reverse("contracts:return_reject", args=[r]), "officer", 200),
        ("query a return", "post", reverse("contracts:return_query", args=[r]), "officer", 200),
        (
            "allow returns before a period ends",
            "get",
            reverse("contracts:contract_periods", args=[world.contract.pk]),
            "officer",
            200,
        ),
        (
            "confirm or decline an exemption",
            "get",
            reverse("contracts:exemption_decide", args=[world.exempting.pk]),
            "officer",
            200,
        ),
        (
            "change an organisation",
            "get",
            reverse("people:organisation_update", args=[council]),
            "org_admin",
            200,
        ),
        (
            "confirm a supplier's SME or VCSE status",
            "get",
            reverse("people:organisation_status_confirm", args=[world.supplier.slug]),
            "officer",
            200,
        ),
        (
            "invite a member",
            "get",
            reverse("people:invitation_create", args=[council]),
            "org_admin",
            200,
        ),
        (
            "remove a member",
            "get",
            reverse("people:membership_end", args=[council, world.officer_membership.pk]),
            "org_admin",
            200,
        ),
        (
            "record a joint sign-off arrangement",
            "get",
            reverse("contracts:arrangement_create", args=[world.place.slug]),
            "org_admin",
            200,
        ),
        (
            "change a joint sign-off arrangement",
            "get",
            reverse("contracts:arrangement_update", args=[world.arrangement.pk]),
            "org_admin",
            200,
        ),
        (
            "end a joint sign-off arrangement",
            "get",
            reverse("contracts:arrangement_end", args=[world.arrangement.pk]),
            "org_admin",
            200,
        ),
        (
            "answer for a body added to an arrangement",
            "get",
            reverse("contracts:arrangement_answer", args=[world.pending_member.pk]),
            "superuser",
            200,
        ),
        (
            "set the body's threshold for the Act",
            "get",
            reverse("contracts:threshold_set", args=[council]),
            "org_admin",
            200,
        ),
        ("keep the names a body publishes under", "get", aliases, "org_admin", 200),
        (
            "stop recognising a published name",
            "post",
            reverse("contracts:buyer_alias_remove", args=[council, world.alias.pk]),
            "org_admin",
            302,  # back to the list of names
        ),
        ("use the Django admin", "get", "/admin/", "superuser", 200),
        ("change a place in the Django admin", "get", "/admin/places/place/", "superuser", 200),
    ]


PROTECTED_NAMES = [
    "sign off an assessment",
    "verify a return",
    "verify several returns",
    "reject a return",
    "query a return",
    "allow returns before a period ends",
    "confirm or decline an exemption",
    "change an organisation",
    "confirm a supplier's SME or VCSE status",
    "invite a member",
    "remove a member",
    "record a joint sign-off arrangement",
    "change a joint sign-off arrangement",
    "end a joint sign-off arrangement",
    "answer for a body added to an arrangement",
    "set the body's threshold for the Act",
    "keep the names a body publishes under",
    "stop recognising a published name",
    "use the Django admin",
    "change a place in the Django admin",
]

# Pages of officers and organisation admins that write, but neither sign off, decide on a
# return nor administer an organisation: no code is asked for. Importing notices creates and
# updates the importer's own bodies' contracts through the same services as the pages (an
# imported start is compliant only by an assessment someone signed off here, with a code).
NOT_ASKED_ON_PURPOSE = {
    "contracts:ocds_import": "imports notices through the contract services; signs nothing off",
    "contracts:ocds_review": "the same import, after its preview",
    "contracts:ocds_result": "shows a finished import; writes nothing",
}


def _find(world, what):
    return next(item for item in _protected(world) if item[0] == what)


def _sent_to_two_factor(response) -> bool:
    return response.status_code == 302 and urlsplit(response["Location"]).path in (
        reverse("people:two_factor_setup"),
        reverse("people:sign_in_code"),
    )


def _ask(client, method, path, referer="/returns/"):
    if method == "post":
        return client.post(path, {}, HTTP_REFERER=f"http://testserver{referer}")
    return client.get(path)


@pytest.mark.parametrize("what", PROTECTED_NAMES)
def test_without_two_factor_the_person_is_sent_to_set_it_up_then_back(client, world, what):
    _require(world.place)
    _, method, path, role, _ok = _find(world, what)
    client.force_login(world.users[role])

    response = _ask(client, method, path)

    assert response.status_code == 302, f"{what}: {response.status_code}"
    target = urlsplit(response["Location"])
    assert target.path == reverse("people:two_factor_setup")
    back = parse_qs(target.query)["next"][0]
    assert back == (path if method == "get" else "/returns/")


@pytest.mark.parametrize("what", PROTECTED_NAMES)
def test_with_two_factor_but_no_code_yet_the_person_enters_one(client, world, what):
    _require(world.place)
    _, method, path, role, _ok = _find(world, what)
    person = world.users[role]
    turn_on(person)
    client.force_login(person)

    response = _ask(client, method, path)

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("people:sign_in_code")


@pytest.mark.parametrize("what", PROTECTED_NAMES)
def test_with_a_code_entered_the_person_goes_on(client, world, what):
    _require(world.place)
    _, method, path, role, ok = _find(world, what)
    person = world.users[role]
    device, _ = turn_on(person)
    sign_in_verified(client, person, device)

    response = _ask(client, method, path)

    assert response.status_code == ok, f"{what}: {response.status_code}"
    assert not _sent_to_two_factor(response), what


@pytest.mark.parametrize("what", PROTECTED_NAMES)
def test_where_it_is_not_required_nobody_is_asked(client, world, what):
    _, method, path, role, ok = _find(world, what)
    client.force_login(world.users[role])

    response = _ask(client, method, path)

    assert response.status_code == ok and not _sent_to_two_factor(response), what


def test_the_list_above_is_every_protected_page(world):
    assert [item[0] for item in _protected(world)] == PROTECTED_NAMES


def _asks_two_factor(view_class) -> bool:
    """`TwoFactorRequiredMixin` among its bases, or its dispatch wrapped by
    `two_factor_required_view` (both carry `asks_two_factor`)."""
    return bool(
        getattr(view_class, "asks_two_factor", False)
        or getattr(view_class.dispatch, "asks_two_factor", False)
    )


def test_every_page_that_asks_is_tested_above_and_every_page_above_asks(world):
    """Read from the code: a view that asks for a code and is not in the matrix above, or a
    page in the matrix whose view no longer asks, fails here. So does a page decided against
    (`NOT_ASKED_ON_PURPOSE`) that starts asking, or stops existing."""
    from django.urls import resolve

    from tests.security.served import served_patterns

    served = {p.name: p for p in served_patterns() if p.view_class is not None}
    asking = {name for name, p in served.items() if _asks_two_factor(p.view_class)}
    listed = {resolve(path).view_name for _what, _m, path, _r, _ok in _protected(world)} - {
        "admin:index",
        "admin:places_place_changelist",
    }
    assert asking == listed
    assert set(NOT_ASKED_ON_PURPOSE) <= set(served)
    assert not asking & set(NOT_ASKED_ON_PURPOSE)


def test_asking_for_two_factor_never_lets_a_forbidden_person_through(client, world):
    """Someone who may not verify returns, with a code entered, is still refused."""
    _require(world.place)
    leader = world.users["leader"]
    device, _ = turn_on(leader)
    sign_in_verified(client, leader, device)
    _, method, path, _, _ = _find(world, "verify a return")

    assert _ask(client, method, path).status_code == 403


def test_a_person_sent_to_set_it_up_comes_back_to_the_page(client, world):
    """End to end: sent from the sign-off page to set up, enters the first code, sees the
    recovery codes, and the button takes them back to sign off."""
    from people import two_factor
    from tests.people.two_factor_helpers import code_for

    _require(world.place)
    officer = world.users["officer"]
    client.force_login(officer)
    _, _, path, _, _ = _find(world, "sign off an assessment")

    setup = client.get(path, follow=True)
    assert setup.templates[0].name == "people/two_factor_setup.html"
    assert "Your organisation requires two-factor sign-in" in setup.content.decode()
    key = client.session[two_factor.SETUP_KEY]
    codes = client.post(setup.request["PATH_INFO"] + f"?next={path}", {"code": code_for(key)})
    page = client.get(codes["Location"])
    assert f'href="{path}"' in page.content.decode()
    assert client.get(path).status_code == 200


def test_staff_are_asked_in_the_admin_once_any_place_requires_it(client, world):
    root = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
    client.force_login(root)
    assert client.get("/admin/").status_code == 200

    _require(world.elsewhere)

    assert client.get("/admin/").status_code == 302
