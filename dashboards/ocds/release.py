"""One contract's OCDS 1.1 release, with its social value (see `dashboards.ocds` for the
package).

- `planning`: the approved section 1 assessment, as a met approval milestone and its rationale;
- `tender`: the social value weighting in `awardCriteriaDetails`, and `sustainability` goals
  (OCDS sustainability extension) for each well-being dimension the assessment found relevant,
  with the levers used as strategies;
- `awards` and `contracts`: every supplier, the value and period, and `agreedMetrics` (OCDS
  metrics extension) for each current commitment, counted in its measure's unit;
- `contracts[].implementation.metrics`: verified delivery only, one observation per verified
  return and reporting period.

Every supplier of an award is listed. Where each supplier's own share of the award is recorded,
each gets an award of its own with its share; otherwise one award names them all with the
award's value, which is never given to one supplier.

No personal data (no officers' or supplier contacts' names) and nothing commercially
confidential (no evaluation scores or answers).
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from contracts.models import Contract

from .parties import party as _party
from .parties import party_id as _party_id

if TYPE_CHECKING:  # the records `package._with_details` reads (package imports this module)
    from .package import ExportedAssessment, ExportedCommitment, ExportedContract

STAGES = (
    Contract.Stage.PROCUREMENT_STARTED,
    Contract.Stage.AWARDED,
    Contract.Stage.IN_DELIVERY,
    Contract.Stage.CLOSED,
)
CONTRACT_STATUS = {
    Contract.Stage.AWARDED: "pending",
    Contract.Stage.IN_DELIVERY: "active",
    Contract.Stage.CLOSED: "terminated",
}


def ocid_prefix() -> str:
    return settings.SOCIALVALUE_OCID_PREFIX


def ocid_for(*, contract_id: int, ocid: str) -> str:
    """The contract's own ocid (kept with its source's prefix), else one minted from the
    configured prefix and the contract's id, which never changes."""
    return ocid or f"{ocid_prefix()}-{contract_id}"


@lru_cache(maxsize=1024)  # the same days recur on release after release
def _date(day) -> str | None:
    if day is None:
        return None
    return f"{day.isoformat()}T00:00:00Z"


def _datetime(moment) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _amount(value) -> dict | None:
    if value is None:
        return None
    return {"amount": float(value), "currency": "GBP"}


def _value_of(value) -> dict:
    """{"value": {...}} or nothing: OCDS allows no null value objects."""
    amount = _amount(value)
    return {"value": amount} if amount is not None else {}


def _sustainability(assessment: ExportedAssessment | None) -> list[dict]:
    if assessment is None:
        return []
    strategies = []
    if assessment.weighting_percent:
        strategies.append("awardCriteria")
    if assessment.lever_contract_conditions:
        strategies.append("contractPerformanceConditions")
    if assessment.lever_lotting_reservation:
        strategies.append("reservedParticipation")
    if assessment.lever_supply_chain:
        strategies.append("technicalSpecifications")
    goals = []
    for dimension in ("economic", "social", "environmental"):
        if getattr(assessment, f"{dimension}_relevant"):
            goal = {"goal": dimension}
            if strategies:
                goal["strategies"] = strategies
            goals.append(goal)
    return goals


def _unit(measure) -> dict:
    return {"name": measure.unit, "scheme": "socialvalue-measure", "id": measure.code}


def _agreed_metric(commitment: ExportedCommitment) -> dict:
    measure = commitment.measure
    observation = {
        "id": f"commitment-{commitment.pk}",
        "measure": float(commitment.quantity),
        "unit": _unit(measure),
        "period": {
            "startDate": _date(commitment.start_date),
            "endDate": _date(commitment.due_date),
        },
        # The Metrics extension allows no empty strings: leave out what is unknown.
        "dimensions": {
            key: value
            for key, value in {
                "area": commitment.area.name,
                "areaGssCode": commitment.area.gss_code,
                "objective": commitment.objective.title,
                "deliveredBy": commitment.delivered_by.name,
            }.items()
            if value
        },
    }
    if commitment.proxy_value is not None:
        observation["notes"] = (
            f"Proxy value £{commitment.proxy_value} per unit ({commitment.proxy_source}, "
            f"{commitment.proxy_year}): an estimate, not money spent"
        )
    return {
        "id": f"commitment-{commitment.pk}",
        "title": f"{measure.code} {measure.name}",
        "description": f"Social value commitment for {commitment.objective.title}",
        "observations": [observation],
    }


def _delivery_metric(commitment: ExportedCommitment) -> dict:
    unit = _unit(commitment.measure)
    return {
        "id": f"commitment-{commitment.pk}",
        "title": f"{commitment.measure.code} {commitment.measure.name}",
        "observations": [
            {
                "id": f"period-{line.period_id}",
                "measure": float(line.verified),
                "unit": unit,
                "period": line.period,
                "notes": "Verified by the buyer",
            }
            for line in commitment.verified_returns
        ],
    }


