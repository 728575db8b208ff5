"""From the filter form to a `figures.Scope`: the one place the dashboard's filters are read."""

import datetime

from django.utils import timezone

from objectives.models import Outcome, Theme
from people.models import Organisation
from places.models import Area, Place

from . import periods
from .figures import Scope
from .forms import DashboardFilterForm

# The scope's filters that are rows of a model, named by their primary keys in `scope_values`.
MODEL_FILTERS = {"organisation": Organisation, "area": Area, "theme": Theme, "outcome": Outcome}


def scope_from(form: DashboardFilterForm, *, public: bool = False) -> Scope:
    """The scope a valid (or empty) form asks for. Invalid choices are ignored, with the error
    shown on the form, so a stale link still shows the place's figures."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    period = periods.parse(data.get("period", ""))
    return Scope(
        place=form.place,
        start=period.start if period else None,
        end=period.end if period else None,
        organisation=data.get("organisation"),
        area=data.get("area"),
        theme=data.get("theme"),
        outcome=data.get("outcome"),
        dimension=data.get("dimension", ""),
        public=public,
        today=timezone.localdate(),
    )


def scope_values(scope: Scope) -> dict:
    """The scope as plain JSON values: the figures cache's key, and a queued task's argument
    (`scope_from_values` reads it back)."""
    dates = {name: getattr(scope, name) for name in ("start", "end", "today")}
    return {
        "place": scope.place.pk,
        **{name: value.isoformat() if value else None for name, value in dates.items()},
        **{
            name: getattr(scope, name).pk if getattr(scope, name) else None
            for name in MODEL_FILTERS
        },
        "dimension": scope.dimension,
        "public": scope.public,
    }


def scope_from_values(values: dict) -> Scope | None:
    """The scope `scope_values` describes; None if a place or filter it names no longer
    exists."""
    found = {}
    for name, model in {"place": Place, **MODEL_FILTERS}.items():
        if values[name] is not None:
            found[name] = model.objects.filter(pk=values[name]).first()
            if found[name] is None:
                return None
    return Scope(
        **found,
        **{
            name: datetime.date.fromisoformat(values[name]) if values[name] else None
            for name in ("start", "end", "today")
        },
        dimension=values["dimension"],
        public=values["public"],
    )


def describe(scope: Scope) -> list[str]:
    """The filters in words, for the page and the printed report."""
    parts = []
    if scope.start:
        year, quarter = periods.quarter_of(scope.start)
        candidates = [periods.year_period(year), periods.quarter_period(year, quarter)]
        period = next((p for p in candidates if (p.start, p.end) == (scope.start, scope.end)), None)
        parts.append(period.label if period else f"{scope.start} to {scope.end}")
    else:
        parts.append("All time")
    parts.append(scope.organisation.name if scope.organisation else "All partner organisations")
    parts.append(
        f"Area: {scope.area.name} and everything inside it"
        if scope.area
        else f"Area: the whole of {scope.place.name}"
    )
    if scope.theme:
        parts.append(f"Theme: {scope.theme.name}")
    if scope.outcome:
        parts.append(f"Outcome: {scope.outcome.name}")
    if scope.dimension:
        parts.append(f"Dimension: {scope.dimension}")
    return parts
