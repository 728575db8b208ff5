"""The leaders' dashboard and the transparency page's figures, as pure query functions.

Every figure is a named function taking a `Scope` and returning plain data (dicts, lists,
numbers). Each computes in SQL with `aggregate()`, `values().annotate()` and conditional
aggregation, so the number of queries does not depend on the number of contracts, commitments
or returns. Python only merges a handful of already-aggregated rows (one per measure, area,
organisation or quarter).

Each function carries its definition (`DEFINITIONS[name]`), shown beside the figure in the
"Definition" details component, so a reader can see exactly what is counted.

Honesty rules, applied everywhere:

- Counts come before £. A £ figure is quantity × the proxy value copied on the commitment when
  it was made; it is an estimate, shown with the distinct proxy sources and years it rests on.
- Only verified returns count as delivered; claimed but unverified quantities are shown apart.
- Nothing is double counted: a return belongs to one commitment, so totals are sums over
  returns or commitments, never over targets or objectives.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg as _Avg
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncQuarter
from django.utils import timezone

from consultations.models import Consultation, Proposal, RespondentType, Response
from contracts import ledger
from contracts.models import Assessment, Commitment, Contract, DeliveryReturn
from contracts.progress import NEEDS_RECOVERY as AT_RISK
from contracts.progress import (
    STATUS_LABELS,
    expected_amount,
    is_current,
    share_elapsed,
    with_progress,
)
from objectives.models import Dimension, Objective, Outcome, Target, Theme
from objectives.progress import TARGET_STATUS_LABELS, target_status
from people.models import Organisation
from places.models import Area, Place

from . import periods

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=20, decimal_places=2)
Stage = Contract.Stage
Compliance = Contract.Compliance
ReturnStatus = DeliveryReturn.Status
CLAIMED = (ReturnStatus.SUBMITTED, ReturnStatus.QUERIED)
SPEND_STAGES = (Stage.AWARDED, Stage.IN_DELIVERY)
CENTRAL_MINIMUM = Decimal("10")

DEFINITIONS: dict[str, str] = {}


def definition(text: str):
    """Attach a figure's definition to its function, for the UI's "Definition" component."""

    def register(func):
        func.definition = " ".join(text.split())
        DEFINITIONS[func.__name__] = func.definition
        return func

    return register


@dataclass(frozen=True)
class Scope:
    """What the figures are about: one place, and optionally a period, a partner organisation,
    an area (with everything inside it), a theme or outcome, and a well-being dimension.

    `public` narrows to what the transparency page may show: published objectives and
    consultations, no lists naming suppliers' shortfalls or non-compliant contracts."""

    place: Place
    start: datetime.date | None = None
    end: datetime.date | None = None
    organisation: Organisation | None = None
    area: Area | None = None
    theme: Theme | None = None
    outcome: Outcome | None = None
    dimension: str = ""
    public: bool = False
    today: datetime.date = field(default_factory=timezone.localdate)
    # What several figures need, read once per scope: the ids a narrow filter selects
    # (`_narrow_ids`), the area's subtree, delivery by objective and measure.
    _read_once: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def as_at(self) -> datetime.date:
        """Progress is judged as at the end of the period, or today if that is earlier."""
        return min(self.end, self.today) if self.end else self.today

    @property
    def has_commitment_filters(self) -> bool:
        return bool(self.area or self.theme or self.outcome or self.dimension)

    def in_period(self, field_name: str) -> Q:
        condition = Q()
        if self.start:
            condition &= Q(**{f"{field_name}__gte": self.start})
        if self.end:
            condition &= Q(**{f"{field_name}__lte": self.end})
        return condition


# SQL helpers ----------------------------------------------------------------------------------


def _sum_money(expression, **filter_kwargs):
    return Coalesce(
        Sum(ExpressionWrapper(expression, output_field=MONEY), **filter_kwargs),
        Value(ZERO),
        output_field=MONEY,
    )


def _sum(field_name: str, **filter_kwargs):
    return Coalesce(Sum(field_name, **filter_kwargs), Value(ZERO), output_field=MONEY)


def _percent(part, whole) -> int | None:
    if not whole:
        return None
    return int(Decimal(part) * 100 / Decimal(whole))


# The scoped querysets -------------------------------------------------------------------------


def _areas_within(scope: Scope) -> list[int]:
    """The ids of the area and every area below it: read once per scope (areas are few), and
    given to the database as values so that it plans each filter from the index on area."""
    if "areas" not in scope._read_once:
        scope._read_once["areas"] = list(
            Area.objects.within(scope.area).order_by().values_list("pk", flat=True)
        )
    return scope._read_once["areas"]


def _objective_condition(scope: Scope, prefix: str = "") -> Q:
    """Filters on an objective (reached through `prefix`) for theme, outcome and dimension."""
    condition = Q()
    if scope.outcome:
        condition &= Q(**{f"{prefix}outcome": scope.outcome})
    if scope.theme:
        condition &= Q(**{f"{prefix}outcome__theme": scope.theme})
    if scope.dimension in Dimension.values:
        condition &= Q(**{f"{prefix}{scope.dimension}": True})
    return condition


def _bought(scope: Scope, prefix: str = "") -> Q:
    """Bought by the organisation, as lead or joint buyer (`prefix` reaches the contract)."""
    joint = Contract.joint_buyers.through.objects.filter(organisation=scope.organisation)
    return Q(**{f"{prefix}buyer": scope.organisation}) | Q(
        **{f"{prefix}pk__in": joint.values("contract_id")}
    )


def _commitments(scope: Scope):
    """Every current commitment in the filters, whatever its dates."""
    qs = Commitment.objects.current().filter(
        _objective_condition(scope, "objective__"), contract__place=scope.place
    )
    if scope.organisation:
        qs = qs.filter(_bought(scope, "contract__"))
    if scope.area:
        qs = qs.filter(area_id__in=_areas_within(scope))
    return qs


