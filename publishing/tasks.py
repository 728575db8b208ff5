"""Open data as files: rebuilt after the data changes (at most every
SOCIALVALUE_OPEN_DATA_EVERY_MINUTES) and every night."""

from crontask import cron
from django.tasks import task

from places.models import Place


@task
def build_open_data(place_id: int) -> int:
    from .services import build_place

    place = Place.objects.filter(pk=place_id).first()
    return len(build_place(place=place)) if place else 0


@cron("* * * * *")
@task
def open_data_when_changed() -> int:
    """Every minute: queue a build for each place whose data changed since its files were
    built, once the last build is old enough (a burst of edits makes one build, not many)."""
    from .services import places_to_rebuild

    places = places_to_rebuild()
    for place in places:
        build_open_data.enqueue(place.pk)
    return len(places)


@cron("30 2 * * *")
@task
def open_data_nightly() -> int:
    """Every night at 02:30: rebuild every place's files whatever changed."""
    ids = list(Place.objects.values_list("pk", flat=True))
    for pk in ids:
        build_open_data.enqueue(pk)
    return len(ids)
