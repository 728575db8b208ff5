"""Carrying objectives drawn on retired wards to their successors (see places.carry)."""

from places.carry import carry_unfinished

from .models import Objective

FINISHED = {Objective.Status.ACHIEVED, Objective.Status.RETIRED}


def carry_objective_areas(*, successors, by=None):
    return carry_unfinished(
        records=Objective.objects.all(),
        successors=successors,
        by=by,
        noun="objective",
        finished=FINISHED,
        finished_wording="is finished",
    )
