"""Every URL the application serves, asked by every kind of person.

`EXPECTED` holds one decision per URL name per role. The first test holds its keys equal to the
URL names the root resolver serves, so a new view cannot ship without someone deciding, here,
who may open it. The role tests then GET every URL (and POST to the POST-only ones) from a
seeded world and compare each answer with the table:

- `200` the page (or download); `405` the person may reach the view but it takes POST only;
- `LOGIN` a redirect to the sign-in page with `next` set (anonymous people, deny by default);
- `to("/path")` another redirect;
- `403` the person may see the record but not do this; `404` they may not even see it.

Roles: anonymous; an officer, an organisation admin and a leader of the buying council; a
resident in no organisation; a member of the VCS group that proposed; a contact at the contract's
supplier; an officer of a council in another place; a superuser. Records are described in
`tests/security/conftest.py`; which record each URL is asked about is in `served.KWARGS`.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.urls import reverse

from contracts.models import Contract
from objectives.models import Framework, Objective
from people.models import LoginFailure
from tests.security.conftest import ROLES
from tests.security.served import KWARGS, served_patterns, url_for

pytestmark = pytest.mark.django_db

LOGIN = "sign-in redirect"


def to(path: str) -> str:
    return f"redirect to {path}"


def row(default, **cells):
    unknown = set(cells) - set(ROLES)
    assert not unknown, f"not roles: {unknown}"
    return {role: cells.get(role, default) for role in ROLES}


ANYONE = row(200)
SIGNED_IN = row(200, anonymous=LOGIN)
# Buying-council roles over the awarded contract and what hangs off it; the supplier's contact
# sees it (from award on); people outside it get 404.
AWARDED_MANAGE = row(
    403,
    anonymous=LOGIN,
    officer=200,
    superuser=200,
    resident=404,
    vcs_member=404,
    other_org_officer=404,
)
# The same for a contract before award: the supplier cannot see it yet.
UNAWARDED_MANAGE = row(404, anonymous=LOGIN, officer=200, org_admin=403, leader=403, superuser=200)
AWARDED_VIEW = row(200, anonymous=LOGIN, resident=404, vcs_member=404, other_org_officer=404)
# Keeping a place's areas and frameworks: officers and organisation admins of its public bodies.
KEEP_PLACE = row(403, anonymous=LOGIN, officer=200, org_admin=200, superuser=200)
# The draft objective: its lead organisation's officers and leaders change it; its org admin
# sees it but may not change it; everyone else does not know it exists.
DRAFT_OBJECTIVE_CHANGE = row(
    404, anonymous=LOGIN, officer=200, org_admin=403, leader=200, superuser=200
)
# Reviewing a proposal: officers of a public body serving the place, not of the proposer.
REVIEW = row(403, anonymous=LOGIN, officer=200, superuser=200)
# Running a consultation: officers of the owning body.
RUN_CONSULTATION = row(403, anonymous=LOGIN, officer=200, superuser=200)
# The unpublished consultation: its owner's people see it, officers change it, others get 404.
DRAFT_CONSULTATION_CHANGE = row(
    404, anonymous=LOGIN, officer=200, org_admin=403, leader=403, superuser=200
)
# The draft proposal: private to the proposing group (and superusers).
DRAFT_PROPOSAL_OWN = row(404, anonymous=LOGIN, vcs_member=200, superuser=200)
# Officers of a public body (in any place) may start things for their own place.
OFFICERS_ANYWHERE = row(403, anonymous=LOGIN, officer=200, other_org_officer=200, superuser=200)
MANAGE_FRAMEWORKS_ANYWHERE = row(
    200, anonymous=LOGIN, leader=403, resident=403, vcs_member=403, supplier_contact=403
)

# A pledge: the group, the supplier, and the place's officers and leaders see it (404 for
# everyone else); seeing is not deciding.
PLEDGE_SIDES = row(
    404,
    anonymous=LOGIN,
    officer=403,
    leader=403,
    vcs_member=403,
    supplier_contact=403,
    superuser=403,
)
PLEDGE_SIDES_200 = {role: 200 if cell == 403 else cell for role, cell in PLEDGE_SIDES.items()}
# The council's view of its needs: officers and leaders (of their own place).
COUNCIL_PEOPLE = row(
    403, anonymous=LOGIN, officer=200, leader=200, other_org_officer=200, superuser=200
)

EXPECTED = {
    # Public pages and the health check.
    "home": ANYONE,  # the public landing page, or the person's own home
    "healthz": ANYONE,
    "search": ANYONE,  # finds only what each person may see (tests/security/test_search.py)
    "accessibility": ANYONE,
    "privacy": ANYONE,
    # Signing in and out, registering, resetting a password, accepting an invitation.
    "people:login": row(to("/"), anonymous=200),
    "people:logout": row(405, anonymous=LOGIN),
    "people:register": row(to("/"), anonymous=200),
    "people:register_sent": ANYONE,
    "people:register_confirm": row(404),  # a link that matches no registration
    "people:password_reset": ANYONE,
    "people:password_reset_done": ANYONE,
    "people:password_reset_confirm": ANYONE,  # an invalid link: the page says so
    "people:password_reset_complete": ANYONE,
    "people:invitation_accept": ANYONE,
    # Two-factor sign-in. The code step needs a password first (anonymous) or an authenticator
    # (nobody in the world has one); the pages that change it need it on.
    "people:sign_in_code": row(
        to("/account/two-factor/set-up/?next=%2F"), anonymous=to("/sign-in/")
    ),
    "people:account": SIGNED_IN,
    "people:two_factor_setup": SIGNED_IN,
    "people:two_factor_codes": row(to("/account/"), anonymous=LOGIN),
    "people:two_factor_codes_replace": row(to("/account/"), anonymous=LOGIN),
    "people:two_factor_disable": row(to("/account/"), anonymous=LOGIN),
    # Organisations and memberships.
    "people:organisation_list": SIGNED_IN,
    "people:organisation_detail": SIGNED_IN,
    "people:organisation_register": row(
        200, anonymous=LOGIN, leader=403, resident=403, vcs_member=403, supplier_contact=403
    ),
    "people:organisation_update": row(403, anonymous=LOGIN, org_admin=200, superuser=200),
    "people:invitation_create": row(403, anonymous=LOGIN, org_admin=200, superuser=200),
    # Officers of public bodies (anywhere: suppliers serve many places) confirm a supplier's
    # self-declared size and VCSE status; never its own people.
    "people:organisation_status_confirm": row(
        403, anonymous=LOGIN, officer=200, other_org_officer=200, superuser=200
    ),
    "people:membership_end": row(
        404, anonymous=LOGIN, officer=403, org_admin=200, leader=403, superuser=200
    ),
    # Places and areas.
    "places:place_list": SIGNED_IN,
    "places:place_detail": SIGNED_IN,
    "places:area_detail": ANYONE,  # the neighbourhood page: public parts public
    "places:area_create": KEEP_PLACE,
    "places:area_update": KEEP_PLACE,
    "places:area_archive": KEEP_PLACE,
    # Objectives (the public register; the draft objective for everything else).
    "objectives:objective_list": ANYONE,
    "objectives:objective_export": ANYONE,
    # A superuser serves every place, so must say which (?place=): without it, 404.
    "objectives:objective_create": row(
        403, anonymous=LOGIN, officer=200, leader=200, other_org_officer=200, superuser=404
    ),
    "objectives:objective_detail": row(404, officer=200, org_admin=200, leader=200, superuser=200),
    "objectives:objective_update": DRAFT_OBJECTIVE_CHANGE,
    "objectives:objective_status": DRAFT_OBJECTIVE_CHANGE,
    "objectives:target_create": DRAFT_OBJECTIVE_CHANGE,
    "objectives:target_update": DRAFT_OBJECTIVE_CHANGE,
    "objectives:target_archive": DRAFT_OBJECTIVE_CHANGE,
    # Frameworks: read by anyone signed in, kept by the place's officers and org admins.
    "objectives:framework_list": SIGNED_IN,
    "objectives:framework_detail": SIGNED_IN,
    "objectives:framework_export": SIGNED_IN,
    "objectives:framework_create": MANAGE_FRAMEWORKS_ANYWHERE,
    "objectives:framework_import": MANAGE_FRAMEWORKS_ANYWHERE,
    "objectives:social_value_model_load": row(
        405, anonymous=LOGIN, leader=403, resident=403, vcs_member=403, supplier_contact=403
    ),
    "objectives:framework_retire": KEEP_PLACE,
    "objectives:theme_create": KEEP_PLACE,
    "objectives:outcome_create": KEEP_PLACE,
    "objectives:measure_create": KEEP_PLACE,
    "objectives:measure_update": KEEP_PLACE,
    "objectives:measure_retire": KEEP_PLACE,
    # Proposals.
    "consultations:proposal_list": ANYONE,
    "consultations:proposal_create": row(200, anonymous=LOGIN, resident=403),
    "consultations:proposal_detail": row(404, vcs_member=200, superuser=200),
    "consultations:proposal_update": DRAFT_PROPOSAL_OWN,
    "consultations:proposal_submit": DRAFT_PROPOSAL_OWN,
    "consultations:proposal_file": row(404, vcs_member=200, superuser=200),
    "consultations:proposal_file_remove": row(404, anonymous=LOGIN, vcs_member=405, superuser=405),
    "consultations:proposal_withdraw": row(403, anonymous=LOGIN, vcs_member=200, superuser=200),
    "consultations:proposal_start_review": REVIEW,
    "consultations:proposal_accept": REVIEW,
    "consultations:proposal_adopt": REVIEW,
    "consultations:proposal_attach": REVIEW,
    "consultations:proposal_merge": REVIEW,
    "consultations:proposal_decline": REVIEW,
    "consultations:proposal_note": REVIEW,
    "consultations:proposal_hide": REVIEW,
    "consultations:proposal_unhide": REVIEW,
    "consultations:comment_hide": REVIEW,
    "consultations:proposal_support": row(405, anonymous=LOGIN),
    "consultations:proposal_support_withdraw": row(405, anonymous=LOGIN),
    "consultations:comment_create": SIGNED_IN,
    "consultations:comment_reply": SIGNED_IN,
    # Consultations (open; draft for questions and publishing; closed for the summary).
    "consultations:consultation_list": ANYONE,
    "consultations:consultation_detail": ANYONE,
    "consultations:consultation_create": OFFICERS_ANYWHERE,
    "consultations:consultation_update": RUN_CONSULTATION,
    "consultations:consultation_close": RUN_CONSULTATION,
    "consultations:question_create": DRAFT_CONSULTATION_CHANGE,
    "consultations:question_remove": DRAFT_CONSULTATION_CHANGE,
    "consultations:consultation_publish": DRAFT_CONSULTATION_CHANGE,
    "consultations:respond": SIGNED_IN,  # this one does not take anonymous responses
    "consultations:responses_export": RUN_CONSULTATION,
    "consultations:summary": row(403, officer=200, superuser=200),  # not published yet
    "consultations:summary_edit": RUN_CONSULTATION,
    "consultations:summary_entry_create": RUN_CONSULTATION,
    "consultations:summary_entry_remove": RUN_CONSULTATION,
    "consultations:summary_publish": RUN_CONSULTATION,
    # Contracts.
    "contracts:contract_list": SIGNED_IN,
    "contracts:contract_create": row(
        403, anonymous=LOGIN, officer=200, other_org_officer=200, superuser=404
    ),
    # Importing notices: officers of a public body (a superuser is no body's officer, so
    # imports for none). An upload is its uploader's alone: anyone else gets 404.
    "contracts:ocds_import": row(403, anonymous=LOGIN, officer=200, other_org_officer=200),
    "contracts:ocds_review": row(403, anonymous=LOGIN, officer=200, other_org_officer=404),
    "contracts:ocds_result": row(403, anonymous=LOGIN, officer=200, other_org_officer=404),
    # The names the council publishes under: its people see them, its admins change them.
    "contracts:buyer_aliases": row(
        403, anonymous=LOGIN, officer=200, org_admin=200, leader=200, superuser=200
    ),
    "contracts:buyer_alias_remove": row(405, anonymous=LOGIN),
    "contracts:contract_detail": AWARDED_VIEW,
    "contracts:contract_update": UNAWARDED_MANAGE,
    "contracts:contract_exemption": UNAWARDED_MANAGE,
    # Confirming an exemption follows the sign-off rule: officers and leaders of the buyer who
    # did not propose it; superusers are asked the rule too.
    "contracts:exemption_decide": row(
        404, anonymous=LOGIN, officer=200, org_admin=403, leader=200, superuser=403
    ),
    "contracts:procurement_start": UNAWARDED_MANAGE,
    "contracts:contract_cancel": UNAWARDED_MANAGE,
    "contracts:assessment_start": UNAWARDED_MANAGE,
    "contracts:contract_advance": AWARDED_MANAGE,
    # The assessing contract's draft (by the officer) and the signing contract's submitted
    # assessment (by a colleague): an officer or leader of the buyer signs off, not the author.
    "contracts:assessment_detail": row(
        200,
        anonymous=LOGIN,
        resident=404,
        vcs_member=404,
        supplier_contact=404,
        other_org_officer=404,
    ),
    "contracts:assessment_check": UNAWARDED_MANAGE,
    "contracts:assessment_section": UNAWARDED_MANAGE,
    # Superusers too are asked the sign-off rule: a body's decision is signed by its people.
    "contracts:assessment_sign_off": row(
        404, anonymous=LOGIN, officer=200, org_admin=403, leader=200, superuser=403
    ),
    "contracts:assessment_reopen": AWARDED_MANAGE,
    # Award, supply chain and commitments on the awarded contract.
    "contracts:contract_award": AWARDED_MANAGE,
    "contracts:subcontractor_create": AWARDED_MANAGE,
    "contracts:award_supplier_create": AWARDED_MANAGE,
    "contracts:kpi_create": AWARDED_MANAGE,
    # Letting returns be made before a period ends: officers running the contract.
    "contracts:contract_periods": AWARDED_MANAGE,
    "contracts:rating_create": AWARDED_MANAGE,
    "contracts:commitment_create": AWARDED_MANAGE,
    "contracts:commitment_detail": AWARDED_VIEW,
    "contracts:commitment_recovery": row(405, anonymous=LOGIN),
    # Returns: the supplier reports, a buying officer verifies, the supported group confirms.
    "contracts:return_list": SIGNED_IN,
    "contracts:return_create": row(
        200,
        anonymous=LOGIN,
        org_admin=403,
        leader=403,
        resident=404,
        vcs_member=404,
        other_org_officer=404,
    ),
    "contracts:return_detail": AWARDED_VIEW,
    "contracts:return_verify": row(405, anonymous=LOGIN),
    # Each queue lists only the person's own work: empty, never refused, to anyone signed in.
    "contracts:return_queue": SIGNED_IN,
    "contracts:return_bulk_verify": row(405, anonymous=LOGIN),
    "contracts:return_query": row(405, anonymous=LOGIN),
    "contracts:return_reject": row(405, anonymous=LOGIN),
    "contracts:return_answer": row(405, anonymous=LOGIN),
    "contracts:return_confirm": row(
        403, anonymous=LOGIN, resident=404, vcs_member=200, other_org_officer=404, superuser=200
    ),
    # Evidence files can hold beneficiaries' personal data: the buying officers who verify the
    # return and the supplier that reports it download them; leaders see the return and a
    # count of its files, but a file itself is not found (404), as for everyone else.
    "contracts:evidence_download": row(
        404, anonymous=LOGIN, officer=200, supplier_contact=200, superuser=200
    ),
    # Who signs off for whom: the people of a place's public bodies see it; an organisation
    # admin records an arrangement, changes or ends one their body is in, and answers for their
    # own body only (the pending member is the NHS body: the council's admin may not answer).
    "contracts:sign_off_overview": row(
        200, anonymous=LOGIN, resident=403, vcs_member=403, supplier_contact=403
    ),
    "contracts:arrangement_create": row(
        404, anonymous=LOGIN, officer=403, org_admin=200, leader=403, superuser=200
    ),
    "contracts:arrangement_update": row(
        404, anonymous=LOGIN, officer=403, org_admin=200, leader=403, superuser=200
    ),
    "contracts:arrangement_end": row(
        404, anonymous=LOGIN, officer=403, org_admin=200, leader=403, superuser=200
    ),
    "contracts:threshold_set": row(
        404, anonymous=LOGIN, officer=403, org_admin=200, leader=403, superuser=200
    ),
    "contracts:arrangement_answer": row(
        404, anonymous=LOGIN, officer=403, org_admin=403, leader=403, superuser=200
    ),
    # The leaders' dashboard (an officer elsewhere sees their own place's) and open data.
    "dashboards:dashboard": row(
        200, anonymous=LOGIN, org_admin=403, resident=403, vcs_member=403, supplier_contact=403
    ),
    "dashboards:dashboard_pdf": row(
        200, anonymous=LOGIN, org_admin=403, resident=403, vcs_member=403, supplier_contact=403
    ),
    "dashboards:transparency_index": ANYONE,
    "dashboards:transparency": ANYONE,
    "dashboards:commitments_csv": ANYONE,
    "dashboards:ocds": ANYONE,
    "dashboards:ocds_extension": ANYONE,
    # Each person's own notifications and email choices.
    "notifications:list": SIGNED_IN,
    "notifications:preferences": SIGNED_IN,
    "notifications:open": row(405, anonymous=LOGIN),
    # The place's whole open-data files, as built: open data, for anyone.
    "publishing:file": ANYONE,
    # The needs board: a published need is public; what a group or a supplier does is
    # theirs alone (superusers too are refused); pledges are seen by the two sides and the
    # place's officers and leaders.
    "needs:need_list": ANYONE,
    "needs:need_detail": ANYONE,
    "needs:need_file": ANYONE,
    "needs:need_create": row(403, anonymous=LOGIN, vcs_member=200),
    "needs:need_update": row(404, anonymous=LOGIN, vcs_member=200, superuser=403),
    "needs:need_step": row(404, anonymous=LOGIN, vcs_member=200, superuser=403),
    "needs:need_hide": row(403, anonymous=LOGIN, officer=200, superuser=200),
    "needs:need_unhide": row(403, anonymous=LOGIN, superuser=405),  # it is not hidden
    "needs:pledge_create": row(403, anonymous=LOGIN, supplier_contact=200),
    "needs:pledge_list": SIGNED_IN,
    "needs:pledge_detail": PLEDGE_SIDES_200,
    "needs:pledge_accept": PLEDGE_SIDES | {"vcs_member": 405},
    "needs:pledge_decline": PLEDGE_SIDES | {"vcs_member": 200},
    "needs:pledge_withdraw": PLEDGE_SIDES | {"supplier_contact": 405},
    "needs:pledge_receipt": PLEDGE_SIDES,  # not accepted yet: nobody confirms it
    "needs:pledge_receipt_file": row(404, anonymous=LOGIN),  # none was uploaded
    "needs:unmet": COUNCIL_PEOPLE,
    "needs:propose": COUNCIL_PEOPLE,
    "notifications:read_all": row(405, anonymous=LOGIN),
}

# POST-only views answer 405 to a GET whoever asks, so their decisions are checked with a POST
# of an empty form: refused (403/404), or let through to the form (which then finds nothing to
# do and says so: 200 or a redirect back).
POST_EXPECTED = {
    "people:logout": row(to("/sign-in/"), anonymous=LOGIN),
    # The officer's notification opens (and goes to its contract); to anyone else it is not
    # found.
    "notifications:open": row(404, anonymous=LOGIN, officer="redirect to the contract"),
    "notifications:read_all": row(to("/notifications/"), anonymous=LOGIN),
    "objectives:social_value_model_load": row(
        to("/frameworks/"),
        anonymous=LOGIN,
        leader=403,
        resident=403,
        vcs_member=403,
        supplier_contact=403,
    ),
    "consultations:proposal_support": row("redirect to the proposal", anonymous=LOGIN),
    "consultations:proposal_support_withdraw": row("redirect to the proposal", anonymous=LOGIN),
    "consultations:proposal_file_remove": row(
        404,
        anonymous=LOGIN,
        vcs_member="redirect to the proposal form",
        superuser="redirect to the proposal form",
    ),
    "contracts:buyer_alias_remove": row(
        403,
        anonymous=LOGIN,
        org_admin=to("/organisations/testborough-council/publishing-names/"),
        superuser=to("/organisations/testborough-council/publishing-names/"),
    ),
    "contracts:commitment_recovery": row(
        403,
        anonymous=LOGIN,
        officer=200,
        supplier_contact=200,
        superuser=200,
        resident=404,
        vcs_member=404,
        other_org_officer=404,
    ),
    # Nothing ticked: back to the queue, whoever asks; what is ticked is checked return by
    # return (tests/security/test_cross_body_writes.py).
    "contracts:return_bulk_verify": row(to("/returns/waiting/verify/"), anonymous=LOGIN),
    "contracts:return_verify": row(
        403,
        anonymous=LOGIN,
        officer=200,
        superuser=200,
        **dict.fromkeys(("resident", "vcs_member", "other_org_officer"), 404),
    ),
    "contracts:return_query": row(
        403,
        anonymous=LOGIN,
        officer=200,
        superuser=200,
        **dict.fromkeys(("resident", "vcs_member", "other_org_officer"), 404),
    ),
    "contracts:return_reject": row(
        403,
        anonymous=LOGIN,
        officer=200,
        superuser=200,
        **dict.fromkeys(("resident", "vcs_member", "other_org_officer"), 404),
    ),
    # Nothing is hidden: an officer is refused, a superuser told so.
    "needs:need_unhide": row(403, anonymous=LOGIN, superuser="redirect to the need"),
    "needs:pledge_accept": PLEDGE_SIDES | {"vcs_member": "redirect to the pledge"},
    "needs:pledge_withdraw": PLEDGE_SIDES | {"supplier_contact": "redirect to the pledge"},
    # Only a queried return is answered: the submitted one is refused, even to its supplier.
    "contracts:return_answer": row(
        403,
        anonymous=LOGIN,
        superuser=200,
        **dict.fromkeys(("resident", "vcs_member", "other_org_officer"), 404),
    ),
}

# Rows whose counts may change on any request: sign-in bookkeeping, not the application's data.
BOOKKEEPING = {Session, LoginFailure}


def _outcome(response, path: str, world) -> int | str:
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    target = urlsplit(location)
    if target.path == reverse("people:login") and parse_qs(target.query).get("next") == [path]:
        return LOGIN
    named = {
        world.contract.get_absolute_url(): "redirect to the contract",
        world.proposal.get_absolute_url(): "redirect to the proposal",
        world.need.get_absolute_url(): "redirect to the need",
        world.pledge.get_absolute_url(): "redirect to the pledge",
        reverse("consultations:proposal_update", args=[world.draft_proposal.pk]): (
            "redirect to the proposal form"
        ),
    }
    return named.get(location, to(location))


def _sign_in(client, world, role):
    client.logout()
    user = world.users[role]
    if user is not None:
        client.force_login(user)


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model not in BOOKKEEPING and not model._meta.label.startswith("sessions.")
    }


def _report(mismatches: list[str]) -> str:
    return "\n".join(["Answers that differ from EXPECTED:", *mismatches])


def test_every_served_url_has_a_decision_for_every_role():
    served = {pattern.name for pattern in served_patterns()}
    missing = sorted(served - set(EXPECTED))
    stale = sorted(set(EXPECTED) - served)
    assert not missing, f"URLs with no permission decision in EXPECTED: {missing}"
    assert not stale, f"EXPECTED lists URLs the application no longer serves: {stale}"
    assert all(set(cells) == set(ROLES) for cells in EXPECTED.values())


def test_every_url_with_arguments_is_filled_from_the_world():
    needs = {p.name for p in served_patterns() if "<" in p.route}
    assert sorted(needs - set(KWARGS)) == []
    assert sorted(set(KWARGS) - needs) == []


def test_post_only_urls_are_the_ones_listed():
    post_only = {p.name for p in served_patterns() if "get" not in p.methods}
    assert post_only == set(POST_EXPECTED)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_matrix_says(client, world, role):
    """GET every URL, then POST an empty form to the POST-only ones. GETs change nothing."""
    _sign_in(client, world, role)
    before = _counts()
    mismatches = []
    for pattern in served_patterns():
        if pattern.name not in EXPECTED or ("<" in pattern.route and pattern.name not in KWARGS):
            continue  # reported by the tests above
        path = url_for(pattern.name, world)
        response = client.get(path)
        got = _outcome(response, path, world)
        if response.streaming:
            # Reading a stream to its end closes it the way the test client expects; calling
            # close() directly would fire request_finished and drop the test's DB connection.
            b"".join(response.streaming_content)
        wanted = EXPECTED[pattern.name][role]
        if got != wanted:
            mismatches.append(f"  {role:<18} GET  {path:<52} wanted {wanted}, got {got}")
    assert _counts() == before, "a GET changed stored data"
    for pattern in served_patterns():
        if pattern.name not in POST_EXPECTED:
            continue
        _sign_in(client, world, role)  # signing out is one of them
        path = url_for(pattern.name, world)
        got = _outcome(client.post(path, {}), path, world)
        wanted = POST_EXPECTED[pattern.name][role]
        if got != wanted:
            mismatches.append(f"  {role:<18} POST {path:<52} wanted {wanted}, got {got}")
    assert not mismatches, _report(mismatches)


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("officer", 302), ("org_admin", 302), ("superuser", 200)],
)
def test_the_django_admin_is_for_staff_only(client, world, role, status):
    _sign_in(client, world, role)
    response = client.get("/admin/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/admin/login/")


def test_an_officer_of_another_place_cannot_act_in_this_place(client, world):
    """An officer elsewhere may start records for their own place only: asking for ours by
    slug, or posting our place's id, is refused and nothing is written."""
    client.force_login(world.users["other_org_officer"])
    ours = {"place": world.place.slug}
    assert client.get(reverse("objectives:objective_create"), ours).status_code == 404
    assert client.get(reverse("contracts:contract_create"), ours).status_code == 404
    assert client.get(reverse("dashboards:dashboard"), ours).status_code == 403
    assert client.get(reverse("consultations:proposal_create"), ours).status_code == 404
    frameworks, objectives, contracts = (
        Framework.objects.count(),
        Objective.objects.count(),
        Contract.objects.count(),
    )
    response = client.post(
        reverse("objectives:framework_create"),
        {"place": world.place.pk, "name": "Planted", "version": "1"},
    )
    assert response.status_code == 200 and "Choose a place whose frameworks you keep" in (
        response.content.decode()
    )
    client.post(reverse("objectives:social_value_model_load"), {"place": world.place.pk})
    client.post(
        reverse("objectives:objective_create") + "?place=testborough",
        {"title": "Planted", "outcome": world.outcome.pk, "areas": [world.ward.pk]},
    )
    client.post(
        reverse("contracts:contract_create") + "?place=testborough",
        {"reference": "PLANTED", "title": "Planted", "buyer": world.council.pk},
    )
    assert (Framework.objects.count(), Objective.objects.count(), Contract.objects.count()) == (
        frameworks,
        objectives,
        contracts,
    )
