"""An uploaded file kept on the server between its preview and the confirmed import.

`stage_upload()` stores the file (at most `MAX_BYTES`) as an `OcdsImport` owned by the person
who uploaded it, previews it (a dry run) and keeps the preview's report. The person reviews it,
may say which of their bodies an unrecognised buyer is and confirm cancellations
(`choose()`, which previews again), and then `confirm()` imports it for real, with exactly the
choices whose preview they saw. Each person has at most one upload waiting: a new upload
replaces it. An upload not confirmed within `OcdsImport.LIFETIME` expires; the file's bytes are
cleared when it is imported, replaced or expired, and the record is kept.
"""

from __future__ import annotations

import hashlib
import os

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import Organisation, User
from places.models import Place

from ..models import OcdsImport
from .importer import import_release_package
from .matching import importer_bodies
from .reading import MAX_BYTES, too_big
from .report import ImportReport, StoredReport


def expire_stale() -> int:
    """Clear the bytes of every upload past its time (anyone's): they can no longer be
    confirmed."""
    return OcdsImport.objects.filter(
        status=OcdsImport.Status.PREVIEWED, expires_at__lte=timezone.now()
    ).update(status=OcdsImport.Status.EXPIRED, content=b"")


@transaction.atomic
def stage_upload(*, by: User, place: Place, upload) -> OcdsImport:
    """Store an uploaded OCDS file for `by` and preview it. Raises ValidationError."""
    upload.seek(0)
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise ValidationError({"file": too_big()})
    if not importer_bodies(by, place):
        raise ValidationError({"place": f"You are not an officer of a public body in {place}"})
    expire_stale()
    OcdsImport.objects.filter(by=by, status=OcdsImport.Status.PREVIEWED).update(
        status=OcdsImport.Status.EXPIRED, content=b""
    )
    staged = OcdsImport(
        by=by,
        place=place,
        file_name=os.path.basename(upload.name or "upload.json")[:200],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        expires_at=timezone.now() + OcdsImport.LIFETIME,
    )
    staged.full_clean()
    staged.save()
    _preview(staged)
    return staged


def pending_for(user: User):
    """The user's own uploads that can still be confirmed."""
    return OcdsImport.objects.filter(
        by=user, status=OcdsImport.Status.PREVIEWED, expires_at__gt=timezone.now()
    )


def stored_report(staged: OcdsImport) -> StoredReport:
    return ImportReport.from_json(staged.report or {})


def _options(staged: OcdsImport) -> dict:
    """The stored choices, as the importer takes them: only the person's own current bodies."""
    mine = {body.pk: body for body in importer_bodies(staged.by, staged.place)}
    buyers = staged.choices.get("buyers", {})
    return {
        "buyer_matches": {key: mine[pk] for key, pk in buyers.items() if pk in mine},
        "confirmed_cancellations": set(staged.choices.get("cancel", [])),
    }


def _preview(staged: OcdsImport) -> ImportReport:
    report = import_release_package(
        bytes(staged.content), place=staged.place, by=staged.by, dry_run=True, **_options(staged)
    )
    staged.report = report.to_json()
    staged.save(update_fields=["report"])
    return report


@transaction.atomic
def choose(
    *,
    staged: OcdsImport,
    by: User,
    buyers: dict[str, Organisation | None],
    cancellations: set[str],
) -> OcdsImport:
    """Record the person's choices on the review page, and preview again with them."""
    staged = _locked(staged, by)
    mine = {body.pk for body in importer_bodies(by, staged.place)}
    chosen = {key: body.pk for key, body in buyers.items() if body is not None}
    if any(pk not in mine for pk in chosen.values()):
        raise ValidationError("Match a buyer only to a body you are an officer of")
    choices = {"buyers": chosen, "cancel": sorted(cancellations)}
    current = {"buyers": {}, "cancel": [], **staged.choices}
    if choices != current:
        staged.choices = choices
        staged.revision += 1
        staged.save(update_fields=["choices", "revision"])
        _preview(staged)
    return staged


@transaction.atomic
def confirm(*, staged: OcdsImport, by: User, revision: int) -> ImportReport:
    """Import the staged file with the choices previewed at `revision`. Raises
    ValidationError if the upload expired or the choices changed since."""
    staged = _locked(staged, by)
    if staged.revision != revision:
        raise ValidationError(
            "The choices changed since this preview. Check the preview again, then import"
        )
    report = import_release_package(
        bytes(staged.content), place=staged.place, by=by, **_options(staged)
    )
    staged.report = report.to_json()
    staged.status = OcdsImport.Status.IMPORTED
    staged.imported_at = timezone.now()
    staged.content = b""
    staged.save(update_fields=["report", "status", "imported_at", "content"])
    return report


def _locked(staged: OcdsImport, by: User) -> OcdsImport:
    staged = OcdsImport.objects.select_for_update().get(pk=staged.pk)
    if staged.by_id != by.pk:
        raise ValidationError("This import belongs to someone else")
    if not staged.is_pending:
        raise ValidationError(
            "This upload has expired or was already imported. Upload the file again"
        )
    return staged
