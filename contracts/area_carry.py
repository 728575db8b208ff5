"""Carrying contracts and commitments drawn on retired wards to their successors (see
places.carry). A commitment is in one area, so one whose ward was split is reported."""

from places.carry import carry_many, carry_one

from .models import Commitment, Contract

FINISHED = {Contract.Stage.CLOSED, Contract.Stage.CANCELLED}


def carry_contract_areas(*, successors, by=None):
    return carry_many(
        records=Contract.objects.all(),
        field="areas",
        successors=successors,
        describe_record=lambda contract: f"Contract {contract.reference} “{contract.title}”",
        by=by,
        left_because=lambda contract: (
            f"left where it is, because the contract is {contract.get_stage_display().lower()}"
            if contract.stage in FINISHED
            else None
        ),
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
