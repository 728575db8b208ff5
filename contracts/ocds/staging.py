"""An uploaded file kept on the server between its preview and the confirmed import.

`stage_upload()` stores the file (at most `MAX_BYTES`, checked in the request) as an
`OcdsImport` owned by the person who uploaded it, and queues its check: the worker previews it
(a dry run, `run_check`) and keeps the preview's report. The person reviews it, may say which of
their bodies an unrecognised buyer is and confirm cancellations (`choose()`, which queues the
check again), and then `confirm()` queues the import itself, with exactly the choices whose
preview they saw; the worker runs it (`run_import`) and tells them the outcome. Every import is
a task, whatever its size: no request waits for one. A check or an import that fails
changes nothing (it runs in one transaction) and says why.

Each person has at most one upload waiting: a new upload replaces it. An upload not confirmed
within `OcdsImport.LIFETIME` expires; the file's bytes are cleared when it is imported,
replaced, expired or fails, and the record is kept.
"""

from __future__ import annotations

import hashlib
import logging
import os

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from people.models import Organisation, User
from places.models import Place

from ..models import OcdsImport
from .importer import import_release_package
from .matching import importer_bodies
from .reading import MAX_BYTES, too_big
from .report import ImportReport, StoredReport

logger = logging.getLogger(__name__)
# What a person is told when the worker fails: the detail is in the log, for the operator.
FAILED = (
    "The {what} stopped with an unexpected error, so nothing was changed. Try again; if it "
    "fails again, tell your administrator (at {when:%H:%M} on {when:%-d %B %Y})"
)


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
    OcdsImport.objects.filter(
        by=by, status__in=[OcdsImport.Status.PREVIEWED, OcdsImport.Status.CHECKING]
    ).update(status=OcdsImport.Status.EXPIRED, content=b"")
    staged = OcdsImport(
        by=by,
        place=place,
        file_name=os.path.basename(upload.name or "upload.json")[:200],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        status=OcdsImport.Status.CHECKING,
        expires_at=timezone.now() + OcdsImport.LIFETIME,
    )
    staged.full_clean()
    staged.save()
    _queue("check_ocds_import", staged)
    return staged


def _queue(task_name: str, staged: OcdsImport) -> None:
    """Queue the worker's check or import of `staged` once this transaction commits."""
    from .. import tasks

    task = getattr(tasks, task_name)
    pk, revision = str(staged.pk), staged.revision
    OcdsImport.objects.filter(pk=staged.pk).update(queued_at=timezone.now(), work_started_at=None)
    transaction.on_commit(lambda: task.enqueue(pk, revision))


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


# Work queued this long ago and not finished was lost (a worker killed mid-task rolls its
# transaction back): it is queued again. Running it twice is harmless (`_take`).
LOST_AFTER = timezone.timedelta(minutes=15)


def requeue_lost(*, now=None) -> int:
    """Queue again each check or import whose task was lost; returns how many."""
    now = now or timezone.now()
    lost = OcdsImport.objects.filter(
        status__in=[OcdsImport.Status.CHECKING, OcdsImport.Status.IMPORTING],
        queued_at__lte=now - LOST_AFTER,
    )
    count = 0
    with transaction.atomic():
        for staged in lost.select_for_update(skip_locked=True):
            checking = staged.status == OcdsImport.Status.CHECKING
            _queue("check_ocds_import" if checking else "run_ocds_import", staged)
            count += 1
    return count


def _take(pk, revision: int, status: str) -> OcdsImport | None:
    """The upload, locked, if it still waits for this piece of work (a task run twice, or for
    choices since changed, does nothing)."""
    staged = (
        OcdsImport.objects.select_for_update().select_related("place", "by").filter(pk=pk).first()
    )
    if staged is None or staged.status != status or staged.revision != revision:
        return None
    return staged


def run_check(pk, revision: int) -> str:
    """The worker's preview of an upload (a dry run): its report, ready for the review."""
    return _run(pk, revision, OcdsImport.Status.CHECKING, what="check of your file")


def run_import(pk, revision: int) -> str:
    """The worker's import of a confirmed upload, with the choices previewed at `revision`;
    the person who confirmed it is told how it went."""
    return _run(pk, revision, OcdsImport.Status.IMPORTING, what="import")


def _run(pk, revision: int, status: str, *, what: str) -> str:
    with transaction.atomic():
        staged = _take(pk, revision, status)
        if staged is None:
            return "not waiting"
        OcdsImport.objects.filter(pk=staged.pk).update(work_started_at=timezone.now())
    try:
        with transaction.atomic():
            staged = _take(pk, revision, status)
            if staged is None:
                return "not waiting"
            dry_run = status == OcdsImport.Status.CHECKING
            report = import_release_package(
                bytes(staged.content),
                place=staged.place,
                by=staged.by,
                dry_run=dry_run,
                **_options(staged),
            )
            staged.report = report.to_json()
            staged.error = ""
            if dry_run:
                staged.status = OcdsImport.Status.PREVIEWED
                staged.save(update_fields=["report", "status", "error"])
                return "checked"
            staged.status = OcdsImport.Status.IMPORTED
            staged.imported_at = timezone.now()
            staged.content = b""
            staged.save(update_fields=["report", "status", "error", "imported_at", "content"])
            _tell(staged, f"Your import of {staged.file_name} is saved. {report.summary()}")
            return "imported"
    except Exception:
        # Everything the work wrote was rolled back with its transaction.
        logger.exception("OCDS %s of upload %s failed", what, pk)
        with transaction.atomic():
            staged = OcdsImport.objects.select_for_update().get(pk=pk)
            staged.status = OcdsImport.Status.FAILED
            staged.error = FAILED.format(what=what, when=timezone.localtime())
            staged.content = b""
            staged.save(update_fields=["status", "error", "content"])
            _tell(staged, f"Your import of {staged.file_name} failed: nothing was changed")
        return "failed"


def _tell(staged: OcdsImport, title: str) -> None:
    from notifications.models import Kind
    from notifications.services import notify

    notify(
        kind=Kind.IMPORT_FINISHED,
        recipients=[staged.by],
        may_see=lambda user: user.pk == staged.by_id,
        title=title,
        body=staged.error,
        path=reverse("contracts:ocds_result", kwargs={"pk": staged.pk}),
    )


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
        staged.status = OcdsImport.Status.CHECKING
        staged.save(update_fields=["choices", "revision", "status"])
        _queue("check_ocds_import", staged)
    return staged


@transaction.atomic
def confirm(*, staged: OcdsImport, by: User, revision: int) -> OcdsImport:
    """Queue the import of the staged file with the choices previewed at `revision`. Raises
    ValidationError if the upload expired or the choices changed since."""
    staged = _locked(staged, by)
    if staged.revision != revision:
        raise ValidationError(
            "The choices changed since this preview. Check the preview again, then import"
        )
    staged.status = OcdsImport.Status.IMPORTING
    staged.save(update_fields=["status"])
    _queue("run_ocds_import", staged)
    return staged


def _locked(staged: OcdsImport, by: User) -> OcdsImport:
    staged = OcdsImport.objects.select_for_update().get(pk=staged.pk)
    if staged.by_id != by.pk:
        raise ValidationError("This import belongs to someone else")
    if not staged.is_pending:
        raise ValidationError(
            "This upload has expired or was already imported. Upload the file again"
        )
    return staged
