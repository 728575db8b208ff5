"""Who may do what with people, organisations and memberships.

Roles are held through current memberships. `roles(user)` reads them once per request and keeps
them on the user object, so a page that asks many questions costs one query.
"""

from collections import defaultdict

from socialvalue.rules import rule

from .models import Membership, Organisation

Role = Membership.Role


def _role_map(user) -> dict[int, set[str]]:
    cached = getattr(user, "_sv_roles", None)
    if cached is None:
        cached = defaultdict(set)
        rows = (
            Membership.objects.current()
            .filter(user=user, organisation__archived_at__isnull=True)
            .values_list("organisation_id", "role", "organisation__kind", "organisation__place_id")
        )
        places: dict[int, set[str]] = defaultdict(set)
        for org_id, role, kind, place_id in rows:
            cached[org_id].add(role)
            if kind in Organisation.PUBLIC_BODY_KINDS and place_id:
                places[place_id].add(role)
        user._sv_roles = cached
        user._sv_place_roles = places
    return cached


def roles_in(user, organisation) -> set[str]:
    if not user.is_authenticated:
        return set()
    return _role_map(user).get(organisation.pk, set())


def organisation_ids(user, *roles: str) -> set[int]:
    """The organisations where the user holds any of `roles` (any role when none given)."""
    if not user.is_authenticated:
        return set()
    return {org_id for org_id, held in _role_map(user).items() if not roles or held & set(roles)}


def place_roles(user, place_id: int | None) -> set[str]:
    """Roles the user holds in public bodies serving the place."""
    if not user.is_authenticated or place_id is None:
        return set()
    _role_map(user)
    return user._sv_place_roles.get(place_id, set())


def place_ids(user, *roles: str) -> set[int]:
    if not user.is_authenticated:
        return set()
    _role_map(user)
    return {pid for pid, held in user._sv_place_roles.items() if not roles or held & set(roles)}


def served_by(user, *roles: str):
    """The places whose public bodies this person holds any of `roles` in (any role when none
    given): every place for a superuser, none for anyone signed out. The one way to ask "which
    places is this person an officer (or leader...) of?", from the roles read once per request.
    """
    from places.models import Place

    if user.is_authenticated and user.is_superuser:
        return Place.objects.all()
    return Place.objects.filter(pk__in=place_ids(user, *roles))


def organisations_of(user, *roles: str):
    """The organisations where this person holds any of `roles` (any role when none given):
    every organisation for a superuser, none for anyone signed out. The organisation twin of
    `served_by`, so "which bodies may this officer choose?" is asked one way; narrow it further
    with the queryset's own methods (`.current().public_bodies()`)."""
    if user.is_authenticated and user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=organisation_ids(user, *roles))


def administered_ids(user) -> set[int]:
    """The organisations this person is an admin of (their own, even for a superuser): whose
    members and invitations they look after."""
    return organisation_ids(user, Role.ORG_ADMIN)


def place_to_work_in(user, slug: str | None = None):
    """The place a person posts a proposal or a need in: one their organisations work in
    (as members of its bodies, or through the areas they cover), or any place when they have
    none; `slug` (from `?place=`) chooses among them. None when there is no such place."""
    from django.db.models import Q

    from places.models import Place

    ids = organisation_ids(user)
    places = Place.objects.filter(
        Q(organisations__pk__in=ids) | Q(areas__organisations__pk__in=ids)
    ).distinct()
    if not places.exists():
        places = Place.objects.all()
    return places.filter(slug=slug).first() if slug else places.order_by("name").first()


def forget_roles(user) -> None:
    """Call after changing a user's memberships within one request."""
    for attr in ("_sv_roles", "_sv_place_roles", "_sv_two_factor_required"):
        if hasattr(user, attr):
            delattr(user, attr)


def two_factor_required(user) -> bool:
    """Whether this person must confirm a code from an authenticator app (two-factor sign-in)
    before acting on the record of the Act's duty: signing off an assessment, deciding on a
    delivery return, administering an organisation, using the Django admin.

    Required of officers, leaders and organisation admins of the public bodies of a place that
    asks for it (`Place.two_factor_required`), and of staff and superusers (who reach every
    place, and the Django admin) as soon as any place asks for it. Not a permission: it never
    lets anyone do anything, it only asks for more proof of who they are. Read once per request
    and kept on the user object."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_sv_two_factor_required", None)
    if cached is None:
        from places.models import Place

        requiring = Place.objects.filter(two_factor_required=True)
        if user.is_staff or user.is_superuser:
            cached = requiring.exists()
        else:
            ids = place_ids(user, Role.OFFICER, Role.LEADER, Role.ORG_ADMIN)
            cached = bool(ids) and requiring.filter(pk__in=ids).exists()
        user._sv_two_factor_required = cached
    return cached


@rule("people.view_organisation")
def can_view_organisation(user, organisation) -> bool:
    return True


@rule("people.view_members")
def can_view_members(user, organisation) -> bool:
    return bool(roles_in(user, organisation))


@rule("people.change_organisation")
def can_change_organisation(user, organisation) -> bool:
    return Role.ORG_ADMIN in roles_in(user, organisation)


@rule("people.invite_member")
def can_invite_member(user, organisation) -> bool:
    return organisation.archived_at is None and Role.ORG_ADMIN in roles_in(user, organisation)


@rule("people.end_membership")
def can_end_membership(user, membership) -> bool:
    return membership.is_current and Role.ORG_ADMIN in roles_in(user, membership.organisation)


@rule("people.confirm_status")
def can_confirm_status(user, organisation) -> bool:
    """An officer of a public body confirms a supplier's or social enterprise's SME and VCSE
    status (suppliers serve many places, so any public body's officer), never for an
    organisation they belong to; there must be something declared to confirm."""
    return (
        not organisation.is_public_body
        and organisation.has_declared_status
        and bool(place_ids(user, Role.OFFICER))
        and not roles_in(user, organisation)
    )


@rule("people.register_organisation")
def can_register_organisation(user, obj=None) -> bool:
    """Officers of public bodies may add the community groups and suppliers they work with."""
    return bool(place_ids(user, Role.OFFICER, Role.ORG_ADMIN))


@rule("places.manage_areas")
def can_manage_areas(user, place) -> bool:
    """Officers and organisation admins of a public body serving the place keep its areas."""
    return bool(place_roles(user, getattr(place, "pk", None)) & {Role.OFFICER, Role.ORG_ADMIN})


# --- What the service navigation shows (socialvalue.navigation) -------------------------------


@rule("people.works_with_contracts")
def works_with_contracts(user, obj=None) -> bool:
    """Officers and leaders of public bodies, and suppliers' contacts."""
    return bool(organisation_ids(user, Role.OFFICER, Role.LEADER, Role.SUPPLIER_CONTACT))


@rule("people.makes_returns")
def makes_returns(user, obj=None) -> bool:
    """Suppliers' contacts report delivery; officers verify it."""
    return bool(organisation_ids(user, Role.SUPPLIER_CONTACT, Role.OFFICER))


@rule("people.leads_or_serves_a_place")
def leads_or_serves_a_place(user, obj=None) -> bool:
    """Leaders and officers of a place's public bodies (they see its dashboard)."""
    return bool(place_ids(user, Role.LEADER, Role.OFFICER))
