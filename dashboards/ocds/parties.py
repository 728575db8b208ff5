"""The organisations in the OCDS export: their party entries, and what `details` says of each.

`party_details()` is the one place that decides what the export says about an organisation's
size and VCSE status, so a change to who may be counted as an SME or VCSE (for example, only
once confirmed by an officer) is made here once.
"""

from people.models import Organisation

SCALE = {Organisation.Size.SME: "sme", Organisation.Size.LARGE: "large"}
SUPPLIER_SIDE = ("supplier", "social_enterprise", "vcs")


def party_id(organisation: Organisation) -> str:
    return organisation.identifier or f"socialvalue-org-{organisation.pk}"


def party_details(organisation: Organisation) -> dict:
    """`parties[].details`: `scale` (the partyDetails_scale extension) and `vcse` (the
    project's extension), for the organisations that supply.

    Only what an officer confirmed is published (`Organisation.confirmed_scale`,
    `confirmed_vcse`): a self-declared size or VCSE status is left out, not guessed."""
    details = {}
    if organisation.confirmed_scale in SCALE:
        details["scale"] = SCALE[organisation.confirmed_scale]
    if organisation.kind in SUPPLIER_SIDE and organisation.confirmed_vcse is not None:
        details["vcse"] = organisation.confirmed_vcse
    return details


def party(organisation: Organisation, roles: list[str]) -> dict:
    entry = {"id": party_id(organisation), "name": organisation.name, "roles": roles}
    if organisation.identifier:
        parts = organisation.identifier.split("-", 2)
        identifier = {"id": organisation.identifier, "legalName": organisation.name}
        if len(parts) == 3:
            identifier.update(scheme=f"{parts[0]}-{parts[1]}", id=parts[2])
        entry["identifier"] = identifier
    details = party_details(organisation)
    if details:
        entry["details"] = details
    return entry
