"""Carrying objectives drawn on retired wards to their successors (see places.carry)."""

from places.carry import carry_many

from .models import Objective

FINISHED = {Objective.Status.ACHIEVED, Objective.Status.RETIRED}


def carry_objective_areas(*, successors, by=None):
    return carry_many(
        records=Objective.objects.all(),
        field="areas",
        successors=successors,
        describe_record=lambda objective: f"Objective “{objective.title}”",
        by=by,
        left_because=lambda objective: (
            "left where it is, because the objective is finished"
            if objective.status in FINISHED
            else None
        ),
    )
