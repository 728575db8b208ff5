"""Writes to outcomes frameworks: frameworks, themes, outcomes and measures.

Every function is keyword-only and runs in one transaction. Objects are checked with
`full_clean()` (so the models' own rules apply) and saved with the acting person recorded in
their history. Nothing is deleted: measures and frameworks are retired, so every target,
commitment and return that used them keeps its meaning. A retired framework is frozen.

A measure's proxy value can change (a new year's figure). That updates the measure only:
commitments copy the proxy they were made with, so history is not rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from places.models import Place
from socialvalue.history import as_user

from ..models import Dimension, Framework, Measure, Outcome, Theme

DIMENSION_VALUES = frozenset(d.value for d in Dimension)
NO_DIMENSION = "Choose at least one well-being dimension: economic, social or environmental"


def save_validated(instance, by):
    """Check the instance with the model's own rules, then save it as done by `by`."""
    instance.full_clean()
    as_user(instance, by).save()
    return instance


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def retired_framework_message(framework: Framework) -> str:
    return (
        f"{framework.name} version {framework.version} has been retired, so it cannot be "
        "changed. Create a new version of the framework instead"
    )


def _open_framework(framework_id: int) -> Framework:
    """The framework, locked for this transaction; refused if it has been retired."""
    framework = Framework.objects.select_for_update().get(pk=framework_id)
    if framework.is_retired:
        raise ValidationError(retired_framework_message(framework))
    return framework


def check_dimensions(dimensions: Iterable[str] | None) -> set[str]:
    """The dimensions as a set, refused if empty or unknown."""
    chosen = {str(d).strip().lower() for d in dimensions or () if str(d).strip()}
    if not chosen:
        raise ValidationError({"dimensions": NO_DIMENSION})
    unknown = sorted(chosen - DIMENSION_VALUES)
    if unknown:
        raise ValidationError(
            {
                "dimensions": f"{', '.join(unknown)} is not a well-being dimension. Choose "
                "economic, social or environmental"
            }
        )
    return chosen


def _check_framework_is_new(*, place: Place, name: str, version: str, exclude_pk=None) -> None:
    others = Framework.objects.filter(place=place, name=name, version=version)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if name and version and others.exists():
        raise ValidationError(
            {
                "version": f"{place} already has version {version} of {name}. Enter a different "
                "version"
            }
        )


# Frameworks ------------------------------------------------------------------------------------


@transaction.atomic
def framework_create(
    *,
    place: Place,
    name: str,
    version: str,
    by,
    description: str = "",
    source: str = "",
    licence: str = "",
) -> Framework:
    framework = Framework(
        place=place,
        name=_strip(name),
        version=_strip(version),
        description=_strip(description),
        source=_strip(source),
        licence=_strip(licence),
        created_by=by,
    )
    _check_framework_is_new(place=place, name=framework.name, version=framework.version)
    return save_validated(framework, by)


FRAMEWORK_FIELDS = {"name", "version", "description", "source", "licence"}


@transaction.atomic
def framework_update(*, framework: Framework, by, **fields) -> Framework:
    """Change a framework's name, version, description, source or licence."""
    unknown = set(fields) - FRAMEWORK_FIELDS
    if unknown:
        raise TypeError(f"framework_update() cannot change {', '.join(sorted(unknown))}")
    locked = _open_framework(framework.pk)
    for name, value in fields.items():
        setattr(locked, name, _strip(value))
    _check_framework_is_new(
        place=locked.place, name=locked.name, version=locked.version, exclude_pk=locked.pk
    )
    return save_validated(locked, by)


@transaction.atomic
def framework_retire(*, framework: Framework, by) -> Framework:
    """Retire a framework: it stays on record, with everything in it, but is no longer offered
    for new objectives, targets or commitments, and can no longer be changed."""
    framework = _open_framework(framework.pk)
    framework.status = Framework.Status.RETIRED
    framework.retired_at = timezone.now()
    return save_validated(framework, by)


# Themes ----------------------------------------------------------------------------------------


def _check_theme_name(*, framework: Framework, name: str, exclude_pk=None) -> None:
    others = Theme.objects.filter(framework=framework, name=name)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if name and others.exists():
        raise ValidationError(
            {"name": f"The framework already has a theme called {name}. Enter a different name"}
        )


@transaction.atomic
def theme_create(*, framework: Framework, name: str, code: str = "", by) -> Theme:
    framework = _open_framework(framework.pk)
    name = _strip(name)
    _check_theme_name(framework=framework, name=name)
    last = framework.themes.aggregate(last=Max("position"))["last"]
    theme = Theme(
        framework=framework,
        name=name,
        code=_strip(code),
        position=0 if last is None else last + 1,
    )
    return save_validated(theme, by)


@transaction.atomic
def theme_update(*, theme: Theme, by, name: str | None = None, code: str | None = None) -> Theme:
    _open_framework(theme.framework_id)
    theme = Theme.objects.get(pk=theme.pk)
    if name is not None:
        theme.name = _strip(name)
        _check_theme_name(framework=theme.framework, name=theme.name, exclude_pk=theme.pk)
    if code is not None:
        theme.code = _strip(code)
    return save_validated(theme, by)


# Outcomes --------------------------------------------------------------------------------------


