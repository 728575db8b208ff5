"""An OCDS 1.1 release package of a place's contracts with social value.

For each contract whose procurement started under the Social Value Act (not exempt) and that has
an approved section 1 assessment or commitments, one release with:

- `planning`: the approved assessment, as a met approval milestone and its rationale;
- `tender`: the social value weighting in `awardCriteriaDetails`, and `sustainability` goals
  (OCDS sustainability extension) for each well-being dimension the assessment found relevant,
  with the levers used as strategies;
- `awards` and `contracts`: the supplier, value and period, and `agreedMetrics` (OCDS metrics
  extension) for each current commitment, counted in its measure's unit;
- `contracts[].implementation.metrics`: verified delivery only, one observation per verified
  return and reporting period.

No personal data (no officers' or supplier contacts' names) and nothing commercially
confidential (no evaluation scores or answers).

The ocid is the contract's own when it has one (imported from Find a Tender or Contracts
Finder); otherwise one is minted as `<SOCIALVALUE_OCID_PREFIX>-<reference>`, with a prefix that
defaults to the clearly local `ocds-local`: a council publishing for real registers a prefix
with the Open Contracting Partnership and sets it.
"""

from __future__ import annotations

import datetime
import json
import re

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone

from contracts.models import Assessment, Commitment, Contract, DeliveryReturn

from .figures import Scope, contracts

VERSION = "1.1"
EXTENSIONS = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_sustainability_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_metrics_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_partyDetails_scale_extension/master/extension.json",
]
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
SCALE = {"sme": "sme", "large": "large"}
CHUNK_SIZE = 200


def ocid_prefix() -> str:
    return getattr(settings, "SOCIALVALUE_OCID_PREFIX", "ocds-local")


def ocid_for(*, reference: str, ocid: str) -> str:
    if ocid:
        return ocid
    safe = re.sub(r"[^A-Za-z0-9-]+", "-", reference).strip("-") or "contract"
    return f"{ocid_prefix()}-{safe}"


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


def _party_id(organisation) -> str:
    return organisation.identifier or f"socialvalue-org-{organisation.pk}"


def _party(organisation, roles: list[str]) -> dict:
    party = {"id": _party_id(organisation), "name": organisation.name, "roles": roles}
    if organisation.identifier:
        parts = organisation.identifier.split("-", 2)
        identifier = {"id": organisation.identifier, "legalName": organisation.name}
        if len(parts) == 3:
            identifier.update(scheme=f"{parts[0]}-{parts[1]}", id=parts[2])
        party["identifier"] = identifier
    details = {}
    # Only what an officer confirmed: a self-declared status is not published (people.models).
    if organisation.confirmed_scale in SCALE:
        details["scale"] = SCALE[organisation.confirmed_scale]
    if organisation.confirmed_vcse is not None and not organisation.is_public_body:
        details["vcse"] = organisation.confirmed_vcse
    if details:
        party["details"] = details
    return party


def exported_contracts(scope: Scope):
    """The contracts in the package: procurement started under the Act (not exempt), with an
    approved assessment or a current commitment, in reference order."""
    return (
        contracts(scope)
        .filter(stage__in=STAGES, not_in_scope=False)
        .filter(
            Q(assessments__status=Assessment.Status.APPROVED)
            | Q(commitments__withdrawn_at__isnull=True, commitments__isnull=False)
        )
        .distinct()
        .order_by("reference", "pk")
    )


def _with_details(ids):
    """These contracts with everything their releases show, in a fixed number of queries."""
    approved = Assessment.objects.filter(status=Assessment.Status.APPROVED).prefetch_related(
        "objectives"
    )
    current = (
        Commitment.objects.current()
        .select_related("measure", "measure__framework", "area", "objective", "delivered_by")
        .prefetch_related(
            Prefetch(
                "returns",
                queryset=DeliveryReturn.objects.verified()
                .select_related("period")
                .order_by("period__start"),
                to_attr="verified_returns",
            )
        )
        .order_by("pk")
    )
    return (
        Contract.objects.filter(pk__in=ids)
        .select_related("buyer", "supplier")
        .prefetch_related(
            Prefetch("assessments", queryset=approved, to_attr="approved_assessments"),
            Prefetch("commitments", queryset=current, to_attr="current_commitments"),
            "joint_buyers",
            "subcontractors",
        )
        .order_by("reference", "pk")
    )


def _sustainability(assessment: Assessment | None) -> list[dict]:
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


def _agreed_metric(commitment: Commitment) -> dict:
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


def _delivery_metric(commitment: Commitment) -> dict:
    return {
        "id": f"commitment-{commitment.pk}",
        "title": f"{commitment.measure.code} {commitment.measure.name}",
        "observations": [
            {
                "id": f"return-{r.pk}",
                "measure": float(r.quantity),
                "unit": _unit(commitment.measure),
                "period": {"startDate": _date(r.period.start), "endDate": _date(r.period.end)},
                "notes": "Verified by the buyer",
            }
            for r in commitment.verified_returns
        ],
    }


