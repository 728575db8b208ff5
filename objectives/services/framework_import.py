"""Importing an outcomes framework from CSV (the format: `objectives.framework_csv`).

`import_framework_csv()` follows places.importers: it checks every row first, against the rest
of the file and against the framework already held (`framework_rows`), and only then writes,
in one transaction. A file with any problem writes nothing, and every problem is reported with
its line number. Importing into an existing (place, name, version) is an update: themes are
matched by name, outcomes by theme and name, measures by code. Unchanged rows change nothing,
and measures that are not in the file are kept (never deleted) and listed as such."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from places.models import Place
from socialvalue.csvimport import Report

from ..models import Framework, Measure, Outcome, Theme
from .framework_rows import FRAMEWORK_MAX_LENGTHS, _check_against, _plan, _plural, _read
from .frameworks import (
    framework_create,
    retired_framework_message,
    save_validated,
)


@dataclass
class FrameworkImportReport(Report):
    """What an import did (or, for a dry run or a file with errors, would have done).

    If `errors` is not empty, nothing was saved. `kept` lists the codes of measures the framework
    holds that are not in the file: they are kept, never deleted.
    """

    framework: Framework | None = None
    framework_created: bool = False
    framework_updated: bool = False
    themes_created: int = 0
    themes_updated: int = 0
    outcomes_created: int = 0
    outcomes_updated: int = 0
    measures_created: int = 0
    measures_updated: int = 0
    measures_unchanged: int = 0
    kept: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return self.themes_created + self.outcomes_created + self.measures_created

    @property
    def updated(self) -> int:
        return self.themes_updated + self.outcomes_updated + self.measures_updated

    def summary(self) -> str:
        """One sentence for a banner or a command's output."""
        parts = [
            f"{self.themes_created} {_plural(self.themes_created, 'theme')}, "
            f"{self.outcomes_created} {_plural(self.outcomes_created, 'outcome')} and "
            f"{self.measures_created} {_plural(self.measures_created, 'measure')} created",
            f"{self.themes_updated} {_plural(self.themes_updated, 'theme')}, "
            f"{self.outcomes_updated} {_plural(self.outcomes_updated, 'outcome')} and "
            f"{self.measures_updated} {_plural(self.measures_updated, 'measure')} updated",
        ]
        if self.kept:
            parts.append(
                f"{len(self.kept)} {_plural(len(self.kept), 'measure')} not in this file, kept"
            )
        return "; ".join(parts)


def import_framework_csv(
    file_obj,
    *,
    place: Place,
    name: str,
    version: str,
    by,
    licence: str = "",
    source: str = "",
    dry_run: bool = False,
) -> FrameworkImportReport:
    """Import a framework from CSV into `place` as (`name`, `version`), or update that version.

    `file_obj` is a binary or text file (binary is read as UTF-8; a byte order mark is fine).
    With `dry_run`, everything is checked and counted but nothing is saved.

    The order (read, plan, check against the framework held, then write in one transaction)
    is the import's guarantee, and reads as one sequence; the steps themselves are functions
    (`framework_rows`, `_write`).
    """
    report = FrameworkImportReport(dry_run=dry_run)
    name, version = (name or "").strip(), (version or "").strip()
    licence, source = (licence or "").strip(), (source or "").strip()
    given = (("name", name), ("version", version), ("licence", licence), ("source", source))
    _check_given(given, report)
    read = _read(file_obj, report)
    if read is None:
        return _finish(report)
    present, rows = read
    themes, measures = _plan(rows, present, report)
    framework = _held(report, measures, place=place, name=name, version=version)
    if report.errors:
        return _finish(report)
    with transaction.atomic():
        _write(
            report,
            framework,
            themes,
            measures,
            present,
            place=place,
            name=name,
            version=version,
            by=by,
            licence=licence,
            source=source,
        )
        if report.errors or dry_run:
            transaction.set_rollback(True)
    report.saved = not report.errors and not dry_run
    return _finish(report)


def _check_given(given, report: FrameworkImportReport) -> None:
    """Reports each of the framework's own fields (name, version, licence, source) that is
    missing, too long or breaks the model's rules for text."""
    for label, value in given:
        if label in ("name", "version") and not value:
            report.error(None, f"the framework's {label} is missing")
        elif label in FRAMEWORK_MAX_LENGTHS and len(value) > FRAMEWORK_MAX_LENGTHS[label]:
            report.error(
                None,
                f"the framework's {label} is longer than {FRAMEWORK_MAX_LENGTHS[label]} characters",
            )
        else:
            try:  # the model's own rules for the text (socialvalue.text)
                Framework._meta.get_field(label).run_validators(value)
            except ValidationError as exc:
                report.error(None, f"the framework's {label}: {'; '.join(exc.messages)}")


def _held(report, measures, *, place, name, version) -> Framework | None:
    """The framework version already held, if any, with the plan checked against it: a
    retired version cannot be updated."""
    # Only a name and version that passed their checks are looked up (PostgreSQL cannot even
    # be asked about a NUL character).
    framework = (
        None
        if report.errors and any(error.line is None for error in report.errors)
        else Framework.objects.filter(place=place, name=name, version=version).first()
    )
    if framework is not None:
        if framework.is_retired:
            report.error(None, retired_framework_message(framework))
        else:
            _check_against(framework, measures, report)
    return framework


