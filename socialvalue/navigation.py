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


ITEMS: list[NavItem] = [
    NavItem("Home", "home", _signed_in),
    NavItem("Objectives", "objectives:objective_list", _anyone, "/objectives/"),
    NavItem("Frameworks", "objectives:framework_list", _signed_in, "/frameworks/"),
    NavItem("Organisations", "people:organisation_list", _signed_in, "/organisations/"),
    NavItem("Places and areas", "places:place_list", _signed_in, "/places/"),
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