def _planning(assessment: ExportedAssessment | None) -> dict:
    """The approved section 1 assessment, as a met approval milestone and its rationale."""
    if assessment is None:
        return {}
    return {
        "rationale": (
            "Social value was considered under section 1 of the Public Services (Social Value) "
            f"Act 2012 in an assessment (version {assessment.version}) approved on "
            f"{timezone.localtime(assessment.approved_at):%-d %B %Y}."
        ),
        "milestones": [
            {
                "id": f"s1-assessment-v{assessment.version}",
                "title": "Social value assessment approved (Social Value Act 2012, section 1)",
                "type": "approval",
                "status": "met",
                "dateMet": _datetime(assessment.approved_at),
            }
        ],
    }


def _tender(contract: ExportedContract, assessment: ExportedAssessment | None) -> dict:
    tender: dict = {
        "id": contract.reference,
        "title": contract.title,
        "status": "complete" if contract.stage != Contract.Stage.PROCUREMENT_STARTED else "active",
        **_value_of(contract.estimated_value),
        "mainProcurementCategory": {"services": "services", "goods": "goods", "works": "works"}.get(
            contract.category, "services"
        ),
    }
    if contract.procurement_started_on:
        tender["tenderPeriod"] = {"startDate": _date(contract.procurement_started_on)}
    if assessment is not None and assessment.weighting_percent is not None:
        tender["awardCriteria"] = "ratedCriteria"
        tender["awardCriteriaDetails"] = (
            f"Social value is weighted at {assessment.weighting_percent.normalize():f}% of the "
            "total evaluation score."
        )
    sustainability = _sustainability(assessment)
    if sustainability:
        tender["sustainability"] = sustainability
    if contract.description:
        tender["description"] = contract.description
    return tender


def release_for(contract: ExportedContract, *, now: str) -> dict:
    ocid = ocid_for(contract_id=contract.pk, ocid=contract.ocid)
    assessment = contract.assessment
    tags = ["planning", "tender"]
    parties = [_party(contract.buyer, ["buyer"])]
    parties += [_party(o, ["buyer"]) for o in contract.joint_buyers]
    release: dict = {
        "ocid": ocid,
        "id": f"{ocid}-socialvalue-{now[:10]}",
        "date": now,
        "tag": tags,
        "initiationType": "tender",
        "language": "en",
        "buyer": {"id": _party_id(contract.buyer), "name": contract.buyer.name},
    }
    planning = _planning(assessment)
    if planning:
        release["planning"] = planning
    release["tender"] = _tender(contract, assessment)
    if contract.supplier_id and contract.awarded_on:
        tags.append("award")
        suppliers = [row.organisation for row in contract.award_rows] or [contract.supplier]
        parties += [_party(o, ["supplier"]) for o in suppliers]
        on_award = {o.pk for o in suppliers}
        parties += [
            _party(o, ["tenderer"]) for o in contract.subcontractors if o.pk not in on_award
        ]
        release["awards"], entries = _awards(contract, suppliers)
        for entry, carried in entries:
            _add_metrics(entry, carried, tags)
        release["contracts"] = [entry for entry, _carried in entries]
    release["parties"] = parties
    return release


def _awards(contract: ExportedContract, suppliers) -> tuple[list[dict], list[tuple[dict, list]]]:
    """The awards, and a contract entry for each with the commitments it carries. One award
    names every supplier with the award's value; only when each supplier's own share is
    recorded does each get an award of its own, with its share (and its own commitments; the
    subcontractors' go with the first, whose supplier answers for them)."""
    period = {
        key: _date(day)
        for key, day in (("startDate", contract.contract_start), ("endDate", contract.contract_end))
        if day is not None
    }
    rows = contract.award_rows
    commitments = contract.current_commitments
    if len(rows) > 1 and all(row.value is not None for row in rows):
        on_award = {row.organisation_id for row in rows}
        groups = [
            (
                [row.organisation],
                row.value,
                f"-{i}",
                [
                    c
                    for c in commitments
                    if c.delivered_by_id == row.organisation_id
                    or (i == 1 and c.delivered_by_id not in on_award)
                ],
            )
            for i, row in enumerate(rows, 1)
        ]
    else:
        groups = [(suppliers, contract.award_value, "", commitments)]
    awards, entries = [], []
    for named, value, suffix, carried in groups:
        award_id = f"{contract.reference}-award{suffix}"
        award = {
            "id": award_id,
            "status": "active",
            "date": _date(contract.awarded_on),
            **_value_of(value),
            "suppliers": [{"id": _party_id(o), "name": o.name} for o in named],
        }
        entry = {
            "id": f"{contract.reference}-contract{suffix}",
            "awardID": award_id,
            "status": CONTRACT_STATUS.get(contract.stage, "pending"),
            **_value_of(value),
        }
        if period:
            award["contractPeriod"] = entry["period"] = period
        awards.append(award)
        entries.append((entry, carried))
    return awards, entries


def _add_metrics(entry: dict, commitments: list, tags: list[str]) -> None:
    """The commitments a contract entry carries, as agreed metrics, and their verified
    delivery."""
    if not commitments:
        return
    if "contract" not in tags:
        tags.append("contract")
    entry["agreedMetrics"] = [_agreed_metric(c) for c in commitments]
    delivered = [_delivery_metric(c) for c in commitments if c.verified_returns]
    if delivered:
        if "implementation" not in tags:
            tags.append("implementation")
        entry["implementation"] = {"metrics": delivered}
