"""Carrying proposals and consultations drawn on retired wards to their successors (see
places.carry). Responses keep the area their respondent gave: they record the past."""

from places.carry import carry_many

from .models import Consultation, Proposal

FINAL_PROPOSALS = {Proposal.Status.ACCEPTED, Proposal.Status.MERGED, Proposal.Status.WITHDRAWN}
FINISHED_CONSULTATIONS = {Consultation.Stage.CLOSED, Consultation.Stage.SUMMARY}


def carry_proposal_areas(*, successors, by=None):
    return carry_many(
        records=Proposal.objects.all(),
        field="areas",
        successors=successors,
        describe_record=lambda proposal: f"Proposal “{proposal.title}”",
        by=by,
        left_because=lambda proposal: (
            f"left where it is, because the proposal is {proposal.get_status_display().lower()}"
            if proposal.status in FINAL_PROPOSALS
            else None
        ),
    )


def carry_consultation_areas(*, successors, by=None):
    return carry_many(
        records=Consultation.objects.all(),
        field="areas",
        successors=successors,
        describe_record=lambda consultation: f"Consultation “{consultation.title}”",
        by=by,
        left_because=lambda consultation: (
            "left where it is, because the consultation has closed"
            if consultation.stage in FINISHED_CONSULTATIONS
            else None
        ),
    )
