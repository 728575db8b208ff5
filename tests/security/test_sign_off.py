"""Finding (High 2): second-person sign-off was bypassed.

A second officer opened a draft assessment written by someone else, saved its sections,
submitted it and approved it: one person submitted and approved. Only the author was compared
with the approver.

Rule (`contracts.signoff.sign_off_refusal`): the person who signs off a version must be neither
its author, nor the person who submitted it, nor anyone who changed it (its history says who),
on a first or a reopened version. The family test asks every path that can approve (the
service, the sign-off page, the Django admin's change form and actions, a model saved directly
as an import would) to approve as each of those people, and expects each to refuse.
"""

from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from contracts import services, signoff
from contracts.models import Assessment
from people.models import Membership
from tests.contracts.pipeline_helpers import ANSWERS, complete_assessment, make_contract

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def team(council, make_member):
    """Three officers of the council who each take part in the assessment, and a leader who
    does not."""
    return SimpleNamespace(
        author=make_member(council, Role.OFFICER, full_name="Ann Author"),
        editor=make_member(council, Role.OFFICER, full_name="Ed Editor"),
        submitter=make_member(council, Role.OFFICER, full_name="Sue Submitter"),
        leader=make_member(council, Role.LEADER, full_name="Cllr Lee"),
    )


def _worked_on_by_three(contract, team, assessment=None) -> Assessment:
    """The author starts it, the editor saves a section, the submitter saves another and
    submits."""
    if assessment is None:
        assessment = complete_assessment(contract, author=team.author)
    services.assessment_save_section(
        assessment=assessment, section="securing", by=team.editor, **ANSWERS["securing"]
    )
    services.assessment_save_section(
        assessment=assessment, section="urgency", by=team.submitter, **ANSWERS["urgency"]
    )
    return services.assessment_submit(assessment=assessment, by=team.submitter)


@pytest.fixture(params=["first version", "reopened version"])
def submitted(request, council, team):
    contract = make_contract(buyer=council, by=team.author)
    if request.param == "reopened version":
        first = services.assessment_submit(
            assessment=complete_assessment(contract, author=team.leader), by=team.leader
        )
        services.assessment_approve(assessment=first, by=team.editor)
        # The author reopens it: the author of version 2.
        reopened = services.assessment_reopen(assessment=first, by=team.author)
        return _worked_on_by_three(contract, team, reopened)
    return _worked_on_by_three(contract, team)


def test_one_officer_cannot_edit_submit_and_approve_a_colleagues_draft(client, council, team):
    """The reported attack, through the pages: the author starts a draft; a second officer
    saves its sections, submits it and signs it off."""
    contract = make_contract(buyer=council, by=team.author)
    assessment = services.assessment_start(contract=contract, by=team.author)
    client.force_login(team.editor)
    base = f"/contracts/{contract.pk}/assessment/v1/"
    for section, answers in ANSWERS.items():
        data = {"revision": Assessment.objects.get(pk=assessment.pk).revision}
        for name, value in answers.items():
            data[name] = "" if value is None else str(value)
        assert client.post(base + f"{section}/", data).status_code == 302
    assert client.post(base + "check/", {}).status_code == 302

    response = client.post(base + "sign-off/", {"decision": "approve"})

    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert assessment.approved_by is None


def _approve_with_service(assessment, person, client):
    services.assessment_approve(assessment=assessment, by=person)


def _approve_with_page(assessment, person, client):
    client.force_login(person)
    url = reverse(
        "contracts:assessment_sign_off",
        kwargs={"pk": assessment.contract_id, "version": assessment.version},
    )
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 403


