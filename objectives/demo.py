"""Demo outcomes framework and about 20 objectives for the fictional borough of Wrenford.

The framework is made up for the demo. Its proxy values are illustrative, and say so in their
source: they are not published valuations and must not be used for real reporting.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from people.models import Organisation, User
from places.models import Area, Place

from . import services
from .models import Framework, Measure, Objective, Outcome, Theme
from .social_value_model import load_social_value_model

ILLUSTRATIVE = "Illustrative value for the Wrenford demo only; not a published valuation"

# theme -> outcomes: (name, dimensions, [(code, measure, unit, proxy £ or None)])
FRAMEWORK = {
    "Jobs and skills": [
        (
            "More local people in good work",
            ["economic", "social"],
            [
                ("WR1", "Local people employed on the contract", "FTE", "18000"),
                ("WR2", "Apprenticeship starts for local residents", "starts", "2500"),
                ("WR3", "Long-term unemployed people helped into work", "people", "14000"),
            ],
        ),
        (
            "Skills for the future",
            ["economic"],
            [
                ("WR4", "Hours of training for local residents", "hours", "15"),
                ("WR5", "Work placements for school and college students", "weeks", "200"),
            ],
        ),
    ],
    "Thriving communities": [
        (
            "Stronger voluntary and community groups",
            ["social"],
            [
                ("WR6", "Volunteering hours given to local VCS groups", "hours", "17"),
                ("WR7", "Donations in kind to local VCS groups", "£", "1"),
            ],
        ),
        (
            "Better health and wellbeing",
            ["social"],
            [
                ("WR8", "People reached by wellbeing activities", "people", None),
            ],
        ),
        (
            "Safer neighbourhoods",
            ["social"],
            [
                ("WR9", "Community safety projects supported", "projects", None),
            ],
        ),
    ],
    "Greener Wrenford": [
        (
            "Cutting carbon emissions",
            ["environmental"],
            [
                ("WR10", "Carbon emissions saved", "tonnes CO2e", "250"),
                ("WR11", "Vehicle miles avoided", "miles", None),
            ],
        ),
        (
            "Cleaner green spaces",
            ["environmental", "social"],
            [
                ("WR12", "Green space improved", "square metres", None),
            ],
        ),
    ],
    "Fair and local supply chains": [
        (
            "Spend with local SMEs and VCSEs",
            ["economic"],
            [
                ("WR13", "Spend with SMEs and VCSEs based in Wrenford", "£", "1"),
            ],
        ),
    ],
}

# (title, outcome, areas, lead slug, partner slugs, priority, status, [(code, qty, months)])
OBJECTIVES = [
    (
        "Young people from Eastgate into apprenticeships",
        "Skills for the future",
        ["Eastgate Centre", "Railway Triangle"],
        "wrenford-council",
        ["eastgate-community-pantry"],
        "high",
        "active",
        [("WR2", 20, 24), ("WR5", 40, 12)],
    ),
    (
        "Jobs for long-term unemployed residents of Harbour",
        "More local people in good work",
        ["Harbour"],
        "wrenford-council",
        [],
        "high",
        "active",
        [("WR3", 15, 24)],
    ),
    (
        "Local jobs on the new leisure centre build",
        "More local people in good work",
        ["Castle Hill", "Dunmore"],
        "wrenford-council",
        [],
        "medium",
        "active",
        [("WR1", 12, 18)],
    ),
    (
        "Food pantry volunteering support",
        "Stronger voluntary and community groups",
        ["Eastgate Centre"],
        "wrenford-council",
        ["eastgate-community-pantry"],
        "medium",
        "active",
        [("WR6", 500, 12)],
    ),
    (
        "Warm spaces for older people in Kingsmead",
        "Better health and wellbeing",
        ["Kingsmead", "Meadow Vale"],
        "wrenford-health",
        ["wrenford-council"],
        "high",
        "active",
        [("WR8", 300, 12)],
    ),
    (
        "Mental health first aid in Greystones",
        "Better health and wellbeing",
        ["Greystones"],
        "wrenford-health",
        [],
        "medium",
        "active",
        [("WR8", 120, 12)],
    ),
    (
        "Safer routes to school in Abbey Mills",
        "Safer neighbourhoods",
        ["Abbey Green", "Millrace"],
        "wrenford-police",
        ["wrenford-council"],
        "medium",
        "active",
        [("WR9", 3, 12)],
    ),
    (
        "Cut fleet emissions across the borough",
        "Cutting carbon emissions",
        ["North Wrenford Community Partnership", "South Wrenford Community Partnership"],
        "wrenford-council",
        ["wrenford-fire"],
        "high",
        "active",
        [("WR10", 120, 36)],
    ),
    (
        "Greener canal side in Ivybridge",
        "Cleaner green spaces",
        ["Canal Side"],
        "wrenford-council",
        [],
        "low",
        "active",
        [("WR12", 2000, 24)],
    ),
    (
        "More council spend with Wrenford SMEs",
        "Spend with local SMEs and VCSEs",
        ["Central Wrenford Community Partnership"],
        "wrenford-council",
        [],
        "high",
        "active",
        [("WR13", 500000, 12)],
    ),
    (
        "Training for care workers in Fernlea",
        "Skills for the future",
        ["Fernlea"],
        "wrenford-health",
        [],
        "medium",
        "active",
        [("WR4", 1200, 12)],
    ),
    (
        "Home fire safety visits with volunteers",
        "Safer neighbourhoods",
        ["Brookside Estate", "Willow Bank"],
        "wrenford-fire",
        [],
        "low",
        "active",
        [("WR9", 2, 12)],
    ),
    (
        "Food waste redistribution in Eastgate",
        "Stronger voluntary and community groups",
        ["Eastgate Centre", "Station Quarter"],
        "wrenford-council",
        ["eastgate-community-pantry"],
        "medium",
        "achieved",
        [("WR7", 5000, 6)],
    ),
    (
        "Jobs fair in Longford",
        "More local people in good work",
        ["Longford"],
        "wrenford-council",
        [],
        "low",
        "achieved",
        [("WR1", 3, 6)],
    ),
    (
        "Tree planting in Marshfield",
        "Cleaner green spaces",
        ["Marshfield", "Saltings"],
        "wrenford-council",
        [],
        "low",
        "retired",
        [("WR12", 800, 12)],
    ),
    (
        "Digital skills for Jubilee Estate",
        "Skills for the future",
        ["Jubilee Estate"],
        "wrenford-council",
        ["eastgate-community-pantry"],
        "medium",
        "draft",
        [("WR4", 300, 12)],
    ),
    (
        "Walking groups for heart health",
        "Better health and wellbeing",
        ["Orchard Rise"],
        "wrenford-health",
        [],
        "low",
        "draft",
        [],
    ),
    (
        "Electric vehicle charging for community transport",
        "Cutting carbon emissions",
        ["Quarry Fields"],
        "wrenford-council",
        [],
        "medium",
        "draft",
        [("WR11", 20000, 24)],
    ),
    (
        "Youth diversion sessions in Netmakers",
        "Safer neighbourhoods",
        ["Netmakers"],
        "wrenford-police",
        ["wrenford-council"],
        "high",
        "active",
        [("WR9", 4, 12)],
    ),
    (
        "Volunteering days for Dunmore Heath",
        "Stronger voluntary and community groups",
        ["Dunmore Heath"],
        "wrenford-council",
        [],
        "low",
        "active",
        [("WR6", 200, 12)],
    ),
]


def _framework(place: Place) -> Framework:
    framework, _ = Framework.objects.get_or_create(
        place=place,
        name="Wrenford local outcomes (demo)",
        version="2025",
        defaults={
            "description": (
                "A made-up local framework for the demo borough. Measures are fictional and "
                "proxy values illustrative."
            ),
            "licence": "Demo data: free to reuse",
        },
    )
    for t_pos, (theme_name, outcomes) in enumerate(FRAMEWORK.items()):
        theme, _ = Theme.objects.get_or_create(
            framework=framework, name=theme_name, defaults={"position": t_pos}
        )
        for o_pos, (name, dimensions, measures) in enumerate(outcomes):
            outcome = Outcome.objects.filter(framework=framework, theme=theme, name=name).first()
            if outcome is None:
                outcome = Outcome(framework=framework, theme=theme, name=name, position=o_pos)
                outcome.set_dimensions(dimensions)
                outcome.full_clean()
                outcome.save()
            for code, measure_name, unit, proxy in measures:
                if not Measure.objects.filter(framework=framework, code=code).exists():
                    measure = Measure(
                        framework=framework,
                        outcome=outcome,
                        code=code,
                        name=measure_name,
                        unit=unit,
                        proxy_value=Decimal(proxy) if proxy else None,
                        proxy_source=ILLUSTRATIVE if proxy else "",
                        proxy_year=2025 if proxy else None,
                    )
                    measure.full_clean()
                    measure.save()
    return framework


@transaction.atomic
def load(place: Place) -> None:
    # The government's Social Value Model (Open Government Licence), as a council would load it.
    load_social_value_model(place=place)
    framework = _framework(place)
    officer = User.objects.get(email="officer@demo.test")
    nhs = User.objects.get(email="nhs@demo.test")
    orgs = {o.slug: o for o in Organisation.objects.all()}
    areas = {a.name: a for a in Area.objects.filter(place=place)}
    start = datetime.date(2026, 4, 1)
    for title, outcome_name, area_names, lead, partners, priority, status, targets in OBJECTIVES:
        if Objective.objects.filter(place=place, title=title).exists():
            continue
        by = nhs if lead == "wrenford-health" else officer
        outcome = Outcome.objects.get(framework=framework, name=outcome_name)
        objective = services.objective_create(
            place=place,
            by=by,
            title=title,
            description=f"{title}. A demo objective for the fictional borough of Wrenford.",
            outcome=outcome,
            dimensions=outcome.dimensions,
            areas=[areas[n] for n in area_names],
            lead_organisation=orgs[lead],
            partners=[orgs[p] for p in partners],
            priority=priority,
            evidence_of_need="Demo evidence: local survey results and ward profile data.",
        )
        for code, quantity, months in targets:
            services.target_add(
                objective=objective,
                by=by,
                measure=Measure.objects.get(framework=framework, code=code),
                target_quantity=Decimal(quantity),
                baseline=Decimal("0"),
                baseline_date=start,
                target_date=start + datetime.timedelta(days=round(months * 30.44)),
            )
        if status in ("active", "achieved", "retired") and targets:
            services.objective_change_status(objective=objective, to="active", by=by)
        if status == "achieved":
            services.objective_change_status(
                objective=objective,
                to="achieved",
                by=by,
                # Honest about the evidence: no contract's verified returns record this
                # delivery, so every page says it was closed on other evidence.
                reason="Closed on the council's own records (attendance registers and a "
                "partner's report): the work was done outside any contract, so no verified "
                "return records it.",
            )
        if status == "retired":
            services.objective_change_status(
                objective=objective,
                to="retired",
                by=by,
                reason="Merged into the borough-wide tree planting programme.",
            )
