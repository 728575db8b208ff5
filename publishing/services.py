"""Building the whole-place open-data files into storage. The builders are the dashboards'
own (`opendata.csv_text`, `ocds.release_package_text`): the files hold exactly what the live
downloads give for the whole place."""

import hashlib
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from places.models import Place
from socialvalue.models import DataVersion

from .models import PublishedFile

FILE_NAMES = {
    PublishedFile.Kind.COMMITMENTS_CSV: "commitments.csv",
    PublishedFile.Kind.OCDS: "ocds.json",
}


def data_token() -> str:
    """The data's version now (socialvalue.DataVersion: replaced after every committed write
    to the data the files hold)."""
    return DataVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def root() -> Path:
    return Path(settings.SOCIALVALUE_OPEN_DATA_ROOT)


def path_of(place: Place, kind: str) -> Path:
    return root() / place.slug / FILE_NAMES[kind]


def file_url(place: Place, kind: str) -> str:
    return reverse("publishing:file", kwargs={"slug": place.slug, "name": FILE_NAMES[kind]})


def _chunks(place: Place, kind: str):
    from dashboards import figures, ocds, opendata

    scope = figures.Scope(place=place, public=True)
    if kind == PublishedFile.Kind.COMMITMENTS_CSV:
        return opendata.csv_text(scope)
    if ocds.unpublished_reason(scope):
        return None
    return ocds.release_package_text(
        scope, uri=settings.SOCIALVALUE_SITE_URL + file_url(place, kind)
    )


def build(*, place: Place, kind: str) -> PublishedFile | None:
    """Write one file beside the old one and swap it in at once (a reader never meets half a
    file), recording its build time, size and SHA-256. None when the place publishes no such
    file (an OCDS package without an ocid prefix)."""
    token = data_token()
    started = time.monotonic()
    chunks = _chunks(place, kind)
    if chunks is None:
        PublishedFile.objects.filter(place=place, kind=kind).delete()
        path_of(place, kind).unlink(missing_ok=True)
        return None
    target = path_of(place, kind)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".building-")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
                digest.update(data)
                size += len(data)
                out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    published, _ = PublishedFile.objects.update_or_create(
        place=place,
        kind=kind,
        defaults={
            "name": f"{place.slug}/{FILE_NAMES[kind]}",
            "built_at": timezone.now(),
            "build_seconds": round(time.monotonic() - started, 3),
            "size": size,
            "sha256": digest.hexdigest(),
            "data_token": token,
        },
    )
    return published


def build_place(*, place: Place) -> list[PublishedFile]:
    return [f for kind in PublishedFile.Kind if (f := build(place=place, kind=kind))]


def places_to_rebuild(*, now=None) -> list[Place]:
    """Places whose files are older than the data, built no more often than every
    SOCIALVALUE_OPEN_DATA_EVERY_MINUTES (or never built)."""
    now = now or timezone.now()
    token = data_token()
    wait = timezone.timedelta(minutes=settings.SOCIALVALUE_OPEN_DATA_EVERY_MINUTES)
    due = []
    for place in Place.objects.order_by("pk").prefetch_related("published_files"):
        files = list(place.published_files.all())
        if not files or (
            any(f.data_token != token for f in files)
            and all(f.built_at <= now - wait for f in files)
        ):
            due.append(place)
    return due
