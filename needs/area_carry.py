"""Carrying needs posted on retired wards to their successors at a boundary review (see
places.carry), like proposals: a need that is still wanted follows its place; one that is met,
closed or withdrawn records the past and stays where it was."""

from places.carry import carry_many

from .models import Need

FINISHED_NEEDS = {Need.Status.MET, Need.Status.CLOSED, Need.Status.WITHDRAWN}


def carry_need_areas(*, successors, by=None):
    return carry_many(
        records=Need.objects.all(),
        field="areas",
        successors=successors,
        describe_record=lambda need: f"Need “{need.title}”",
        by=by,
        left_because=lambda need: (
            f"left where it is, because the need is {need.get_status_display().lower()}"
            if need.status in FINISHED_NEEDS
            else None
        ),
    )
