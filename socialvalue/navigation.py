"""The service navigation: each entry names the rule that decides who sees it
(`socialvalue.rules`), so every role sees only what it can use."""

from dataclasses import dataclass

from django.urls import reverse

from .rules import allowed


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    rule: str
    # The URL prefix that marks the item as the current section.
    prefix: str = ""


ITEMS: list[NavItem] = [
    NavItem("Home", "home", "socialvalue.signed_in"),
    NavItem("Dashboard", "dashboards:dashboard", "people.leads_or_serves_a_place", "/dashboard/"),
    NavItem("Objectives", "objectives:objective_list", "socialvalue.anyone", "/objectives/"),
    NavItem("Proposals", "consultations:proposal_list", "socialvalue.anyone", "/proposals/"),
    NavItem(
        "Consultations", "consultations:consultation_list", "socialvalue.anyone", "/consultations/"
    ),
    NavItem("Needs", "needs:need_list", "socialvalue.anyone", "/needs/"),
    NavItem("Contracts", "contracts:contract_list", "people.works_with_contracts", "/contracts/"),
    NavItem("Returns", "contracts:return_list", "people.makes_returns", "/returns/"),
    NavItem("Frameworks", "objectives:framework_list", "socialvalue.signed_in", "/frameworks/"),
    NavItem(
        "Transparency", "dashboards:transparency_index", "socialvalue.anyone", "/transparency/"
    ),
    NavItem("Django admin", "admin:index", "socialvalue.use_admin", "/admin/"),
]


def items_for(user, path: str) -> list[dict]:
    items = []
    for item in ITEMS:
        if not allowed(user, item.rule):
            continue
        url = reverse(item.url_name)
        current = path == url if not item.prefix else path.startswith(item.prefix)
        items.append({"label": item.label, "url": url, "current": current})
    return items