# A filter that selects at most this many commitments is resolved to their ids (and their
# contracts') once per page, so every figure then reads those rows by primary key instead of
# applying the filter again to every commitment and contract of the place. A wider filter (or
# none) stays a subquery.
NARROW = 2000


def _narrow_ids(scope: Scope) -> tuple[list[int], list[int]] | None:
    """(commitment ids, contract ids) of a narrow filter, read in one query the first time a
    page asks; None when there is no filter or it is wider than NARROW."""
    if "commitments" not in scope._read_once:
        found = None
        if scope.organisation or scope.has_commitment_filters:
            rows = list(
                _commitments(scope).order_by().values_list("pk", "contract_id")[: NARROW + 1]
            )
            if len(rows) <= NARROW:
                found = ([pk for pk, _ in rows], sorted({c for _, c in rows}))
        scope._read_once["commitments"] = found
    return scope._read_once["commitments"]


def _contracts_otherwise(scope: Scope):
    """The place's contracts in the filters other than through a current commitment: bought by
    the organisation and, for area, theme, outcome or dimension, serving them by their relevant
    areas or the objectives named in their assessment; None when that needs a commitment."""
    qs = Contract.objects.filter(place=scope.place)
    if scope.organisation:
        qs = qs.filter(_bought(scope))
    if not scope.has_commitment_filters:
        return qs
    if scope.area:
        areas = Contract.areas.through.objects.filter(area_id__in=_areas_within(scope))
        qs = qs.filter(pk__in=areas.values("contract_id"))
    if scope.theme or scope.outcome or scope.dimension:
        named = Assessment.objectives.through.objects.filter(
            _objective_condition(scope, "objective__")
        )
        qs = qs.filter(pk__in=named.values("assessment__contract_id"))
    return qs


def contracts(scope: Scope):
    """The place's contracts bought by the organisation (as buyer or joint buyer), which serve
    the area, theme, outcome and dimension: through a current commitment that matches, through
    their relevant areas (for the area), or through the objectives named in their assessment
    (for theme, outcome and dimension)."""
    others = _contracts_otherwise(scope)
    if not scope.has_commitment_filters:
        return others
    narrow = _narrow_ids(scope)
    serving = narrow[1] if narrow else _commitments(scope).values("contract_id")
    return Contract.objects.filter(Q(pk__in=serving) | Q(pk__in=others.values("pk")))


def commitments(scope: Scope, *, use_period: bool = True):
    """Current (not withdrawn) commitments on the place's contracts, in the area or below it,
    serving an objective of the theme, outcome and dimension, on contracts the organisation
    buys; with a period, those whose delivery window overlaps it."""
    narrow = _narrow_ids(scope)
    qs = Commitment.objects.filter(pk__in=narrow[0]) if narrow else _commitments(scope)
    if use_period:
        if scope.end:
            qs = qs.filter(start_date__lte=scope.end)
        if scope.start:
            qs = qs.filter(due_date__gte=scope.start)
    return qs


def lines(scope: Scope):
    """The ledger's lines (`contracts.ledger`) of those commitments, for the reporting periods
    ending within the period."""
    return ledger.entries().filter(
        scope.in_period("period_end"),
        commitment__in=commitments(scope, use_period=False),
    )


def objectives(scope: Scope):
    """The place's objectives (published ones only on the public page) led or partnered by the
    organisation, naming the area or an area inside it, of the theme, outcome and dimension."""
    qs = Objective.objects.filter(_objective_condition(scope), place=scope.place)
    if scope.public:
        qs = qs.public()
    if scope.organisation:
        qs = qs.involving_organisation(scope.organisation)
    if scope.area:
        qs = qs.within_area(scope.area)
    return qs


COMMITTED = {
    "commitments": lambda: Count("pk"),
    "committed": lambda: _sum("quantity"),
    "committed_value": lambda: _sum_money(
        F("quantity") * F("proxy_value"), filter=Q(proxy_value__isnull=False)
    ),
    "without_proxy": lambda: Count("pk", filter=Q(proxy_value__isnull=True)),
}


def delivered(scope: Scope, *fields: str) -> list[dict]:
    """Verified and claimed quantities, the verified £ estimate and the numbers of verified and
    claimed returns, of the returns in the scope, grouped by `fields` of their commitments.

    With a period, the returns whose reporting period ends in it are summed. Without one, every
    return counts, and the per-commitment totals give the same answer from one row per
    commitment instead of one per return."""
    if scope.start or scope.end:
        prefix = "commitment__"
        rows = (
            lines(scope)
            .order_by()
            .values(*(prefix + name for name in fields))
            .annotate(
                verified=_sum("verified"),
                claimed=_sum("claimed"),
                verified_value=_sum("verified_value"),
                verified_returns=Coalesce(Sum("verified_returns"), Value(0)),
                claimed_returns=Coalesce(Sum("claimed_returns"), Value(0)),
            )
        )
    else:
        prefix = ""
        rows = (
            commitments(scope, use_period=False)
            .order_by()
            .values(*fields)
            .annotate(
                # Without a period, the same pass also counts what was committed (COMMITTED).
                **{name: aggregate() for name, aggregate in COMMITTED.items()},
                verified=_sum("delivery_total__verified"),
                claimed=_sum("delivery_total__claimed"),
                verified_value=_sum_money(
                    F("delivery_total__verified") * F("proxy_value"),
                    filter=Q(proxy_value__isnull=False),
                ),
                verified_returns=Coalesce(Sum("delivery_total__verified_returns"), Value(0)),
                claimed_returns=Coalesce(Sum("delivery_total__claimed_returns"), Value(0)),
            )
        )
    cut = len(prefix)
    return [
        {key[cut:] if key.startswith(prefix) else key: v for key, v in row.items()} for row in rows
    ]


