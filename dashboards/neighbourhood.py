"""What the neighbourhood page (`/areas/<id>/`, places.views.AreaDetailView) shows beyond the
area itself: delivery against need, objectives, proposals, consultations and contracts.

Registered with `places.area_page` in `DashboardsConfig.ready()`. Each list is read through the
app's own visibility queryset for the visitor; the figures are the dashboard's own functions
(`figures.by_area`, `figures.commitments_at_risk`, `figures.contracts_with_commitments`) on a
scope narrowed to the area, so the page and the dashboard filtered to the area agree. Anonymous
visitors, and people who may not see the place's dashboard, get the transparency page's
public scope: verified delivery and published objectives only, no list of shortfalls.

The three figures that aggregate commitments (`area_figures`) take a few hundred milliseconds
at county scale, so they are kept in the figures cache (`dashboards.cache.cached`) per area,
scope and day, as the dashboard's are, and refreshed by `tasks.refresh_area_page` after a
change; the lists that depend on the visitor are read on every request.
"""

from __future__ import annotations

from dataclasses import asdict

from django.utils import timezone

from places.models import Area
from places.need_figures import DEFINITIONS as NEED_DEFINITIONS
from places.need_figures import area_rates
from socialvalue.rules import allowed

from . import cache as figure_cache
from . import figures
from .delivery_map import delivery_map

LISTED = 20  # rows of each list on the page


def area_figures(area: Area, *, public: bool) -> dict:
    """What the page shows of delivery in the area, as plain data (so it can be cached)."""
    place = area.place
    scope = figures.Scope(place=place, area=area, public=public)
    rows = figures.by_area(scope)
    at_risk = None if public else figures.commitments_at_risk(scope, limit=LISTED)
    # The contracts listed are those the public page lists, read with the ids already read.
    contracts, contract_total = figures.contracts_with_commitments(
        scope.public_twin(), limit=LISTED
    )
    return {
        "rows": rows,
        "at_risk": at_risk,
        "contracts": contracts,
        "contract_total": contract_total,
        "generated_at": timezone.now(),
    }


def _key(area_id: int, public: bool) -> tuple:
    return ("area page", area_id, public, timezone.localdate().isoformat())


def cached_area_figures(area: Area, *, public: bool) -> tuple[dict, bool]:
    """`area_figures`, from the figures cache; and whether they are up to date."""

    def enqueue(run_after):
        from .tasks import refresh_area_page

        refresh = refresh_area_page
        if run_after is not None and refresh.get_backend().supports_defer:
            refresh = refresh.using(run_after=run_after)
        refresh.enqueue(area.pk, public)

    return figure_cache.cached(
        _key(area.pk, public), lambda: area_figures(area, public=public), enqueue=enqueue
    )


def refresh_queued_area(area_id: int, public: bool) -> str:
    """The queued refresh of an area page's figures ("gone" if the area is)."""
    area = Area.objects.select_related("place").filter(pk=area_id).first()
    return figure_cache.refresh_queued(
        _key(area_id, public), area and (lambda: area_figures(area, public=public))
    )


def area_delivery(request, area: Area, needs) -> dict:
    if area.is_archived:
        return {}
    from consultations.models import Consultation, Proposal
    from objectives.models import Objective

    user = request.user
    place = area.place
    private = allowed(user, "dashboards.view_dashboard", place)
    scope = figures.Scope(place=place, area=area, public=not private)
    data, up_to_date = cached_area_figures(area, public=not private)
    rows = data["rows"]
    rates = area_rates(rows, needs)
    contracts = [asdict(c) for c in data["contracts"]]
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
        "delivery_rows": [dict(asdict(row), rate=rates[row.area_id]) for row in rows],
        "delivery_map": delivery_map(
            map_id="area-delivery-map",
            title=f"Verified delivery per 1,000 residents in {area.name}",
            rows=rows,
            needs=needs,
        )
        if len([r for r in rows if not r.wider]) > 1
        else None,
        "per_thousand_definition": NEED_DEFINITIONS["per_thousand"],
        "by_area_definition": figures.by_area.definition,
        "at_risk_rows": data["at_risk"],
        "area_contracts": contracts,
        "area_contract_total": data["contract_total"],
        "area_figures_updating": not up_to_date,
        "area_figures_at": data["generated_at"],
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
