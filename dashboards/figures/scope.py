"""What the figures are about (`Scope`), the SQL helpers they share, and the scoped querysets
every figure starts from: contracts, commitments and objectives in the filters (the ledger's
lines and delivery summed from them are in `sums.py`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

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
