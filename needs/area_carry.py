"""Carrying needs posted on retired wards to their successors at a boundary review (see
places.carry), like proposals: a need that is still wanted follows its place; one that is met,
closed or withdrawn records the past and stays where it was."""

from places.carry import carry_unfinished

from .models import Need

FINISHED_NEEDS = {Need.Status.MET, Need.Status.CLOSED, Need.Status.WITHDRAWN}


def carry_need_areas(*, successors, by=None):
    return carry_unfinished(
        records=Need.objects.all(),
        successors=successors,
        by=by,
        noun="need",
        finished=FINISHED_NEEDS,
    )
