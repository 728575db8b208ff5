"""Loads the government's Social Value Model (PPN 06/20 and PPN 002) as two frameworks.

The data is Crown copyright under the Open Government Licence v3.0 and is kept in
`objectives/data/social-value-model/` with its README, which says row by row what rests on which
source. What it holds is loaded as it is:

- themes (PPN 06/20) and missions (PPN 002) become themes, in file order;
- policy outcomes become outcomes, with the PPN 002 outcome number as their code (PPN 06/20
  does not number its outcomes). The award criteria and delivery objectives of an outcome go
  into its description as a bulleted list, with their MAC code where there is one; a MAC code
  with no wording (PPN 002's 1e) is left out;
- a PPN 002 row with no outcome title ("Take back our streets", whose outcome could not be
  verified) gives a theme with no outcomes;
- no measures: the model's reporting metrics could not be verified, so a council adds its own.

The model does not tag outcomes with the Social Value Act's well-being dimensions. The
`DIMENSIONS` mapping below does, theme by theme, and each framework's description says so.

Loading is idempotent: a second run changes nothing. A retired framework is left alone.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from places.models import Place

from .models import Framework, Outcome, Theme
from .services.frameworks import (
    framework_create,
    framework_update,
    outcome_create,
    outcome_update,
    theme_create,
)

DATA = Path(__file__).parent / "data" / "social-value-model"
LICENCE = "Open Government Licence v3.0"

E, S, ENV = "economic", "social", "environmental"

# The Act's well-being dimensions for each theme or mission, assigned by this service (the model
# does not tag them). Every outcome of a theme gets the theme's dimensions.
DIMENSIONS: dict[str, frozenset[str]] = {
    # PPN 06/20 themes
    "COVID-19 recovery": frozenset({E, S}),  # jobs and retraining; community and health recovery
    "Tackling economic inequality": frozenset({E}),  # businesses, jobs, skills, supply chains
    "Fighting climate change": frozenset({ENV}),  # stewardship of the environment
    "Equal opportunity": frozenset({E, S}),  # disability employment gap, workforce inequality
    "Wellbeing": frozenset({S}),  # health and wellbeing, community integration
    # PPN 002 missions
    "Kick start economic growth": frozenset({E}),
    "Make Britain a clean energy superpower": frozenset({ENV}),
    "Take back our streets": frozenset({S}),
    "Break down barriers to opportunity": frozenset({E, S}),
    "Build an NHS fit for the future": frozenset({S}),
}

DIMENSIONS_NOTE = (
    "The economic, social and environmental tags on each outcome were assigned by this service, "
    "theme by theme: the model itself does not tag its outcomes with the Social Value Act's "
    "well-being dimensions."
)
METRICS_NOTE = (
    "The model's reporting metrics are not included, because their wording, codes and units "
    "could not be verified against the published text: add your own measures to each outcome."
)


@dataclass(frozen=True)
class Edition:
    file: str
    name: str
    version: str
    description: str
    source: str


EDITIONS = (
    Edition(
        file="social_value_model_ppn0620.csv",
        name="Social Value Model (PPN 06/20)",
        version="2020",
        description=(
            "The government's Social Value Model, Edition 1.1 (PPN 06/20, 2020): its 5 themes "
            "and 8 policy outcomes. Each outcome lists the delivery objectives ('what good looks "
            "like') from PPN 06/20 Annex A, and one model award criterion (MAC 2.1). "
            f"{METRICS_NOTE} {DIMENSIONS_NOTE}"
        ),
        source=(
            "Cabinet Office, Procurement Policy Note 06/20 (PPN 06/20): Taking Account of Social "
            "Value in the Award of Central Government Contracts (September 2020), Annex A 'Themes "
            "and Outcomes'; The Social Value Model, Edition 1.1 (3 December 2020). Crown "
            "copyright. Reporting metrics are not included. "
            "https://www.gov.uk/government/publications/procurement-policy-note-0620-taking-"
            "account-of-social-value-in-the-award-of-central-government-contracts"
        ),
    ),
    Edition(
        file="social_value_model_ppn002.csv",
        name="Social Value Model (PPN 002)",
        version="2025",
        description=(
            "The government's Social Value Model under PPN 002 (February 2025): its 5 missions "
            "and the 7 outcomes whose number and title could be verified, with the model award "
            "criteria 1a to 1d for outcome 1. The mission 'Take back our streets' has no outcome "
            "here: its outcome could not be verified, so add one if you use it. Several outcome "
            "titles rest on secondary sources (see the data README). "
            f"{METRICS_NOTE} {DIMENSIONS_NOTE}"
        ),
        source=(
            "Cabinet Office, Procurement Policy Note 002 (PPN 002): Taking account of social value "
            "in the award of contracts, and Procurement Policy Note 002: The Social Value Model "
            "(13 February 2025). Crown copyright. Reporting metrics (Standard Reporting Metrics) "
            "are not included. https://www.gov.uk/government/publications/ppn-002-taking-"
            "account-of-social-value-in-the-award-of-contracts"
        ),
    ),
)


@dataclass
class _OutcomeData:
    name: str
    code: str
    criteria: list[str] = field(default_factory=list)

    @property
    def description(self) -> str:
        if not self.criteria:
            return ""
        heading = "Model award criteria and delivery objectives:"
        return "\n".join([heading, *(f"- {criterion}" for criterion in self.criteria)])


def read_edition(edition: Edition) -> dict[str, list[_OutcomeData]]:
    """Themes in file order, each with its outcomes in file order."""
    themes: dict[str, dict[str, _OutcomeData]] = {}
    with open(DATA / edition.file, encoding="utf-8-sig", newline="") as data:
        for row in csv.DictReader(data):
            theme = row["theme"].strip()
            if theme not in DIMENSIONS:
                raise ValueError(
                    f"{edition.file}: the theme {theme!r} has no dimensions in DIMENSIONS"
                )
            outcomes = themes.setdefault(theme, {})
            title = row["outcome"].strip()
            if not title:
                continue  # a mission whose outcome could not be verified
            outcome = outcomes.setdefault(title, _OutcomeData(title, row["outcome_code"].strip()))
            wording, mac = row["award_criterion"].strip(), row["mac_code"].strip()
            if wording:
                outcome.criteria.append(f"{mac}: {wording}" if mac else wording)
    return {theme: list(outcomes.values()) for theme, outcomes in themes.items()}


@dataclass
class LoadReport:
    created: list[Framework] = field(default_factory=list)
    updated: list[Framework] = field(default_factory=list)
    unchanged: list[Framework] = field(default_factory=list)
    retired: list[Framework] = field(default_factory=list)

    def summary(self) -> str:
        parts = []
        for label, frameworks in (
            ("created", self.created),
            ("updated", self.updated),
            ("already up to date", self.unchanged),
            ("retired, so left alone", self.retired),
        ):
            if frameworks:
                parts.append(f"{' and '.join(str(f) for f in frameworks)} {label}")
        return "; ".join(parts)


@transaction.atomic
def load_social_value_model(*, place: Place, by=None) -> LoadReport:
    """Create or bring up to date the two Social Value Model frameworks for `place`."""
    report = LoadReport()
    for edition in EDITIONS:
        framework = Framework.objects.filter(
            place=place, name=edition.name, version=edition.version
        ).first()
        if framework is not None and framework.is_retired:
            report.retired.append(framework)
            continue
        changed = False
        if framework is None:
            framework = framework_create(
                place=place,
                name=edition.name,
                version=edition.version,
                by=by,
                description=edition.description,
                source=edition.source,
                licence=LICENCE,
            )
            bucket = report.created
        else:
            wanted = {
                "description": edition.description,
                "source": edition.source,
                "licence": LICENCE,
            }
            differs = {k: v for k, v in wanted.items() if getattr(framework, k) != v}
            if differs:
                framework = framework_update(framework=framework, by=by, **differs)
                changed = True
            bucket = None
        changed |= _load_themes(framework, read_edition(edition), by)
        if bucket is None:
            bucket = report.updated if changed else report.unchanged
        bucket.append(framework)
    return report


def _load_themes(framework: Framework, themes: dict[str, list[_OutcomeData]], by) -> bool:
    changed = False
    held_themes = {t.name: t for t in Theme.objects.filter(framework=framework)}
    held_outcomes = {(o.theme_id, o.name): o for o in Outcome.objects.filter(framework=framework)}
    for theme_name, outcomes in themes.items():
        theme = held_themes.get(theme_name)
        if theme is None:
            theme = theme_create(framework=framework, name=theme_name, by=by)
            changed = True
        dimensions = set(DIMENSIONS[theme_name])
        for data in outcomes:
            outcome = held_outcomes.get((theme.pk, data.name))
            if outcome is None:
                outcome_create(
                    theme=theme,
                    name=data.name,
                    code=data.code,
                    description=data.description,
                    dimensions=dimensions,
                    by=by,
                )
                changed = True
                continue
            differs = {
                k: v
                for k, v in (("code", data.code), ("description", data.description))
                if getattr(outcome, k) != v
            }
            if set(outcome.dimensions) != dimensions:
                differs["dimensions"] = dimensions
            if differs:
                outcome_update(outcome=outcome, by=by, **differs)
                changed = True
    return changed