# Headline figures -----------------------------------------------------------------------------


@definition(
    """Contracts at the "awarded" or "in delivery" stage, and the sum of their award values.
    With a period, only contracts awarded within it (by award date). Contracts recorded as not
    in scope of the Social Value Act are counted apart, not in the total. Closed and cancelled
    contracts are not included."""
)
def spend_in_scope(scope: Scope) -> dict:
    qs = contracts(scope).filter(scope.in_period("awarded_on"), stage__in=SPEND_STAGES)
    in_scope = Q(not_in_scope=False)
    return qs.aggregate(
        count=Count("pk", filter=in_scope),
        total=_sum("award_value", filter=in_scope),
        exempt_count=Count("pk", filter=~in_scope),
        exempt_total=_sum("award_value", filter=~in_scope),
    )


@definition(
    """Of the contracts whose procurement started (by the recorded start date, within the
    period if one is chosen), the share where an assessment of social value under section 1 of
    the Act was approved on or before the day procurement started. A contract with no approved
    assessment, or one approved after the start, is not compliant and is listed. Contracts
    recorded as not in scope of the Act are counted apart and left out of the share."""
)
def compliance(scope: Scope, limit: int | None = None) -> dict:
    qs = contracts(scope).filter(
        scope.in_period("procurement_started_on"), procurement_started_on__isnull=False
    )
    counts = qs.aggregate(
        compliant=Count("pk", filter=Q(s1_compliance=Compliance.COMPLIANT)),
        non_compliant=Count("pk", filter=Q(s1_compliance=Compliance.NON_COMPLIANT)),
        exempt=Count("pk", filter=Q(s1_compliance=Compliance.EXEMPT)),
        not_recorded=Count("pk", filter=Q(s1_compliance=Compliance.NOT_RECORDED)),
    )
    counted = counts["compliant"] + counts["non_compliant"]
    counts["counted"] = counted
    counts["share"] = _percent(counts["compliant"], counted)
    counts["not_compliant"] = []
    if not scope.public:
        first_approval = (
            Assessment.objects.filter(
                contract_id=OuterRef("pk"),
                status__in=[Assessment.Status.APPROVED, Assessment.Status.SUPERSEDED],
            )
            .order_by("approved_at")
            .values("approved_at")[:1]
        )
        rows = (
            qs.filter(s1_compliance=Compliance.NON_COMPLIANT)
            .annotate(first_approved_at=Subquery(first_approval))
            .order_by("procurement_started_on", "reference")
            .values(
                "pk",
                "reference",
                "title",
                "buyer__name",
                "procurement_started_on",
                "first_approved_at",
            )
        )
        for row in rows[:limit] if limit else rows:
            approved = row["first_approved_at"]
            row["reason"] = (
                "No approved assessment"
                if approved is None
                else f"Assessment approved {timezone.localtime(approved):%-d %B %Y}, after "
                "procurement started"
            )
            counts["not_compliant"].append(row)
    return counts


@definition(
    """The mean social value weighting (% of the total evaluation score) in the approved
    assessments of contracts whose procurement started (within the period if one is chosen),
    excluding contracts not in scope of the Act. Each contract counts once, with its current
    approved assessment. Contracts with no weighting recorded are counted apart. Central
    government's minimum is 10%."""
)
def average_weighting(scope: Scope) -> dict:
    started = contracts(scope).filter(
        scope.in_period("procurement_started_on"),
        procurement_started_on__isnull=False,
        not_in_scope=False,
    )
    result = Assessment.objects.filter(
        contract__in=started, status=Assessment.Status.APPROVED, weighting_percent__isnull=False
    ).aggregate(
        average=_Avg("weighting_percent"),
        count=Count("contract", distinct=True),
        lowest=Min("weighting_percent"),
        highest=Max("weighting_percent"),
        below_minimum=Count("pk", filter=Q(weighting_percent__lt=CENTRAL_MINIMUM)),
    )
    result["started"] = started.count()
    result["without_weighting"] = result["started"] - result["count"]
    if result["average"] is not None:
        result["average"] = Decimal(result["average"]).quantize(Decimal("0.1"))
    return result


@definition(
    """Per framework measure, in its own unit: the quantity committed by current (not
    withdrawn) commitments whose delivery window overlaps the period, and the quantity in
    returns whose reporting period ends in the period — verified by an officer, and, shown
    apart, claimed but not yet verified (submitted or queried). Rejected returns are not
    counted. Retired measures are marked; their commitments still count. The £ figures are
    estimates: each return's or commitment's quantity × the proxy value per unit copied onto
    the commitment when it was made, listed with their sources and years. Commitments with no
    proxy value add to the counts but not to the £."""
)
def delivery_by_measure(scope: Scope) -> dict:
    measure_fields = (
        "measure_id",
        "measure__code",
        "measure__name",
        "measure__unit",
        "measure__retired_at",
    )
    delivered_rows = delivered(scope, *measure_fields)
    if scope.start or scope.end:
        committed = (
            commitments(scope)
            .order_by()
            .values(*measure_fields)
            .annotate(**{name: aggregate() for name, aggregate in COMMITTED.items()})
        )
    else:
        committed = delivered_rows  # one pass over the commitments counted both
    rows: dict[int, dict] = {}

    def row_for(values: dict) -> dict:
        measure_id = values["measure_id"]
        if measure_id not in rows:
            rows[measure_id] = {
                "measure_id": measure_id,
                "code": values["measure__code"],
                "name": values["measure__name"],
                "unit": values["measure__unit"],
                "retired": values["measure__retired_at"] is not None,
                "commitments": 0,
                "committed": ZERO,
                "committed_value": ZERO,
                "without_proxy": 0,
                "verified": ZERO,
                "claimed": ZERO,
                "verified_value": ZERO,
            }
        return rows[measure_id]

    for values in committed:
        row = row_for(values)
        for key in ("commitments", "committed", "committed_value", "without_proxy"):
            row[key] = values[key]
    for values in delivered_rows:
        row = row_for(values)
        for key in ("verified", "claimed", "verified_value"):
            row[key] = values[key]
    ordered = sorted(rows.values(), key=lambda r: (r["code"], r["measure_id"]))
    for row in ordered:
        row["verified_percent"] = _percent(row["verified"], row["committed"])
    sources = list(
        commitments(scope)
        .filter(proxy_value__isnull=False)
        .order_by("proxy_source", "proxy_year")
        .values("proxy_source", "proxy_year")
        .distinct()
    )
    return {
        "rows": ordered,
        "verified_value": sum((r["verified_value"] for r in ordered), ZERO),
        "committed_value": sum((r["committed_value"] for r in ordered), ZERO),
        "commitments": sum(r["commitments"] for r in ordered),
        "without_proxy": sum(r["without_proxy"] for r in ordered),
        "sources": sources,
    }