def _finish(report: FrameworkImportReport) -> FrameworkImportReport:
    report.errors.sort(key=lambda error: error.line or 0)
    return report


def _write(
    report, framework, themes, measures, present, *, place, name, version, by, licence, source
) -> None:
    """Write a checked plan: the framework, then its themes, outcomes and measures, counting
    what was created, updated or left unchanged. Each level needs the level above it just
    written, inside the import's one transaction."""
    if framework is None:
        framework = framework_create(
            place=place, name=name, version=version, by=by, licence=licence, source=source
        )
        report.framework_created = True
    else:
        changed = False
        for attr, value in (("licence", licence), ("source", source)):
            if value and getattr(framework, attr) != value:
                setattr(framework, attr, value)
                changed = True
        if changed:
            save_validated(framework, by)
            report.framework_updated = True
    report.framework = framework
    outcomes_by_name = _write_themes(report, framework, themes, by)
    _write_measures(report, framework, measures, outcomes_by_name, by)


def _write_themes(report, framework, themes, by) -> dict[tuple[str, str], Outcome]:
    """Create or update the plan's themes and, under each theme saved, its outcomes; new ones
    go after those held. Returns the outcomes by (theme name, outcome name)."""
    held_themes = {t.name: t for t in framework.themes.all()}
    held_outcomes = {(o.theme_id, o.name): o for o in framework.outcomes.all()}
    last = framework.themes.aggregate(last=Max("position"))["last"]
    next_theme = 0 if last is None else last + 1
    outcomes_by_name: dict[tuple[str, str], Outcome] = {}
    for theme_plan in themes.values():
        theme = held_themes.get(theme_plan.name)
        if theme is None:
            theme = Theme(
                framework=framework,
                name=theme_plan.name,
                code=theme_plan.code or "",
                position=next_theme,
            )
            next_theme += 1
            if _trysave_validated(theme, by, theme_plan.line, report):
                report.themes_created += 1
                held_themes[theme.name] = theme
        elif theme_plan.code is not None and theme.code != theme_plan.code:
            theme.code = theme_plan.code
            if _trysave_validated(theme, by, theme_plan.line, report):
                report.themes_updated += 1
        if theme.pk is None:
            continue
        positions = [o.position for key, o in held_outcomes.items() if key[0] == theme.pk]
        next_outcome = max(positions) + 1 if positions else 0
        for plan in theme_plan.outcomes.values():
            outcome = held_outcomes.get((theme.pk, plan.name))
            if outcome is None:
                outcome = Outcome(
                    theme=theme, framework=framework, name=plan.name, position=next_outcome
                )
                next_outcome += 1
                created = True
            else:
                created = False
            _write_outcome(report, outcome, plan, created, by)
            outcomes_by_name[(plan.theme, plan.name)] = outcome
    return outcomes_by_name


def _write_outcome(report, outcome: Outcome, plan, created: bool, by) -> None:
    """Save the outcome if it is new or the plan changes its code, description or dimensions."""
    changed = created
    wanted = {"code": plan.code, "description": plan.description}
    for attr, value in wanted.items():
        if value is not None and getattr(outcome, attr) != value:
            setattr(outcome, attr, value)
            changed = True
    if set(outcome.dimensions) != set(plan.dimensions):
        outcome.set_dimensions(plan.dimensions)
        changed = True
    if changed and _trysave_validated(outcome, by, plan.line, report):
        if created:
            report.outcomes_created += 1
        else:
            report.outcomes_updated += 1


def _write_measures(report, framework, measures, outcomes_by_name, by) -> None:
    """Create or update each planned measure under its outcome, and note the measures held
    that the file leaves out (they are kept)."""
    held_measures = {m.code: m for m in framework.measures.all()}
    now = timezone.now()
    for plan in measures:
        outcome = outcomes_by_name.get((plan.theme, plan.outcome))
        if outcome is None or outcome.pk is None:
            continue  # its outcome could not be saved, and that error is already reported
        measure = held_measures.get(plan.fields["code"])
        created = measure is None
        if created:
            measure = Measure(outcome=outcome, framework=framework)
        changed = created
        for attr, value in plan.fields.items():
            if value is None and attr in ("guidance", "proxy_source"):
                value = ""
            if getattr(measure, attr) != value:
                setattr(measure, attr, value)
                changed = True
        if plan.retired is not None and plan.retired != measure.is_retired:
            measure.retired_at = now if plan.retired else None
            changed = True
        if not changed:
            report.measures_unchanged += 1
        elif _trysave_validated(measure, by, plan.line, report):
            if created:
                report.measures_created += 1
            else:
                report.measures_updated += 1
    in_file = {plan.fields["code"] for plan in measures}
    report.kept = sorted(code for code in held_measures if code not in in_file)


def _trysave_validated(instance, by, line: int, report) -> bool:
    try:
        save_validated(instance, by)
    except ValidationError as exc:
        for message in exc.messages:
            report.error(line, message[:1].lower() + message[1:])
        return False
    return True


__all__ = ["FrameworkImportReport", "import_framework_csv"]
