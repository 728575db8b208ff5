"""Importing a release package: read, order, apply release by release, report.

Releases are applied in date order (oldest first), each in its own savepoint, so one bad
release never stops the others. A dry run (the preview) does everything and rolls it all back,
so it reports exactly what the confirmed import will do.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.db import transaction

from people.models import Organisation, User
from places.models import Place

from .aliases import learn_from_match
from .applying import ImportContext, apply_release
from .matching import BuyerDirectory, SupplierBook
from .reading import MISSING, Node, kind_of, read_data
from .releases import Release, parse_release
from .report import ImportReport, ReleaseOutcome, Status

MAX_RELEASES = 500
_EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.UTC)


class _Rollback(Exception):
    pass


def import_release_package(
    data_or_file,
    *,
    place: Place,
    by: User,
    dry_run: bool = False,
    buyer_matches: dict[str, Organisation] | None = None,
    confirmed_cancellations: Collection[str] = (),
) -> ImportReport:
    """Import the releases of an OCDS release package (or a single release) whose buyer is one
    of the bodies of `place` that `by` is an officer of; report every other release with why.

    `data_or_file` is JSON text (str or bytes), a binary file, or parsed JSON. `buyer_matches`
    says which of the importer's bodies an unrecognised buyer is (by its key, as listed in
    `report.unrecognised`); `confirmed_cancellations` lists the ocids whose cancellation the
    importer has confirmed. With `dry_run`, nothing is saved.
    """
    report = ImportReport(dry_run=dry_run)
    data, problem = read_data(data_or_file)
    if data is MISSING:
        report.error("", problem)
        return report
    nodes = _release_nodes(data, report)
    report.releases = len(nodes)
    if report.errors:
        return report
    if len(nodes) > MAX_RELEASES:
        report.error(
            "releases",
            f"The package has {len(nodes)} releases. Import at most {MAX_RELEASES} at a time",
        )
        return report
    directory = BuyerDirectory.load(user=by, place=place, chosen=buyer_matches)
    if not directory.mine:
        report.error("", f"You are not an officer of a public body serving {place}")
        return report
    if any(body.pk not in directory.mine for body in directory.chosen.values()):
        raise ValueError("A buyer can only be matched to one of the importer's own bodies")
    releases, unreadable = _parse(nodes)
    ctx = ImportContext(
        place=place,
        by=by,
        directory=directory,
        suppliers=SupplierBook(by=by),
        report=report,
        confirmed_cancellations=set(confirmed_cancellations),
    )
    try:
        with transaction.atomic():
            outcomes = [*unreadable, *_apply_in_order(releases, ctx)]
            if not dry_run:
                _learn(ctx)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    report.outcomes = sorted(outcomes, key=lambda o: _index(o.path))
    report.suppliers_created = ctx.suppliers.registered
    report.saved = not dry_run
    return report


def _apply_in_order(releases: list[Release], ctx: ImportContext) -> list[ReleaseOutcome]:
    releases = sorted(releases, key=lambda r: (r.date or _EARLIEST, r.order))
    return [apply_release(release, ctx) for release in releases]


def _learn(ctx: ImportContext) -> None:
    """Remember the names and identifiers of the buyers matched on the review page, for the
    bodies they were matched to, once releases of theirs were imported."""
    for key, party in ctx.chosen_parties.items():
        body = ctx.directory.chosen[key]
        ctx.report.aliases_learnt += learn_from_match(organisation=body, party=party, by=ctx.by)


def _index(path: str) -> int:
    """releases[12] -> 12, so the report lists releases in the file's order."""
    digits = path.partition("[")[2].partition("]")[0]
    return int(digits) if digits.isdigit() else 0


def _parse(nodes: list[Node]) -> tuple[list[Release], list[ReleaseOutcome]]:
    releases, unreadable = [], []
    for order, node in enumerate(nodes):
        errors_before = len(node.errors)
        release = None
        if not node:
            node.error("expected a release, found null")
        elif not isinstance(node.value, dict):
            node.error(f"expected a release (an object), found {kind_of(node.value)}")
        else:
            release = parse_release(node, order)
        if release is not None:
            releases.append(release)
        else:
            outcome = ReleaseOutcome(node.path, "", None, status=Status.PROBLEM)
            outcome.problems = node.errors[errors_before:]
            unreadable.append(outcome)
    return releases, unreadable


def _release_nodes(data, report: ImportReport) -> list[Node]:
    errors: list = []
    root = Node(data, "", errors)
    if not isinstance(data, dict):
        report.error("", f"The file must hold a release package (an object), not {kind_of(data)}")
        return []
    if "releases" in data:
        items = root.array("releases")
        report.errors += errors
        if not items and not report.errors:
            report.error("releases", "The package has no releases, so there is nothing to import")
        return [Node(item.value, item.path, []) for item in items]
    if "records" in data:
        report.error(
            "records",
            "This is a record package. Download the release package (the notices) instead",
        )
        return []
    if "ocid" in data or "tender" in data or "awards" in data:
        return [Node(data, "", [])]
    report.error(
        "", "The file is not an OCDS release package: it has no releases (and is not a release)"
    )
    return []
