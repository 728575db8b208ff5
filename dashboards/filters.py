"""From the filter form to a `figures.Scope`: the one place the dashboard's filters are read."""

from django.utils import timezone

from . import periods
from .figures import Scope
from .forms import DashboardFilterForm


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
