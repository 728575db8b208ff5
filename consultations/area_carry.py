"""Carrying proposals and consultations drawn on retired wards to their successors (see
places.carry). Responses keep the area their respondent gave: they record the past."""

from places.carry import carry_unfinished

from .models import Consultation, Proposal

FINAL_PROPOSALS = {Proposal.Status.ACCEPTED, Proposal.Status.MERGED, Proposal.Status.WITHDRAWN}
FINISHED_CONSULTATIONS = {Consultation.Stage.CLOSED, Consultation.Stage.SUMMARY}


def carry_proposal_areas(*, successors, by=None):
    return carry_unfinished(
        records=Proposal.objects.all(),
        successors=successors,
        by=by,
        noun="proposal",
        finished=FINAL_PROPOSALS,
    )


def carry_consultation_areas(*, successors, by=None):
    return carry_unfinished(
        records=Consultation.objects.all(),
        successors=successors,
        by=by,
        noun="consultation",
        finished=FINISHED_CONSULTATIONS,
        state="stage",
        finished_wording="has closed",
    )