def _delivery_by_objective_and_measure(scope: Scope) -> dict[tuple, tuple]:
    """(objective, measure) → (verified, claimed) over current commitments, as at the scope's
    day, for every active or achieved objective in the scope: one grouped query (two for a
    past day), rather than a correlated subquery per target, read once for the objectives'
    summary and the targets' table."""
    if "delivery" in scope._read_once:
        return scope._read_once["delivery"]
    on = scope.as_at
    objective_ids = objectives(scope).filter(status__in=Objective.PUBLIC_STATUSES).values("pk")
    serving = Commitment.objects.current().filter(objective_id__in=objective_ids).order_by()
    rows = serving.values("objective_id", "measure_id").annotate(
        verified=_sum("delivery_total__verified"), claimed=_sum("delivery_total__claimed")
    )
    found = {(r["objective_id"], r["measure_id"]): (r["verified"], r["claimed"]) for r in rows}
    if not is_current(on):
        earlier = (
            ledger.entries(period_start__lte=on, commitment__in=serving.values("pk"))
            .order_by()
            .values_list("commitment__objective_id", "commitment__measure_id")
            .annotate(verified=_sum("verified"))
        )
        verified_then = {(o, m): v for o, m, v in earlier}
        found = {
            key: (verified_then.get(key, ZERO), claimed) for key, (_, claimed) in found.items()
        }
    scope._read_once["delivery"] = found
    return found


def _targets_with_progress(
    scope: Scope, objective_ids, *fields: str, limit: int | None = None
) -> list[dict]:
    """The current targets of these objectives (the first `limit` in order, if given) as dicts
    of `fields`, with the verified and claimed delivery counted towards each and the share
    expected by the scope's day."""
    on = scope.as_at
    targets = (
        Target.objects.current()
        .filter(objective_id__in=objective_ids)
        .annotate(
            share=share_elapsed("baseline_date", "target_date", on),
            expected=ExpressionWrapper(
                F("target_quantity") * F("share"), output_field=FloatField()
            ),
        )
        .order_by("objective__title", "measure__code", "pk")
        .values("objective_id", "measure_id", "expected", *fields)
    )
    rows = list(targets[:limit] if limit else targets)
    delivery = _delivery_by_objective_and_measure(scope)
    for row in rows:
        row["verified"], row["claimed"] = delivery.get(
            (row["objective_id"], row["measure_id"]), (ZERO, ZERO)
        )
    return rows


@definition(
    """Objectives of the place in the filters, by status. An active objective is on track when
    every current target's verified delivery (from verified returns of commitments serving the
    objective with the target's measure) is at least the pro-rata share of the target due by
    the end of the period (or today), counted from the baseline date to the target date; it is
    behind when any target falls short. Active objectives with no targets are counted apart.
    Drafts are never shown on the public page."""
)
def objectives_summary(scope: Scope) -> dict:
    statuses = dict(objectives(scope).order_by().values_list("pk", "status"))
    active = [pk for pk, status in statuses.items() if status == Objective.Status.ACTIVE]
    with_targets, behind = set(), set()
    active_ids = objectives(scope).filter(status=Objective.Status.ACTIVE).values("pk")
    for row in _targets_with_progress(scope, active_ids, "target_quantity"):
        with_targets.add(row["objective_id"])
        status = target_status(row["verified"], row["target_quantity"], row["expected"])
        if status == "behind":
            behind.add(row["objective_id"])
    counts = {
        "active": len(active),
        "on_track": len(with_targets - behind),
        "behind": len(behind),
        "no_targets": len(active) - len(with_targets),
        "achieved": sum(1 for s in statuses.values() if s == Objective.Status.ACHIEVED),
        "draft": sum(1 for s in statuses.values() if s == Objective.Status.DRAFT),
    }
    if scope.public:
        counts["draft"] = None
    return counts


@definition(
    """Each current target of the active and achieved objectives in the filters: the target
    quantity, the verified delivery counted towards it (verified returns of current commitments
    serving the objective with the target's measure, for reporting periods started by the end of
    the period), claimed but unverified quantities apart, and the share due by then. A return
    counts towards a target only through its own commitment, so nothing is counted twice."""
)
def targets_progress(scope: Scope, limit: int | None = None) -> list[dict]:
    ids = objectives(scope).filter(status__in=Objective.PUBLIC_STATUSES).values("pk")
    rows = _targets_with_progress(
        scope,
        ids,
        "pk",
        "objective__title",
        "objective__status",
        "measure__code",
        "measure__name",
        "measure__unit",
        "target_quantity",
        "target_date",
        limit=limit,
    )
    for row in rows:
        row["percent"] = _percent(row["verified"], row["target_quantity"])
        row["status"] = target_status(
            row["verified"], row["target_quantity"], row["expected"], row["objective__status"]
        )
        row["status_label"] = TARGET_STATUS_LABELS[row["status"]]
        row["on_track"] = row["status"] in ("complete", "on_track")
        row["bar"] = min(row["percent"] or 0, 100)
    return rows