def _check_outcome_name(*, theme: Theme, name: str, exclude_pk=None) -> None:
    others = Outcome.objects.filter(theme=theme, name=name)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if name and others.exists():
        raise ValidationError(
            {"name": f"{theme.name} already has an outcome called {name}. Enter a different name"}
        )


@transaction.atomic
def outcome_create(
    *,
    theme: Theme,
    name: str,
    dimensions: Iterable[str],
    code: str = "",
    description: str = "",
    by,
) -> Outcome:
    _open_framework(theme.framework_id)
    name = _strip(name)
    chosen = check_dimensions(dimensions)
    _check_outcome_name(theme=theme, name=name)
    last = theme.outcomes.aggregate(last=Max("position"))["last"]
    outcome = Outcome(
        theme=theme,
        framework_id=theme.framework_id,
        name=name,
        code=_strip(code),
        description=_strip(description),
        position=0 if last is None else last + 1,
    )
    outcome.set_dimensions(chosen)
    return save_validated(outcome, by)


OUTCOME_FIELDS = {"name", "code", "description", "dimensions"}


@transaction.atomic
def outcome_update(*, outcome: Outcome, by, **fields) -> Outcome:
    """Change an outcome's name, code, description or dimensions. An outcome stays in its
    theme: moving it would change what past objectives were for."""
    unknown = set(fields) - OUTCOME_FIELDS
    if unknown:
        raise TypeError(f"outcome_update() cannot change {', '.join(sorted(unknown))}")
    _open_framework(outcome.framework_id)
    outcome = Outcome.objects.select_related("theme").get(pk=outcome.pk)
    if "dimensions" in fields:
        outcome.set_dimensions(check_dimensions(fields.pop("dimensions")))
    for name, value in fields.items():
        setattr(outcome, name, _strip(value))
    if "name" in fields:
        _check_outcome_name(theme=outcome.theme, name=outcome.name, exclude_pk=outcome.pk)
    return save_validated(outcome, by)


# Measures --------------------------------------------------------------------------------------


def _check_measure_code(*, framework_id: int, code: str, exclude_pk=None) -> None:
    others = Measure.objects.filter(framework_id=framework_id, code=code)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if code and others.exists():
        raise ValidationError(
            {
                "code": f"The framework already has a measure with the code {code}. Enter a "
                "different code"
            }
        )


@transaction.atomic
def measure_create(
    *,
    outcome: Outcome,
    code: str,
    name: str,
    unit: str,
    guidance: str = "",
    proxy_value: Decimal | None = None,
    proxy_source: str = "",
    proxy_year: int | None = None,
    by,
) -> Measure:
    _open_framework(outcome.framework_id)
    measure = Measure(
        outcome=outcome,
        framework_id=outcome.framework_id,
        code=_strip(code),
        name=_strip(name),
        unit=_strip(unit),
        guidance=_strip(guidance),
        proxy_value=proxy_value,
        proxy_source=_strip(proxy_source),
        proxy_year=proxy_year,
    )
    _check_measure_code(framework_id=outcome.framework_id, code=measure.code)
    return save_validated(measure, by)


MEASURE_FIELDS = {"code", "name", "unit", "guidance", "proxy_value", "proxy_source", "proxy_year"}
MOVE_REFUSED = (
    "A measure cannot move to another outcome: moving a measure between outcomes would rewrite "
    "history. Add a new measure to the other outcome and retire this one"
)


@transaction.atomic
def measure_update(*, measure: Measure, by, **fields) -> Measure:
    """Change a measure's code, name, unit, guidance or proxy value (with its source and year).

    Only the measure changes: targets and commitments keep what they recorded.
    """
    if "outcome" in fields or "outcome_id" in fields:
        raise ValidationError({"outcome": MOVE_REFUSED})
    unknown = set(fields) - MEASURE_FIELDS
    if unknown:
        raise TypeError(f"measure_update() cannot change {', '.join(sorted(unknown))}")
    _open_framework(measure.framework_id)
    measure = Measure.objects.get(pk=measure.pk)
    if measure.is_retired:
        raise ValidationError(
            f"{measure.code} has been retired, so it cannot be changed. Reinstate it first"
        )
    for name, value in fields.items():
        setattr(measure, name, _strip(value))
    if "code" in fields:
        _check_measure_code(
            framework_id=measure.framework_id, code=measure.code, exclude_pk=measure.pk
        )
    return save_validated(measure, by)


@transaction.atomic
def measure_retire(*, measure: Measure, by) -> Measure:
    """Retire a measure: it is kept, with its history, but not offered for new targets."""
    _open_framework(measure.framework_id)
    measure = Measure.objects.get(pk=measure.pk)
    if measure.is_retired:
        raise ValidationError(f"{measure.code} has already been retired")
    measure.retired_at = timezone.now()
    return save_validated(measure, by)


@transaction.atomic
def measure_reinstate(*, measure: Measure, by) -> Measure:
    """Put a retired measure back in use."""
    _open_framework(measure.framework_id)
    measure = Measure.objects.get(pk=measure.pk)
    if not measure.is_retired:
        raise ValidationError(f"{measure.code} is in use: it has not been retired")
    measure.retired_at = None
    return save_validated(measure, by)
