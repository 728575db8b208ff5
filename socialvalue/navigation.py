"""The service navigation: each entry says who sees it, so every role sees only what it can use."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    visible: Callable[[object], bool]
    # The URL prefix that marks the item as the current section.
    prefix: str = ""


def _signed_in(user) -> bool:
    return user.is_authenticated


def _staff(user) -> bool:
    return user.is_authenticated and user.is_staff


def _anyone(user) -> bool:
    return True


def _works_with_contracts(user) -> bool:
    """Officers and leaders of public bodies, and suppliers' contacts."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    from people.models import Membership
    from people.permissions import organisation_ids

    Role = Membership.Role
    return bool(organisation_ids(user, Role.OFFICER, Role.LEADER, Role.SUPPLIER_CONTACT))


def _makes_returns(user) -> bool:
    """Suppliers' contacts report delivery; officers verify it."""
    if not user.is_authenticated:
        return False
    from people.models import Membership
    from people.permissions import organisation_ids

    Role = Membership.Role
    return user.is_superuser or bool(organisation_ids(user, Role.SUPPLIER_CONTACT, Role.OFFICER))


def _leads_or_officers(user) -> bool:
    """Leaders and officers of a place's public bodies see its dashboard."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    from people.models import Membership
    from people.permissions import place_ids

    return bool(place_ids(user, Membership.Role.LEADER, Membership.Role.OFFICER))


ITEMS: list[NavItem] = [
    NavItem("Home", "home", _signed_in),
    NavItem("Dashboard", "dashboards:dashboard", _leads_or_officers, "/dashboard/"),
    NavItem("Objectives", "objectives:objective_list", _anyone, "/objectives/"),
    NavItem("Proposals", "consultations:proposal_list", _anyone, "/proposals/"),
    NavItem("Consultations", "consultations:consultation_list", _anyone, "/consultations/"),
    NavItem("Needs", "needs:need_list", _anyone, "/needs/"),
    NavItem("Contracts", "contracts:contract_list", _works_with_contracts, "/contracts/"),
    NavItem("Returns", "contracts:return_list", _makes_returns, "/returns/"),
    NavItem("Frameworks", "objectives:framework_list", _signed_in, "/frameworks/"),
    NavItem("Transparency", "dashboards:transparency_index", _anyone, "/transparency/"),
    NavItem("Django admin", "admin:index", _staff, "/admin/"),
]


def items_for(user, path: str) -> list[dict]:
    items = []
    for item in ITEMS:
        if not item.visible(user):
            continue
        url = reverse(item.url_name)
        current = path == url if not item.prefix else path.startswith(item.prefix)
        items.append({"label": item.label, "url": url, "current": current})
    return items
