"""Carrying contracts and commitments drawn on retired wards to their successors (see
places.carry). A commitment is in one area, so one whose ward was split is reported."""

from places.carry import carry_one, carry_unfinished

from .models import Commitment, Contract

FINISHED = {Contract.Stage.CLOSED, Contract.Stage.CANCELLED}


def carry_contract_areas(*, successors, by=None):
    return carry_unfinished(
        records=Contract.objects.all(),
        successors=successors,
        by=by,
        noun="contract",
        finished=FINISHED,
        state="stage",
        describe_record=lambda contract: f"Contract {contract.reference} “{contract.title}”",
    )


def carry_commitment_areas(*, successors, by=None):
    return carry_one(
        records=Commitment.objects.filter(withdrawn_at__isnull=True)
        .exclude(contract__stage__in=FINISHED)
        .select_related("contract", "measure"),
        field="area",
        successors=successors,
        describe_record=lambda c: (
            f"Commitment of {c.quantity.normalize():f} to "
            f"{c.measure.name} on contract {c.contract.reference}"
        ),
        by=by,
    )