def _approve_with_admin_form(assessment, person, client):
    """Staff with every model permission post the admin's change form, status and signer
    included: the admin shows them but does not take them."""
    person.is_staff = person.is_superuser = True
    person.save()
    client.force_login(person)
    url = reverse("admin:contracts_assessment_change", args=[assessment.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        name: value
        for name, value in page.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data |= {"status": "approved", "approved_by": person.pk, "approved_at": timezone.now()}
    client.post(url, data)


def _approve_with_admin_actions(assessment, person, client):
    """Every bulk action of the assessments' admin, run on this assessment as this person."""
    from django.test import RequestFactory

    model_admin = admin.site._registry[Assessment]
    request = RequestFactory().post("/")
    request.user = person
    for name, (action, _name, _label) in model_admin.get_actions(request).items():
        assert name in APPROVING_ACTIONS, (
            f"the admin action {name!r} is new: say here whether it can approve, and test it"
        )
        action(model_admin, request, Assessment.objects.filter(pk=assessment.pk))


def _approve_by_saving_the_model(assessment, person, client):
    """What an import, a data fix in the shell or any other code that saves the model does."""
    assessment.status = Assessment.Status.APPROVED
    assessment.approved_by = person
    assessment.approved_at = timezone.now()
    assessment.save()


# Bulk actions of the assessments' admin that could approve: none today. A new action must be
# added here and shown to refuse the people who took part (the family test runs it).
APPROVING_ACTIONS: set[str] = set()

PATHS = {
    "service": _approve_with_service,
    "page": _approve_with_page,
    "admin change form": _approve_with_admin_form,
    "admin actions": _approve_with_admin_actions,
    "model save": _approve_by_saving_the_model,
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("who", ["author", "editor", "submitter"])
def test_no_path_lets_anyone_who_took_part_approve(client, team, submitted, who, path):
    """The family: each person who took part in the version, by each path that can approve."""
    person = getattr(team, who)
    try:
        with transaction.atomic():
            PATHS[path](Assessment.objects.get(pk=submitted.pk), person, client)
    except (ValidationError, IntegrityError):
        pass
    stored = Assessment.objects.get(pk=submitted.pk)
    assert stored.status == Assessment.Status.SUBMITTED, f"{who} approved it by {path}"
    assert stored.approved_by is None


@pytest.mark.parametrize("path", ["service", "page", "model save"])
def test_someone_who_took_no_part_approves_by_the_same_paths(client, team, submitted, path):
    """The control: the rule refuses the people, not the path."""

    def page(assessment, person, client):
        client.force_login(person)
        url = reverse(
            "contracts:assessment_sign_off",
            kwargs={"pk": assessment.contract_id, "version": assessment.version},
        )
        assert client.post(url, {"decision": "approve"}).status_code == 302

    approve = page if path == "page" else PATHS[path]
    approve(Assessment.objects.get(pk=submitted.pk), team.leader, client)
    stored = Assessment.objects.get(pk=submitted.pk)
    assert stored.status == Assessment.Status.APPROVED
    assert stored.approved_by == team.leader


@pytest.mark.parametrize(
    ("who", "verb"), [("author", "wrote"), ("editor", "changed"), ("submitter", "submitted")]
)
def test_the_refusal_says_what_the_person_did(team, submitted, who, verb):
    problem = signoff.sign_off_refusal(getattr(team, who), submitted)
    assert problem.startswith(f"You {verb} this assessment, so you cannot sign it off")


def test_a_reviewer_who_sent_it_back_may_sign_off_the_correction(council, team):
    contract = make_contract(buyer=council, by=team.author)
    assessment = services.assessment_submit(
        assessment=complete_assessment(contract, author=team.author), by=team.author
    )
    services.assessment_return(assessment=assessment, by=team.leader, reason="Say more")
    services.assessment_save_section(
        assessment=assessment, section="urgency", by=team.author, **ANSWERS["urgency"]
    )
    services.assessment_submit(assessment=assessment, by=team.author)
    approved = services.assessment_approve(assessment=assessment, by=team.leader)
    assert approved.approved_by == team.leader


def test_someone_who_took_part_cannot_send_it_back_either(team, submitted):
    with pytest.raises(ValidationError, match="so you cannot sign it off"):
        services.assessment_return(assessment=submitted, by=team.editor, reason="Again")


def test_the_database_refuses_a_signer_who_submitted_it(council, team):
    contract = make_contract(buyer=council, by=team.author)
    assessment = services.assessment_submit(
        assessment=complete_assessment(contract, author=team.author), by=team.editor
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).update(
            status="approved", approved_by=team.editor, approved_at=timezone.now()
        )


def test_superusers_sign_off_only_as_the_bodys_people(client, team, submitted):
    from tests.people.factories import UserFactory

    root = UserFactory(is_superuser=True, is_staff=True)
    assert "Only an officer or leader" in signoff.sign_off_refusal(root, submitted)
    client.force_login(root)
    url = reverse(
        "contracts:assessment_sign_off",
        kwargs={"pk": submitted.contract_id, "version": submitted.version},
    )
    assert client.get(url).status_code == 403


def test_the_waiting_counts_use_the_same_rule(client, council, team, make_member):
    """The home page's count and the contract list's filter agree with the rule, person by
    person (`awaiting_sign_off` is the rule in SQL)."""
    contract = make_contract(buyer=council, by=team.author)
    assessment = _worked_on_by_three(contract, team)
    other = make_member(council, Role.OFFICER)
    for person in (team.author, team.editor, team.submitter, team.leader, other):
        may = signoff.may_sign_off(person, assessment)
        waiting = signoff.awaiting_sign_off(person, Assessment.objects.all())
        assert waiting.filter(pk=assessment.pk).exists() == may, person
        client.force_login(person)
        texts = [item.text for item in client.get(reverse("home")).context["attention"]]
        assert ("1 social value assessment is waiting for your sign-off" in texts) == may
        listed = client.get(reverse("contracts:contract_list"), {"sign_off": "mine"})
        assert [c.pk for c in listed.context["contracts"]] == ([contract.pk] if may else [])
    assert not signoff.may_sign_off(team.editor, assessment)
    assert signoff.may_sign_off(other, assessment)


def test_earlier_sign_offs_by_a_person_who_took_part_are_flagged_not_changed(council, team):
    """The data migration: approvals made before the rule by someone who took part are kept
    as they were, flagged, and said on the page; a reviewer who sent a version back is not
    counted as having changed it."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("contracts.migrations.0008_second_person_sign_off")
    contract = make_contract(buyer=council, by=team.author, reference="OLD-1")
    old = complete_assessment(contract, author=team.author)
    services.assessment_save_section(
        assessment=old, section="urgency", by=team.editor, **ANSWERS["urgency"]
    )
    services.assessment_submit(assessment=old, by=team.author)
    # As the old code allowed: an officer who changed it approves. Written straight to the
    # database, as the rule now stops every other way.
    Assessment.objects.filter(pk=old.pk).update(
        status="approved", approved_by=team.editor, approved_at=timezone.now()
    )
    fine_contract = make_contract(buyer=council, by=team.author, reference="OLD-2")
    fine = services.assessment_submit(
        assessment=complete_assessment(fine_contract, author=team.author), by=team.author
    )
    services.assessment_return(assessment=fine, by=team.leader, reason="More")
    services.assessment_submit(assessment=fine, by=team.author)
    services.assessment_approve(assessment=fine, by=team.leader)
    fine.history.update(history_change_reason=None)  # as the history was before the rule

    migration.mark_decisions_and_earlier_sign_offs(apps, None)

    assert Assessment.objects.get(pk=old.pk).signed_off_by_involved_person
    assert not Assessment.objects.get(pk=fine.pk).signed_off_by_involved_person
    assert Assessment.objects.get(pk=old.pk).approved_by == team.editor  # kept as it was
