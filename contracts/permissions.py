"""Who may do what with contracts, assessments, commitments and returns."""

from people.models import Membership, Organisation
from people.permissions import organisation_ids, place_ids
from socialvalue.rules import rule

from .querysets import OPEN_STAGES
from .signoff import may_sign_off

Role = Membership.Role


def _buying_orgs(contract) -> set[int]:
    return {contract.buyer_id, *(o.pk for o in contract.joint_buyers.all())}


def _award_orgs(contract) -> set[int]:
    """Every supplier named on the award (prefetch `award_suppliers` to save the query)."""
    orgs = {row.organisation_id for row in contract.award_suppliers.all()}
    if contract.supplier_id:
        orgs.add(contract.supplier_id)
    return orgs


def _supplier_orgs(contract) -> set[int]:
    return _award_orgs(contract) | {o.pk for o in contract.subcontractors.all()}


def reporting_orgs(commitment) -> set[int]:
    """The organisations that answer for a commitment's returns: the one delivering it, and,
    for a subcontractor's commitment, the first supplier on the award (who reports for the
    supply chain). Another supplier on a framework never reports for its neighbours."""
    contract = commitment.contract
    orgs = {commitment.delivered_by_id}
    if contract.supplier_id and commitment.delivered_by_id not in _award_orgs(contract):
        orgs.add(contract.supplier_id)
    return orgs


def organisations_importing_for(user):
    """The public bodies `user` may import OCDS notices for: the current ones they are an
    officer of. An import creates and updates contracts in those bodies' names and no others.
    Their own memberships only, even for a superuser: an import acts for a body, as its
    officer."""
    return (
        Organisation.objects.filter(pk__in=organisation_ids(user, Role.OFFICER))
        .current()
        .public_bodies()
    )


def signoff_organisation_ids(user) -> set[int]:
    """The bodies whose decisions `user` signs off in their own right: those they are an
    officer or a leader of (`signoff.signing_bodies` adds the bodies in a joint arrangement
    with them). Superusers are not excepted: a public body's decisions are signed by its own
    people."""
    return organisation_ids(user, Role.OFFICER, Role.LEADER)


@rule("contracts.view_contract")
def can_view_contract(user, contract) -> bool:
    from .models import Contract

    return Contract.objects.visible_to(user).filter(pk=contract.pk).exists()


@rule("contracts.add_contract")
def can_add_contract(user, place=None) -> bool:
    if place is None:
        return bool(place_ids(user, Role.OFFICER))
    return place.pk in place_ids(user, Role.OFFICER)


@rule("contracts.manage_contract")
def can_manage_contract(user, contract) -> bool:
    """Officers of the buyer or a joint buyer run the contract's record."""
    return bool(_buying_orgs(contract) & organisation_ids(user, Role.OFFICER))


@rule("contracts.edit_assessment")
def can_edit_assessment(user, assessment) -> bool:
    return assessment.is_editable and can_manage_contract(user, assessment.contract)


@rule("contracts.propose_exemption")
def can_propose_exemption(user, contract) -> bool:
    """Officers running the contract propose that the Act does not apply, before procurement
    starts, while no exemption is proposed or confirmed (the service checks the last)."""
    from .models import Contract

    return (
        contract.stage != Contract.Stage.CANCELLED
        and contract.stage_index <= Contract.ORDER.index(Contract.Stage.APPROVED)
        and not contract.not_in_scope
        and can_manage_contract(user, contract)
    )


@rule("contracts.decide_exemption", superusers=False)
def can_decide_exemption(user, exemption) -> bool:
    """A proposed exemption is confirmed or declined by a second person, under the one sign-off
    rule (`contracts.signoff.sign_off_refusal`), as an assessment is signed off."""
    return may_sign_off(user, exemption)


@rule("contracts.approve_assessment", superusers=False)
def can_approve_assessment(user, assessment) -> bool:
    """A submitted assessment is signed off (or sent back) by a second person, under the one
    rule `contracts.signoff.sign_off_refusal`. Superusers are asked too: they sign off only
    as an officer or leader of the body."""
    return may_sign_off(user, assessment)


@rule("contracts.submit_return")
def can_submit_return(user, commitment) -> bool:
    """The delivering organisation's contacts, the first supplier's contacts for a
    subcontractor's commitment (`reporting_orgs`), or an officer running the contract."""
    contract = commitment.contract
    if contract.stage not in OPEN_STAGES:
        return False
    supplier_contacts = organisation_ids(user, Role.SUPPLIER_CONTACT, Role.ORG_ADMIN)
    if reporting_orgs(commitment) & supplier_contacts:
        return True
    return can_manage_contract(user, contract)