def targets_total(scope: Scope) -> int:
    """How many rows `targets_progress` has without a limit."""
    ids = objectives(scope).filter(status__in=Objective.PUBLIC_STATUSES).values("pk")
    return Target.objects.current().filter(objective_id__in=ids).count()


def progress_groups(scope: Scope) -> list[dict]:
    """Current commitments in the scope, judged as at its day, counted by area, outcome and
    status in one pass: the statuses, the areas and the outcomes are all sums of these rows (a
    few thousand), instead of three passes over every commitment."""
    return list(
        with_progress(commitments(scope), scope.as_at)
        .order_by()
        .values("area__path", "objective__outcome_id", "status")
        .annotate(
            n=Count("pk"),
            due=Count("pk", filter=Q(due_ratio__isnull=False)),
            ratio_sum=Coalesce(Sum("due_ratio"), Value(0.0), output_field=FloatField()),
            committed_value=_sum_money(
                F("quantity") * F("proxy_value"), filter=Q(proxy_value__isnull=False)
            ),
            # Every verified return, whatever the period: see `_verified_values`.
            verified_value=_sum_money(
                F("delivery_total__verified") * F("proxy_value"),
                filter=Q(proxy_value__isnull=False, delivery_total__isnull=False),
            ),
        )
    )


def _verified_values(scope: Scope, groups: list[dict], key: str) -> dict:
    """Verified £ estimate by `key` (a field of the commitment). Without a period every return
    counts, and the progress groups already carry it; with one, only returns whose reporting
    period ends in it, summed from the returns."""
    if scope.start or scope.end:
        rows = delivered(scope, key)
    else:
        rows = _regroup(groups, key, ("verified_value",))
    return {row[key]: row["verified_value"] for row in rows}


def _regroup(groups: list[dict], key: str, fields: tuple[str, ...]) -> list[dict]:
    """The progress groups summed by `key`; `at_risk` counts those behind or at risk."""
    totals: dict = {}
    for row in groups:
        entry = totals.setdefault(row[key], {key: row[key], "at_risk": 0})
        for name in fields:
            if name == "at_risk":
                entry["at_risk"] += row["n"] if row["status"] in AT_RISK else 0
            else:
                entry[name] = entry.get(name, 0) + row[name]
    return list(totals.values())


@definition(
    """Current commitments (see "committed") by status as at the end of the period or today,
    using the rule of the contracts register: complete when verified delivery meets the
    quantity; on track when it meets the share expected by then (pro rata from start to due
    date, or all of it at the due date for one-off commitments); behind when it is at least 75%
    of that; at risk below that. Only verified returns count."""
)
def commitment_statuses(scope: Scope, groups: list[dict] | None = None) -> dict:
    groups = progress_groups(scope) if groups is None else groups
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for row in groups:
        counts[row["status"]] += row["n"]
    counts["total"] = sum(counts.values())
    return counts


@definition(
    """Current commitments that are behind or at risk (see "commitments by status"), with the
    recovery action the buyer recorded, worst first."""
)
def commitments_at_risk(scope: Scope, limit: int | None = None) -> list[dict]:
    ordering = ("status", "contract__reference", "pk")
    ranked = (
        with_progress(commitments(scope), scope.as_at)
        .filter(status__in=AT_RISK)
        .order_by(*ordering)
    )
    if limit:
        # Rank with only what ranking needs, then read the details of the rows shown: joining
        # measure, area, objective and supplier onto every commitment before the limit cost
        # more than the ranking itself at county scale.
        shown = list(ranked.values_list("pk", flat=True)[:limit])
        ranked = with_progress(Commitment.objects.filter(pk__in=shown), scope.as_at).order_by(
            *ordering
        )
    qs = ranked.values(
        "pk",
        "contract_id",
        "contract__reference",
        "contract__title",
        "delivered_by__name",
        "measure__code",
        "measure__name",
        "measure__unit",
        "area__name",
        "objective__title",
        "quantity",
        "verified",
        "expected",
        "status",
        "recovery_action",
    )
    rows = list(qs)
    for row in rows:
        row["status_label"] = STATUS_LABELS[row["status"]]
        row["expected"] = expected_amount(row["expected"])
    return rows


@definition(
    """Community proposals made for the place (submitted at any time, or within the period by
    submission date), in the area or naming an area inside it, suggesting an outcome of the
    theme or outcome. Drafts are not counted. The funnel: submitted → reviewed (under review or
    decided) → accepted (adopted as or attached to an objective). The organisation filter does
    not apply: proposals come from community groups."""
)
def proposals_summary(scope: Scope) -> dict:
    qs = Proposal.objects.filter(
        scope.in_period("submitted_at__date"), place=scope.place, submitted_at__isnull=False
    ).exclude(status=Proposal.Status.DRAFT)
    if scope.area:
        through = Proposal.areas.through.objects.filter(area_id__in=_areas_within(scope))
        qs = qs.filter(pk__in=through.values("proposal_id"))
    if scope.outcome:
        qs = qs.filter(Q(suggested_outcome=scope.outcome) | Q(objective__outcome=scope.outcome))
    if scope.theme:
        qs = qs.filter(
            Q(suggested_outcome__theme=scope.theme) | Q(objective__outcome__theme=scope.theme)
        )
    statuses = [s for s in Proposal.Status if s != Proposal.Status.DRAFT]
    counts = qs.aggregate(
        total=Count("pk"), **{s.value: Count("pk", filter=Q(status=s.value)) for s in statuses}
    )
    S = Proposal.Status
    reviewed = sum(counts[s] for s in (S.UNDER_REVIEW, S.ACCEPTED, S.MERGED, S.DECLINED))
    return {
        "by_status": [
            {"status": s.value, "label": s.label, "count": counts[s.value]} for s in statuses
        ],
        "funnel": [
            {"label": "Submitted", "count": counts["total"]},
            {"label": "Reviewed (under review or decided)", "count": reviewed},
            {"label": "Accepted as an objective", "count": counts[S.ACCEPTED]},
        ],
        "total": counts["total"],
    }


