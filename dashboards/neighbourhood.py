"""What the neighbourhood page (`/areas/<id>/`, places.views.AreaDetailView) shows beyond the
area itself: delivery against need, objectives, proposals, consultations and contracts.

Registered with `places.area_page` in `DashboardsConfig.ready()`. Each list is read through the
app's own visibility queryset for the visitor; the figures are the dashboard's own functions
(`figures.by_area`, `figures.commitments_at_risk`, `figures.contracts_with_commitments`) on a
scope narrowed to the area, so the page and the dashboard filtered to the area agree. Anonymous
visitors, and people who may not see the place's dashboard, get the transparency page's
public scope: verified delivery and published objectives only, no list of shortfalls.
"""

from __future__ import annotations

from places.models import Area
from places.need_figures import DEFINITIONS as NEED_DEFINITIONS
from places.need_figures import area_rates
from socialvalue.rules import allowed

from . import figures
from .delivery_map import delivery_map

LISTED = 20  # rows of each list on the page


def area_delivery(request, area: Area, needs) -> dict:
    if area.is_archived:
        return {}
    from consultations.models import Consultation, Proposal
    from objectives.models import Objective

    user = request.user
    place = area.place
    private = allowed(user, "dashboards.view_dashboard", place)
    scope = figures.Scope(place=place, area=area, public=not private)
    rows = figures.by_area(scope)
    rates = area_rates(rows, needs)
    contracts, contract_total = figures.contracts_with_commitments(
        figures.Scope(place=place, area=area, public=True), limit=LISTED
    )
    from .views import contract_links

    links = contract_links(user, [c["pk"] for c in contracts])
    for contract in contracts:
        contract["link"] = links.get(contract["pk"])
    ancestor_ids = [
        int(area.path[i : i + Area.PATH_STEP])
        for i in range(0, len(area.path) - Area.PATH_STEP, Area.PATH_STEP)
    ]
    objectives = Objective.objects.visible_to(user).filter(place=place)
    consultations = Consultation.objects.visible_to(user).filter(place=place)
    proposals = Proposal.objects.listed_for(user).filter(place=place)
    return {
        "delivery_scope": scope,
        "delivery_rows": [dict(row, rate=rates[row["area_id"]]) for row in rows],
        "delivery_map": delivery_map(
            map_id="area-delivery-map",
            title=f"Verified delivery per 1,000 residents in {area.name}",
            rows=rows,
            needs=needs,
        )
        if len([r for r in rows if not r["wider"]]) > 1
        else None,
        "per_thousand_definition": NEED_DEFINITIONS["per_thousand"],
        "by_area_definition": figures.by_area.definition,
        "at_risk_rows": figures.commitments_at_risk(scope, limit=LISTED) if private else None,
        "area_contracts": contracts,
        "area_contract_total": contract_total,
        "area_objectives": list(objectives.within_area(area).for_list().order_by("title")[:LISTED]),
        "containing_objectives": list(
            objectives.filter(areas__in=ancestor_ids)
            .distinct()
            .for_list()
            .order_by("title")[:LISTED]
        ),
        "area_proposals": list(
            proposals.within_area(area).for_list().order_by("-submitted_at", "-pk")[:LISTED]
        ),
        "area_consultations": list(
            consultations.within_area(area).for_list().order_by("-pk")[:LISTED]
        ),
    }