@rule("contracts.verify_return")
def can_verify_return(user, delivery_return) -> bool:
    """An officer of a buying organisation, who did not submit the return themselves."""
    if delivery_return.submitted_by_id == user.pk:
        return False
    return can_manage_contract(user, delivery_return.commitment.contract)


@rule("contracts.view_return_evidence")
@rule("contracts.download_evidence")
def can_download_evidence(user, delivery_return) -> bool:
    """A return's evidence (its files, its description of what was delivered and for whom, its
    beneficiary references, and the query and answer about them) can hold personal data about
    the people a supplier helped, so it goes only to those who check the return or answer for
    it: officers of a buying organisation (who verify returns, `verify_return`), and the
    supplier contacts of the organisation reporting it (the delivering organisation, or the
    main supplier, who reports and answers queries for its subcontractors, as `submit_return`
    allows: `reporting_orgs`). Not leaders, who need the figures and not the evidence; not a
    subcontractor, on the main supplier's returns or another subcontractor's; not another
    supplier on a framework award; not the community group supported (which sees only the
    description of the support it is asked to confirm).

    `DeliveryReturn.objects.evidence_downloadable_by(user)` is the same rule as a queryset."""
    contract = delivery_return.commitment.contract
    if can_manage_contract(user, contract):
        return True
    supplier_contacts = organisation_ids(user, Role.SUPPLIER_CONTACT, Role.ORG_ADMIN)
    reporting = reporting_orgs(delivery_return.commitment)
    return bool(reporting & supplier_contacts) and can_view_contract(user, contract)


@rule("contracts.answer_query")
def can_answer_query(user, delivery_return) -> bool:
    return delivery_return.status == "queried" and can_submit_return(
        user, delivery_return.commitment
    )


@rule("contracts.view_support_to_confirm")
def can_view_support_to_confirm(user, delivery_return) -> bool:
    """The members of the VCS group named as supported see what they are asked to confirm."""
    group = delivery_return.supported_group_id
    return bool(group) and group in organisation_ids(user)


@rule("contracts.confirm_support")
def can_confirm_support(user, delivery_return) -> bool:
    """A VCS group that received support confirms it, while the return is submitted or
    verified."""
    from .models import DeliveryReturn

    return delivery_return.status in DeliveryReturn.SUPPORT_CONFIRMABLE and (
        can_view_support_to_confirm(user, delivery_return)
    )


@rule("contracts.view_supplier_side")
def is_supplier_side(user, contract) -> bool:
    return bool(_supplier_orgs(contract) & organisation_ids(user))


@rule("contracts.view_buyer_aliases")
def can_view_buyer_aliases(user, organisation) -> bool:
    """The people of a public body see the names and identifiers it publishes notices under."""
    return organisation.is_public_body and bool(
        {organisation.pk} & organisation_ids(user, Role.OFFICER, Role.LEADER, Role.ORG_ADMIN)
    )


@rule("contracts.manage_buyer_aliases")
def can_manage_buyer_aliases(user, organisation) -> bool:
    """Its organisation admins keep that list (imports also learn from confirmed matches)."""
    return (
        organisation.is_public_body
        and organisation.archived_at is None
        and organisation.pk in organisation_ids(user, Role.ORG_ADMIN)
    )


# Who signs off for whom: joint arrangements between a place's public bodies -------------------


@rule("contracts.view_arrangements")
def can_view_arrangements(user, place) -> bool:
    """The people of a place's public bodies see which bodies sign off for each other."""
    return place.pk in place_ids(user)


@rule("contracts.record_arrangement")
def can_record_arrangement(user, place) -> bool:
    """An organisation admin of a public body serving the place records a joint arrangement
    (with their own body in it: `services.governance.arrangement_record`)."""
    return place.pk in place_ids(user, Role.ORG_ADMIN)


@rule("contracts.change_arrangement")
def can_change_arrangement(user, arrangement) -> bool:
    """An organisation admin of a body that has confirmed it is in a current arrangement
    changes it (adds bodies, which must confirm in turn) or ends it."""
    if not arrangement.is_current:
        return False
    admin_of = organisation_ids(user, Role.ORG_ADMIN)
    return any(m.is_confirmed and m.organisation_id in admin_of for m in arrangement.members.all())


@rule("contracts.answer_arrangement")
def can_answer_arrangement(user, member) -> bool:
    """An organisation admin of a body added to an arrangement confirms or declines it."""
    return (
        member.arrangement.is_current
        and member.confirmed_at is None
        and member.ended_at is None
        and member.organisation_id in organisation_ids(user, Role.ORG_ADMIN)
    )


@rule("contracts.set_threshold")
def can_set_threshold(user, organisation) -> bool:
    """An organisation admin of a public body records the threshold below which it does not
    apply the Act."""
    return organisation.is_public_body and organisation.pk in organisation_ids(user, Role.ORG_ADMIN)
