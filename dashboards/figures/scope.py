"""What the figures are about (`Scope`), the SQL helpers they share, and the scoped querysets
every figure starts from: contracts, commitments, the ledger's lines and objectives in the
filters, and delivery grouped by any field of the commitment."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from contracts import ledger
from contracts.models import Assessment, Commitment, Contract, DeliveryReturn
from objectives.models import Dimension, Objective, Outcome, Theme
from people.models import Organisation
from places.models import Area, Place
from socialvalue.sql import AnyOf

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=20, decimal_places=2)
Stage = Contract.Stage
Compliance = Contract.Compliance
ReturnStatus = DeliveryReturn.Status
CLAIMED = (ReturnStatus.SUBMITTED, ReturnStatus.QUERIED)
SPEND_STAGES = (Stage.AWARDED, Stage.IN_DELIVERY)
CENTRAL_MINIMUM = Decimal("10")


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

    def public_twin(self) -> Scope:
        """The same filters as the transparency page applies them (`public`), sharing what
        this scope has read once that does not depend on it: the area's subtree and the ids
        of the commitments and contracts a narrow filter selects (not the objectives: the
        public page counts published ones only). A neighbourhood page shows both."""
        if self.public:
            return self
        twin = replace(self, public=True)
        for key in ("areas", "commitments", "contracts", "delivered"):
            if key in self._read_once:
                twin._read_once[key] = self._read_once[key]
        return twin

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
        qs = qs.filter(AnyOf("area_id", _areas_within(scope)))
    return qs


# A filter that selects at most this many commitments is resolved to their ids (and their
# contracts') once per page, so every figure then reads those rows by primary key instead of
# applying the filter again to every commitment and contract of the place. A wider filter (or
# none) stays a subquery. 10,000 takes in a ward of a county without a buyer filter (about
# 4,000 commitments at `seed_scale --scale 1`), the transparency page's filter: at 2,000 its
# figures fell back to subqueries and took 1.8 s at p95 against 1.2 s.
NARROW = 10000
NARROW_CONTRACTS = 5000


def _narrow_ids(scope: Scope) -> tuple[list[int], list[int]] | None:
    """(commitment ids, contract ids) of a narrow filter, read in one query the first time a
    page asks; None when there is no filter or it is wider than NARROW."""
    if "commitments" not in scope._read_once:
        found = None
        if scope.organisation or scope.has_commitment_filters:
            rows = _in_area_first(scope)
            if rows is None:
                rows = list(
                    _commitments(scope).order_by().values_list("pk", "contract_id")[: NARROW + 1]
                )
            if len(rows) <= NARROW:
                found = ([pk for pk, _ in rows], sorted({c for _, c in rows}))
        scope._read_once["commitments"] = found
    return scope._read_once["commitments"]


def _in_area_first(scope: Scope) -> list[tuple[int, int]] | None:
    """A narrow area filter's (commitment id, contract id) pairs in two steps, each read from an
    index: the area's current commitments (by area), then which of their contracts are the
    place's and bought by the organisation (by primary key). In one query, PostgreSQL hashes
    every contract of the place to join them (86 ms at county scale). None when there is no
    area, or the area holds more than NARROW commitments."""
    if not scope.area:
        return None
    in_area = list(
        Commitment.objects.current()
        .filter(_objective_condition(scope, "objective__"), AnyOf("area_id", _areas_within(scope)))
        .order_by()
        .values_list("pk", "contract_id")[: NARROW + 1]
    )
    if len(in_area) > NARROW:
        return None
    chosen = Contract.objects.filter(AnyOf("pk", {c for _, c in in_area}), place=scope.place)
    if scope.organisation:
        chosen = chosen.filter(_bought(scope))
    kept = set(chosen.order_by().values_list("pk", flat=True))
    return [(pk, contract) for pk, contract in in_area if contract in kept]


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
        areas = Contract.areas.through.objects.filter(AnyOf("area_id", _areas_within(scope)))
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
    known = scope._read_once.get("contracts")
    if known is not None:
        return Contract.objects.filter(AnyOf("pk", known))
    others = _contracts_otherwise(scope)
    narrow = _narrow_ids(scope) if scope.has_commitment_filters else None
    combined = others
    if scope.has_commitment_filters:
        serving = (
            AnyOf("pk", narrow[1])
            if narrow
            else Q(pk__in=_commitments(scope).values("contract_id"))
        )
        combined = Contract.objects.filter(serving | Q(pk__in=others.values("pk")))
    if "contracts" in scope._read_once or not (scope.organisation or scope.has_commitment_filters):
        return combined  # no filter, or one found wider than NARROW_CONTRACTS
    # As for a narrow filter's commitments: a filter selecting at most NARROW_CONTRACTS
    # contracts is read as ids once, and every figure selects those by primary key.
    if narrow:
        # The two halves read apart and joined here: as one `id = ANY(…) OR id IN (…)`,
        # PostgreSQL scans every contract of the place to test each against the list.
        found = sorted(
            set(narrow[1])
            | set(others.order_by().values_list("pk", flat=True)[: NARROW_CONTRACTS + 1])
        )
    else:
        found = list(combined.order_by().values_list("pk", flat=True)[: NARROW_CONTRACTS + 1])
    scope._read_once["contracts"] = found if len(found) <= NARROW_CONTRACTS else None
    return contracts(scope)


def commitments(scope: Scope, *, use_period: bool = True):
    """Current (not withdrawn) commitments on the place's contracts, in the area or below it,
    serving an objective of the theme, outcome and dimension, on contracts the organisation
    buys; with a period, those whose delivery window overlaps it."""
    narrow = _narrow_ids(scope)
    qs = Commitment.objects.filter(AnyOf("pk", narrow[0])) if narrow else _commitments(scope)
    if use_period:
        if scope.end:
            qs = qs.filter(start_date__lte=scope.end)
        if scope.start:
            qs = qs.filter(due_date__gte=scope.start)
    return qs


def lines(scope: Scope):
    """The ledger's lines (`contracts.ledger`) of those commitments, for the reporting periods
    ending within the period."""
    narrow = _narrow_ids(scope)
    # A narrow filter's lines are read by their commitments' ids, from the ledger's index on
    # commitment; through `commitment__in` the database would scan every commitment.
    chosen = (
        AnyOf("commitment_id", narrow[0])
        if narrow
        else Q(commitment__in=commitments(scope, use_period=False))
    )
    return ledger.entries().filter(scope.in_period("period_end"), chosen)


def objectives(scope: Scope):
    """The place's objectives (published ones only on the public page) led or partnered by the
    organisation, naming the area or an area inside it, of the theme, outcome and dimension."""
    known = scope._read_once.get("objectives")
    if known is not None:
        return Objective.objects.filter(AnyOf("pk", known))
    qs = Objective.objects.filter(_objective_condition(scope), place=scope.place)
    if scope.public:
        qs = qs.public()
    if scope.organisation:
        qs = qs.involving_organisation(scope.organisation)
    if scope.area:
        qs = qs.within_area(scope.area)
    if not (scope.organisation or scope.area):
        return qs
    # A place has a few thousand objectives at most: read the filter's once per page, so the
    # figures' queries select them by id instead of repeating the partners and area subtree
    # (and this filter is built once per page, not once per figure).
    scope._read_once["objectives"] = list(qs.order_by().values_list("pk", flat=True))
    return objectives(scope)


COMMITTED = {
    "commitments": lambda: Count("pk"),
    "committed": lambda: _sum("quantity"),
    "committed_value": lambda: _sum_money(
        F("quantity") * F("proxy_value"), filter=Q(proxy_value__isnull=False)
    ),
    "without_proxy": lambda: Count("pk", filter=Q(proxy_value__isnull=True)),
}


# What a narrow filter's delivery is read by, once per page (`delivered`): the keys the figures
# group it by (area, outcome, measure with its names), each a field of the commitment.
ONCE_KEYS = (
    "area_id",
    "area__path",
    "objective__outcome_id",
    "measure_id",
    "measure__code",
    "measure__name",
    "measure__unit",
    "measure__retired_at",
)


def delivered(scope: Scope, *fields: str) -> list[dict]:
    """Verified and claimed quantities, the verified £ estimate and the numbers of verified and
    claimed returns, of the returns in the scope, grouped by `fields` of their commitments
    (without a period, with what was committed too: COMMITTED).

    A narrow filter's delivery is read once per page, grouped by every key the figures ask
    for (ONCE_KEYS: a few hundred rows for a county's ward), and summed here by `fields`:
    the areas, outcomes, measures and delivery against need each read the same lines of the
    same commitments, which at county scale cost 40–60 ms a pass, cold."""
    if set(fields) <= set(ONCE_KEYS) and _narrow_ids(scope):
        if "delivered" not in scope._read_once:
            scope._read_once["delivered"] = _delivered(scope, ONCE_KEYS)
        return regrouped(scope._read_once["delivered"], fields)
    return _delivered(scope, fields)


def verified_by_area_and_measure(scope: Scope) -> list[dict]:
    """The verified quantity per commitment area and measure of the scope's commitments, over
    the reporting periods ending in its period (`ledger.verified_by_area_and_measure`): rows of
    `area_id`, `measure_id` and `verified`, those with some. A narrow filter's are summed from
    the delivery it has read once (`delivered`)."""
    if not _narrow_ids(scope):
        return ledger.verified_by_area_and_measure(
            commitments(scope, use_period=False), start=scope.start, end=scope.end
        )
    return [
        {"area_id": row["area_id"], "measure_id": row["measure_id"], "verified": row["verified"]}
        for row in delivered(scope, "area_id", "measure_id")
        if row["verified"] > 0
    ]


def regrouped(rows: list[dict], fields: tuple[str, ...]) -> list[dict]:
    """`rows` (grouped by more keys than `fields`) summed by `fields`: each value that is not a
    key of ONCE_KEYS is added up."""
    totals: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(row[name] for name in fields)
        total = totals.get(key)
        if total is None:
            totals[key] = {
                name: value
                for name, value in row.items()
                if name in fields or name not in ONCE_KEYS
            }
            continue
        for name, value in row.items():
            if name not in ONCE_KEYS:
                total[name] += value
    return list(totals.values())


def _delivered(scope: Scope, fields: tuple[str, ...]) -> list[dict]:
    """`delivered` read from the database, grouped by `fields`.

    With a period, the returns whose reporting period ends in it are summed. Without one, every
    return counts, and the per-commitment totals give the same answer from one row per
    commitment instead of one per return."""
    if scope.start or scope.end:
        narrow = _narrow_ids(scope)
        if narrow:
            # From a narrow filter's commitments, read by id, to their lines of the period
            # (from the ledger's index on commitment): starting from the lines, PostgreSQL
            # scans every commitment to join them for the grouping.
            prefix, line = "", "line__"
            base = (
                Commitment.objects.filter(AnyOf("pk", narrow[0]))
                .annotate(
                    line=FilteredRelation(
                        "ledger_entries", condition=scope.in_period("ledger_entries__period_end")
                    )
                )
                .filter(line__isnull=False)
            )
        else:
            prefix, line, base = "commitment__", "", lines(scope)
        rows = (
            base.order_by()
            .values(*(prefix + name for name in fields))
            .annotate(
                verified=_sum(line + "verified"),
                claimed=_sum(line + "claimed"),
                verified_value=_sum(line + "verified_value"),
                verified_returns=Coalesce(Sum(line + "verified_returns"), Value(0)),
                claimed_returns=Coalesce(Sum(line + "claimed_returns"), Value(0)),
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