@definition(
    """Published consultations of the place run by the organisation, covering the area or an
    area inside it, linked to an objective of the theme or outcome (opening within the period,
    if one is chosen), by stage; and their responses by the type of respondent each chose.
    Only counts are shown: responses themselves are never published."""
)
def consultations_summary(scope: Scope) -> dict:
    today = scope.today
    qs = Consultation.objects.filter(
        scope.in_period("opens_on"), place=scope.place, published_at__isnull=False
    )
    if scope.organisation:
        qs = qs.filter(owner=scope.organisation)
    if scope.area:
        through = Consultation.areas.through.objects.filter(area_id__in=_areas_within(scope))
        qs = qs.filter(pk__in=through.values("consultation_id"))
    if scope.theme or scope.outcome or scope.dimension:
        through = Consultation.objectives.through.objects.filter(
            _objective_condition(scope, "objective__"), consultation_id=OuterRef("pk")
        )
        qs = qs.filter(Exists(through))
    S = Consultation.Stage
    counts = qs.aggregate(
        total=Count("pk"),
        upcoming=Count(
            "pk",
            filter=Q(summary_published_at__isnull=True, closed_at__isnull=True, opens_on__gt=today),
        ),
        open=Count(
            "pk",
            filter=Q(
                summary_published_at__isnull=True,
                closed_at__isnull=True,
                opens_on__lte=today,
                closes_on__gte=today,
            ),
        ),
        closed=Count(
            "pk",
            filter=Q(summary_published_at__isnull=True)
            & (Q(closed_at__isnull=False) | Q(closes_on__lt=today)),
        ),
        summary=Count("pk", filter=Q(summary_published_at__isnull=False)),
    )
    by_type = dict(
        Response.objects.filter(consultation__in=qs)
        .order_by()
        .values_list("respondent_type")
        .annotate(n=Count("pk"))
    )
    responses = [
        {"type": t.value, "label": t.label, "count": by_type.get(t.value, 0)}
        for t in RespondentType
    ]
    return {
        "total": counts["total"],
        "by_stage": [
            {"stage": s.value, "label": s.label, "count": counts[s.value]}
            for s in (S.UPCOMING, S.OPEN, S.CLOSED, S.SUMMARY)
        ],
        "responses": responses,
        "response_total": sum(r["count"] for r in responses),
    }


# Breakdowns -----------------------------------------------------------------------------------


BANDS = [
    (0, "No delivery due yet"),
    (1, "Under 25% of what was due"),
    (2, "25% to 49% of what was due"),
    (3, "50% to 74% of what was due"),
    (4, "75% or more of what was due"),
]


def band_for(percent: int | None) -> int:
    if percent is None:
        return 0
    if percent < 25:
        return 1
    if percent < 50:
        return 2
    if percent < 75:
        return 3
    return 4


def _tile_areas(scope: Scope):
    """Neighbourhoods in the area (or the place); wards if the place has no neighbourhoods."""
    base = Area.objects.current().filter(place=scope.place)
    if scope.area:
        base = base.filter(pk__in=_areas_within(scope))
    for kind in (Area.Kind.NEIGHBOURHOOD, Area.Kind.WARD):
        tiles = list(
            base.filter(kind=kind).order_by("name").values("pk", "name", "path", "kind", "gss_code")
        )
        if tiles:
            return tiles
    return []


