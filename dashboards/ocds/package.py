"""The package around the releases: ocids, publisher, extensions, and the streamed document.

The ocid is the contract's own when it has one (imported from Find a Tender or Contracts
Finder, with that publisher's prefix); otherwise one is minted as
`<SOCIALVALUE_OCID_PREFIX>-<contract id>`. A council registers its prefix with the Open
Contracting Partnership and sets it; the demo uses a clearly fictional one. Fields OCDS and the
extensions used do not define are declared in the project's own extension
(`data/ocds/extensions/socialvalue/`, served at `extension_url()` and listed in the package).
Each place's package names its own publisher (`publisher_for`). `unpublished_reason` says why a
place has no package yet: no prefix, no publisher, or nothing to publish.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from contracts.models import (
    Assessment,
    AwardSupplier,
    Commitment,
    Contract,
    LedgerEntry,
)
from places.models import Place

from ..figures import Scope, contracts
from .release import STAGES, _datetime, ocid_prefix, release_for

VERSION = "1.1"
EXTENSIONS = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_sustainability_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_metrics_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_partyDetails_scale_extension/master/extension.json",
]
CHUNK_SIZE = 200
EXTENSION_DIR = (
    Path(__file__).resolve().parent.parent / "data" / "ocds" / "extensions" / "socialvalue"
)


def extension_url() -> str:
    """The stable address of the project's own OCDS extension (listed in every package)."""
    path = reverse("dashboards:ocds_extension", kwargs={"name": "extension.json"})
    return settings.SOCIALVALUE_SITE_URL + path


def publisher_for(place: Place) -> dict | None:
    """The place's own publisher: the one configured for it, else its local authority when it
    has exactly one. None when neither says who publishes."""
    if place.open_data_publisher:
        return {"name": place.open_data_publisher}
    councils = list(
        place.organisations.filter(kind="local_authority", archived_at__isnull=True)[:2]
    )
    if len(councils) != 1:
        return None
    publisher = {"name": councils[0].name}
    parts = councils[0].identifier.split("-", 2)
    if len(parts) == 3 and all(parts):
        publisher.update(scheme=f"{parts[0]}-{parts[1]}", uid=parts[2])
    return publisher


def unpublished_reason(scope: Scope) -> str | None:
    """Why the place has no OCDS package yet, or None when it has one."""
    place = scope.place
    if not ocid_prefix():
        return (
            "Open contracting data is published once the council has registered its OCDS "
            "prefix with the Open Contracting Partnership and set it here"
        )
    if publisher_for(place) is None:
        return f"Open contracting data for {place} is published once its publisher is named"
    if not exported_contracts(scope).exists():
        return (
            f"Nothing to publish yet: no contract in {place} has started procurement with a "
            "social value assessment or commitments on record"
        )
    return None


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
                # The ledger's lines with verified delivery, one per reporting period.
                "ledger_entries",
                queryset=LedgerEntry.objects.filter(verified_returns__gt=0).order_by(
                    "period_start"
                ),
                to_attr="verified_returns",
            )
        )
        .order_by("pk")
    )
    suppliers = AwardSupplier.objects.select_related("organisation").order_by("position")
    return (
        Contract.objects.filter(pk__in=ids)
        .select_related("buyer", "supplier")
        .prefetch_related(
            Prefetch("assessments", queryset=approved, to_attr="approved_assessments"),
            Prefetch("commitments", queryset=current, to_attr="current_commitments"),
            Prefetch("award_suppliers", queryset=suppliers, to_attr="award_rows"),
            "joint_buyers",
            "subcontractors",
        )
        .order_by("reference", "pk")
    )


def _head(*, uri: str, now: str, place: Place) -> dict:
    return {
        "uri": uri,
        "version": VERSION,
        "publishedDate": now,
        "publisher": publisher_for(place) or {"name": place.name},
        "extensions": [*EXTENSIONS, extension_url()],
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
        contract.award_rows = []
        contract._prefetched_objects_cache = {}


def release_package(scope: Scope, *, uri: str) -> dict:
    now = _datetime(timezone.now())
    return {
        **_head(uri=uri, now=now, place=scope.place),
        "releases": list(releases(scope, now=now)),
    }


def release_package_text(scope: Scope, *, uri: str):
    """The release package as JSON text in pieces, for a streamed response: the same document
    as `release_package`, one release at a time."""
    now = _datetime(timezone.now())
    head = json.dumps(
        {**_head(uri=uri, now=now, place=scope.place), "releases": None},
        indent=2,
        ensure_ascii=False,
    )
    before, after = head.rsplit("null", 1)
    yield before + "["
    separator = "\n"
    for release in releases(scope, now=now):
        # One release per line, compact: json's C encoder, which (unlike indenting) leaves no
        # reference cycles behind for the garbage collector.
        yield separator + json.dumps(release, ensure_ascii=False)
        separator = ",\n"
    yield "\n]" + after
