"""Open data as files: rebuilt after the data changes (at most every
SOCIALVALUE_OPEN_DATA_EVERY_MINUTES) and every night."""

from crontask import cron
from django.tasks import task

from places.models import Place


@task
def build_open_data(place_id: int, kind: str | None = None) -> int:
    """Build one of a place's files (or all of them). Each file is queued as a task of its
    own, so several workers build a place's files side by side."""
    from .services import build, build_place

    place = Place.objects.filter(pk=place_id).first()
    if place is None:
        return 0
    if kind:
        return 1 if build(place=place, kind=kind) else 0
    return len(build_place(place=place))


def _queue_place(place_id: int) -> None:
    from .models import PublishedFile

    for kind in PublishedFile.Kind:
        build_open_data.enqueue(place_id, kind.value)


@cron("* * * * *")
@task
def open_data_when_changed() -> int:
    """Every minute: queue a build for each place whose data changed since its files were
    built, once the last build is old enough (a burst of edits makes one build, not many)."""
    from .services import places_to_rebuild

    places = places_to_rebuild()
    for place in places:
        _queue_place(place.pk)
    return len(places)


@cron("30 2 * * *")
@task
def open_data_nightly() -> int:
    """Every night at 02:30: rebuild every place's files whatever changed."""
    ids = list(Place.objects.values_list("pk", flat=True))
    for pk in ids:
        _queue_place(pk)
    return len(ids)