@definition(
    """Per neighbourhood (or ward, where the place has no neighbourhoods), counting everything
    in it and below it: current commitments and their verified delivery against what was due by
    the end of the period or today (each commitment's verified quantity as a share of its
    pro-rata expectation, capped at 100%, averaged over the commitments with something due — so
    units are never added together); active objectives naming it or an area inside it; and the
    verified £ estimate. Commitments for a whole ward (or a wider area) are shown on their own
    rows, not shared out between neighbourhoods. Ranked from the least delivered."""
)
def by_area(scope: Scope, groups: list[dict] | None = None) -> list[dict]:
    tiles = _tile_areas(scope)
    if not tiles:
        return []
    groups = progress_groups(scope) if groups is None else groups
    grouped = _regroup(groups, "area__path", ("n", "due", "ratio_sum", "at_risk"))
    values = _verified_values(scope, groups, "area__path")
    objective_rows = (
        Objective.areas.through.objects.filter(
            objective__in=objectives(scope).filter(status=Objective.Status.ACTIVE)
        )
        .order_by()
        .values("area__path")
        .annotate(n=Count("objective_id", distinct=True))
    )
    by_path = {
        t["path"]: dict(
            t,
            commitments=0,
            due=0,
            ratio_sum=0.0,
            at_risk=0,
            verified_value=ZERO,
            objective_links=0,
        )
        for t in tiles
    }
    step = Area.PATH_STEP

    def tile_for(path: str):
        for end in range(len(path), 0, -step):
            tile = by_path.get(path[:end])
            if tile is not None:
                return tile
        return None

    wider: dict[str, dict] = {}  # commitments for a whole ward (or wider), above every tile
    names = {}
    if grouped:
        paths = [row["area__path"] for row in grouped if tile_for(row["area__path"]) is None]
        names = {
            a["path"]: a
            for a in Area.objects.filter(path__in=paths).values(
                "pk", "path", "name", "kind", "gss_code"
            )
        }

    def wider_for(path: str):
        area = names.get(path)
        if area is None:
            return None
        return wider.setdefault(
            path,
            dict(
                area,
                name=f"{area['name']} (whole {Area.Kind(area['kind']).label.lower()})",
                commitments=0,
                due=0,
                ratio_sum=0.0,
                at_risk=0,
                verified_value=ZERO,
                objective_links=0,
                wider=True,
            ),
        )

    for row in grouped:
        tile = tile_for(row["area__path"]) or wider_for(row["area__path"])
        if tile:
            tile["commitments"] += row["n"]
            tile["due"] += row["due"]
            tile["ratio_sum"] += row["ratio_sum"]
            tile["at_risk"] += row["at_risk"]
    for path, value in values.items():
        tile = tile_for(path) or wider.get(path)
        if tile:
            tile["verified_value"] += value
    for row in objective_rows:
        tile = tile_for(row["area__path"])
        if tile:
            tile["objective_links"] += row["n"]
    result = []
    for tile in [*by_path.values(), *wider.values()]:
        percent = int(tile["ratio_sum"] * 100 / tile["due"]) if tile["due"] else None
        band = band_for(percent)
        result.append(
            {
                "area_id": tile["pk"],
                "name": tile["name"],
                "gss_code": tile["gss_code"],
                "commitments": tile["commitments"],
                "at_risk": tile["at_risk"],
                "percent": percent,
                "band": band,
                "band_label": BANDS[band][1] if tile["commitments"] else "No commitments",
                "verified_value": tile["verified_value"],
                "has_objectives": tile["objective_links"] > 0,
                "bar": min(percent or 0, 100),
                "wider": tile.get("wider", False),
            }
        )
    result.sort(key=lambda r: (r["percent"] is None, r["percent"] or 0, r["name"]))
    return result


@definition(
    """Per outcome of the outcomes framework (with its theme): active objectives in the filters,
    current commitments serving them, how many of those are behind or at risk, and the
    verified and committed £ estimates (quantity × the proxy copied on each commitment)."""
)
def by_outcome(scope: Scope, groups: list[dict] | None = None) -> list[dict]:
    groups = progress_groups(scope) if groups is None else groups
    committed = _regroup(groups, "objective__outcome_id", ("n", "at_risk", "committed_value"))
    names = {
        o["pk"]: o
        for o in Outcome.objects.filter(pk__in=[r["objective__outcome_id"] for r in committed])
        .order_by()
        .values("pk", "name", "theme__name")
    }
    for row in committed:
        outcome = names[row["objective__outcome_id"]]
        row["objective__outcome__name"] = outcome["name"]
        row["objective__outcome__theme__name"] = outcome["theme__name"]
    verified = _verified_values(scope, groups, "objective__outcome_id")
    active = (
        objectives(scope)
        .filter(status=Objective.Status.ACTIVE)
        .order_by()
        .values("outcome_id", "outcome__name", "outcome__theme__name")
        .annotate(n=Count("pk"))
    )
    rows: dict[int, dict] = {}
    for row in active:
        rows[row["outcome_id"]] = {
            "outcome": row["outcome__name"],
            "theme": row["outcome__theme__name"],
            "objectives": row["n"],
            "commitments": 0,
            "at_risk": 0,
            "committed_value": ZERO,
        }
    for row in committed:
        entry = rows.setdefault(
            row["objective__outcome_id"],
            {
                "outcome": row["objective__outcome__name"],
                "theme": row["objective__outcome__theme__name"],
                "objectives": 0,
            },
        )
        entry.update(
            commitments=row["n"], at_risk=row["at_risk"], committed_value=row["committed_value"]
        )
    for outcome_id, entry in rows.items():
        entry["verified_value"] = verified.get(outcome_id, ZERO)
        entry.setdefault("commitments", 0)
        entry.setdefault("at_risk", 0)
        entry.setdefault("committed_value", ZERO)
    return sorted(rows.values(), key=lambda r: (r["theme"], r["outcome"]))


@definition(
    """Per public body buying for the place (the lead buyer only, so a jointly bought contract
    is counted once): contracts awarded or in delivery and their award value (awarded within the
    period, if one is chosen), contracts whose procurement started and how many of those were
    not compliant with section 1, current commitments, and the verified £ estimate."""
)
def by_organisation(scope: Scope) -> list[dict]:
    qs = contracts(scope)
    awarded = Q(stage__in=SPEND_STAGES, not_in_scope=False) & scope.in_period("awarded_on")
    started = Q(procurement_started_on__isnull=False) & scope.in_period("procurement_started_on")
    rows = {
        r["buyer_id"]: r
        for r in qs.order_by()
        .values("buyer_id", "buyer__name")
        .annotate(
            awarded=Count("pk", filter=awarded),
            spend=_sum("award_value", filter=awarded),
            started=Count("pk", filter=started),
            non_compliant=Count("pk", filter=started & Q(s1_compliance=Compliance.NON_COMPLIANT)),
        )
    }
    by_buyer = delivered(scope, "contract__buyer_id")
    values = {row["contract__buyer_id"]: row["verified_value"] for row in by_buyer}
    if scope.start or scope.end:
        commitment_counts = dict(
            commitments(scope).order_by().values_list("contract__buyer_id").annotate(n=Count("pk"))
        )
    else:
        commitment_counts = {row["contract__buyer_id"]: row["commitments"] for row in by_buyer}
    result = []
    for buyer_id, row in rows.items():
        row["commitments"] = commitment_counts.get(buyer_id, 0)
        row["verified_value"] = values.get(buyer_id, ZERO)
        if row["awarded"] or row["started"] or row["commitments"]:
            result.append(row)
    return sorted(result, key=lambda r: r["buyer__name"])


