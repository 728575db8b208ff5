"""What `manage.py bench` measures for issue 17: the open-data build time, the built files'
download, and the notifications list."""

import time

from django.urls import reverse

from publishing.models import PublishedFile
from publishing.services import build, file_url


def bench_open_data_build(place) -> dict:
    """Build each whole-place file once, as the task does; seconds and bytes per file."""
    result = {}
    for kind in PublishedFile.Kind:
        started = time.monotonic()
        published = build(place=place, kind=kind)
        result[kind.value] = {
            "seconds": round(time.monotonic() - started, 2),
            "bytes": published.size if published else None,
        }
    return result


def bench_pages(place) -> list[tuple[str, str, str]]:
    """(name, role, url) rows for the pages bench times."""
    pages = [("notifications list (officer)", "officer", reverse("notifications:list"))]
    for published in PublishedFile.objects.filter(place=place):
        pages.append(
            (
                f"open-data file {published.kind} (built)",
                "anonymous",
                file_url(place, published.kind),
            )
        )
    return pages