def release_for(contract: Contract, *, now: str) -> dict:
    ocid = ocid_for(reference=contract.reference, ocid=contract.ocid)
    assessment = contract.approved_assessments[0] if contract.approved_assessments else None
    tags = ["planning", "tender"]
    parties = [_party(contract.buyer, ["buyer"])]
    parties += [_party(o, ["buyer"]) for o in contract.joint_buyers.all()]
    release: dict = {
        "ocid": ocid,
        "id": f"{ocid}-socialvalue-{now[:10]}",
        "date": now,
        "tag": tags,
        "initiationType": "tender",
        "language": "en",
        "buyer": {"id": _party_id(contract.buyer), "name": contract.buyer.name},
    }
    planning: dict = {}
    if assessment is not None:
        planning["rationale"] = (
            "Social value was considered under section 1 of the Public Services (Social Value) "
            f"Act 2012 in an assessment (version {assessment.version}) approved on "
            f"{timezone.localtime(assessment.approved_at):%-d %B %Y}."
        )
        planning["milestones"] = [
            {
                "id": f"s1-assessment-v{assessment.version}",
                "title": "Social value assessment approved (Social Value Act 2012, section 1)",
                "type": "approval",
                "status": "met",
                "dateMet": _datetime(assessment.approved_at),
            }
        ]
    if planning:
        release["planning"] = planning
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
    release["tender"] = tender
    if contract.supplier_id and contract.awarded_on:
        tags.append("award")
        supplier = contract.supplier
        parties.append(_party(supplier, ["supplier"]))
        parties += [
            _party(o, ["tenderer"]) for o in contract.subcontractors.all() if o.pk != supplier.pk
        ]
        period = {
            "startDate": _date(contract.contract_start),
            "endDate": _date(contract.contract_end),
        }
        award_id = f"{contract.reference}-award"
        release["awards"] = [
            {
                "id": award_id,
                "status": "active",
                "date": _date(contract.awarded_on),
                **_value_of(contract.award_value),
                "suppliers": [{"id": _party_id(supplier), "name": supplier.name}],
                "contractPeriod": period,
            }
        ]
        contract_entry: dict = {
            "id": f"{contract.reference}-contract",
            "awardID": award_id,
            "status": CONTRACT_STATUS.get(contract.stage, "pending"),
            "period": period,
            **_value_of(contract.award_value),
        }
        commitments = contract.current_commitments
        if commitments:
            tags.append("contract")
            contract_entry["agreedMetrics"] = [_agreed_metric(c) for c in commitments]
            delivered = [_delivery_metric(c) for c in commitments if c.verified_returns]
            if delivered:
                tags.append("implementation")
                contract_entry["implementation"] = {"metrics": delivered}
        release["contracts"] = [contract_entry]
    release["parties"] = parties
    return release


def _head(*, uri: str, now: str) -> dict:
    return {
        "uri": uri,
        "version": VERSION,
        "publishedDate": now,
        "publisher": {"name": settings.SOCIALVALUE_OPERATOR_NAME},
        "extensions": EXTENSIONS,
    }


def releases(scope: Scope, *, now: str, chunk_size: int | None = None):
    """Each contract's release, reading the contracts and what they carry a chunk at a time,
    so a county's export is held in memory one chunk at a time, never whole."""
    chunk_size = chunk_size or CHUNK_SIZE
    ids = list(exported_contracts(scope).values_list("pk", flat=True))
    for start in range(0, len(ids), chunk_size):
        chunk = list(_with_details(ids[start : start + chunk_size]))
        for contract in chunk:
            yield release_for(contract, now=now)
        _forget(chunk)


def _forget(chunk) -> None:
    """Break the reference cycles prefetching makes (a contract lists its commitments, each of
    which points back at it; likewise returns, assessments and the prefetched querysets), so a chunk is freed as soon as
    it is done rather than at the next full garbage collection: otherwise memory grows with the
    export after all."""
    for contract in chunk:
        for commitment in contract.current_commitments:
            commitment.verified_returns = []
        for assessment in contract.approved_assessments:
            assessment._prefetched_objects_cache = {}
        contract.current_commitments = []
        contract.approved_assessments = []
        contract._prefetched_objects_cache = {}


def release_package(scope: Scope, *, uri: str) -> dict:
    now = _datetime(timezone.now())
    return {**_head(uri=uri, now=now), "releases": list(releases(scope, now=now))}


def release_package_text(scope: Scope, *, uri: str):
    """The release package as JSON text in pieces, for a streamed response: the same document
    as `release_package`, one release at a time."""
    now = _datetime(timezone.now())
    head = json.dumps({**_head(uri=uri, now=now), "releases": None}, indent=2, ensure_ascii=False)
    before, after = head.rsplit("null", 1)
    yield before + "["
    separator = "\n"
    for release in releases(scope, now=now):
        # One release per line, compact: json's C encoder, which (unlike indenting) leaves no
        # reference cycles behind for the garbage collector.
        yield separator + json.dumps(release, ensure_ascii=False)
        separator = ",\n"
    yield "\n]" + after