@definition(
    """Per financial-year quarter (Q1 is April to June): contracts awarded (by award date) and
    their award value; and returns by the quarter in which their reporting period ends — how
    many were verified, with their £ estimate, and how many are still claimed but unverified."""
)
def by_quarter(scope: Scope) -> list[dict]:
    awarded = (
        contracts(scope)
        .filter(scope.in_period("awarded_on"), awarded_on__isnull=False, not_in_scope=False)
        .exclude(stage=Stage.CANCELLED)
        .annotate(quarter=TruncQuarter("awarded_on"))
        .order_by()
        .values("quarter")
        .annotate(n=Count("pk"), value=_sum("award_value"))
    )
    delivered = (
        lines(scope)
        .order_by()
        .values("quarter")
        .annotate(
            verified=Coalesce(Sum("verified_returns"), Value(0)),
            claimed=Coalesce(Sum("claimed_returns"), Value(0)),
            verified_value=_sum("verified_value"),
        )
    )
    rows: dict[datetime.date, dict] = {}

    def entry(quarter) -> dict:
        if isinstance(quarter, datetime.datetime):
            quarter = quarter.date()
        return rows.setdefault(
            quarter,
            {
                "quarter": quarter,
                "label": periods.quarter_label(quarter),
                "awarded": 0,
                "awarded_value": ZERO,
                "verified": 0,
                "claimed": 0,
                "verified_value": ZERO,
            },
        )

    for row in awarded:
        entry(row["quarter"]).update(awarded=row["n"], awarded_value=row["value"])
    for row in delivered:
        entry(row["quarter"]).update(
            verified=row["verified"],
            claimed=row["claimed"] if not scope.public else 0,
            verified_value=row["verified_value"],
        )
    ordered = [rows[k] for k in sorted(rows)]
    top = max((r["verified_value"] for r in ordered), default=ZERO)
    for row in ordered:
        row["bar"] = int(row["verified_value"] * 100 / top) if top else 0
    return ordered


@definition(
    """Gaps: neighbourhoods (or wards) with at least one active objective naming them or an area
    inside them but no current commitment there; and active objectives that no contract serves
    — no current commitment and not named in any contract's assessment (cancelled contracts
    aside)."""
)
def gaps(scope: Scope, areas: list[dict] | None = None) -> dict:
    areas = by_area(scope) if areas is None else areas
    unserved_areas = [
        a for a in areas if a["has_objectives"] and not a["commitments"] and not a["wider"]
    ]
    commitment = Commitment.objects.current().filter(objective_id=OuterRef("pk"))
    named = Assessment.objects.filter(objectives=OuterRef("pk")).exclude(
        contract__stage=Stage.CANCELLED
    )
    unserved = list(
        objectives(scope)
        .filter(status=Objective.Status.ACTIVE)
        .filter(~Exists(commitment), ~Exists(named))
        .order_by("title")
        .values("pk", "title", "lead_organisation__name")
    )
    return {"areas": unserved_areas, "objectives": unserved}


# The public page's lists ----------------------------------------------------------------------


@definition(
    """Contracts of the place awarded, in delivery or closed that carry at least one current
    social value commitment: reference, title, buyer, supplier, award value and date, the number
    of commitments and the verified £ estimate. Nothing commercially confidential (no evaluation
    scores, no contacts) and no personal data."""
)
def contracts_with_commitments(scope: Scope, limit: int | None = None) -> tuple[list[dict], int]:
    """The contracts (newest award first; the first `limit` if given) and how many there are.

    Commitment counts and verified £ are read for the listed contracts only, from the
    per-commitment delivery totals (every verified return, whatever the period)."""
    current = commitments(scope, use_period=False)
    listed = (
        contracts(scope)
        .filter(
            scope.in_period("awarded_on"),
            stage__in=[Stage.AWARDED, Stage.IN_DELIVERY, Stage.CLOSED],
        )
        .filter(Exists(current.filter(contract_id=OuterRef("pk"))))
    )
    rows = listed.order_by("-awarded_on", "reference").values(
        "pk",
        "reference",
        "title",
        "buyer__name",
        "supplier__name",
        "award_value",
        "awarded_on",
        "stage",
    )
    rows = list(rows[:limit] if limit else rows)
    total = listed.count() if limit else len(rows)
    per_contract = {
        row["contract_id"]: row
        for row in current.filter(contract_id__in=[r["pk"] for r in rows])
        .order_by()
        .values("contract_id")
        .annotate(
            n=Count("pk"),
            value=_sum_money(
                F("delivery_total__verified") * F("proxy_value"),
                filter=Q(proxy_value__isnull=False, delivery_total__isnull=False),
            ),
        )
    }
    for row in rows:
        found = per_contract.get(row["pk"], {})
        row["commitment_count"] = found.get("n", 0)
        row["verified_value"] = found.get("value") or ZERO
    return rows, total


@definition(
    """Community proposals accepted as (or attached to) a published objective of the place,
    with the group that proposed them."""
)
def proposals_adopted(scope: Scope, limit: int | None = None) -> tuple[list[dict], int]:
    """The adopted proposals (the first `limit`, by objective, if given) and how many in all."""
    adopted = Proposal.objects.filter(hidden_at__isnull=True).filter(
        place=scope.place,
        status=Proposal.Status.ACCEPTED,
        objective__status__in=Objective.PUBLIC_STATUSES,
    )
    rows = adopted.order_by("objective__title", "title").values(
        "pk", "title", "organisation__name", "objective_id", "objective__title"
    )
    rows = list(rows[:limit] if limit else rows)
    return rows, adopted.count() if limit else len(rows)
