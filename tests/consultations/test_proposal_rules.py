"""The proposal's life cycle and business rules, at service level: whatever the entry point."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from consultations import services
from consultations.models import Comment, Proposal, ProposalEvent, Support, transition_error
from objectives.models import Objective

pytestmark = pytest.mark.django_db
S = Proposal.Status


def create(by, organisation, place, areas, **overrides):
    kwargs = dict(
        by=by,
        organisation=organisation,
        place=place,
        title="Warm spaces",
        problem="Cold homes",
        change="Warm hubs",
        areas=areas,
    )
    kwargs.update(overrides)
    return services.proposal_create(**kwargs)


def test_create_makes_a_private_draft_with_history(people, vcs_group, place, neighbourhoods):
    proposal = create(people["proposer"], vcs_group, place, neighbourhoods)
    assert proposal.status == S.DRAFT and proposal.submitted_at is None
    assert not proposal.is_public
    assert proposal.history.earliest().history_user == people["proposer"]
    assert Proposal.objects.visible_to(people["officer"]).filter(pk=proposal.pk).count() == 0


def test_only_members_propose_for_an_organisation(people, vcs_group, place, neighbourhoods):
    with pytest.raises(ValidationError, match="Choose an organisation you belong to"):
        create(people["other_group"], vcs_group, place, neighbourhoods)
    assert not Proposal.objects.exists()


def test_an_empty_submission_is_refused_and_nothing_is_saved(
    people, vcs_group, place, neighbourhoods
):
    with pytest.raises(ValidationError) as error:
        create(people["proposer"], vcs_group, place, neighbourhoods, change="", submit=True)
    assert error.value.message_dict["change"] == [
        "Say what should change before you submit the proposal"
    ]
    assert not Proposal.objects.exists()


def test_oversized_text_is_refused(people, vcs_group, place, neighbourhoods):
    with pytest.raises(ValidationError) as error:
        create(people["proposer"], vcs_group, place, neighbourhoods, problem="x" * 5001)
    assert "problem" in error.value.message_dict


def test_full_life_cycle_records_events_and_emails(
    people, vcs_group, place, neighbourhoods, outcome, council
):
    proposer, officer = people["proposer"], people["officer"]
    proposal = create(proposer, vcs_group, place, neighbourhoods, submit=True)
    assert proposal.status == S.SUBMITTED and proposal.submitted_at
    services.support_add(proposal=proposal, by=people["other_group"])
    mail.outbox.clear()
    proposal = services.proposal_transition(
        proposal=proposal, to=S.UNDER_REVIEW, by=officer, note="Check the budget"
    )
    events = list(proposal.events.order_by("pk"))
    assert [(e.kind, e.from_status, e.to_status) for e in events] == [
        ("transition", "draft", "submitted"),
        ("transition", "submitted", "under_review"),
        ("note", "under_review", "under_review"),
    ]
    assert events[1].by == officer and events[1].by_organisation == council
    assert events[2].is_private and events[2].note == "Check the budget"
    assert proposal.history.latest().history_user == officer
    # The proposer's organisation and the supporter are told.
    proposal, objective = services.proposal_accept_as_new_objective(
        proposal=proposal,
        by=officer,
        title="Warm hubs",
        description="Warm hubs every weekday",
        outcome=outcome,
        dimensions=["social"],
        areas=neighbourhoods,
        lead_organisation=council,
    )
    assert proposal.status == S.ACCEPTED and proposal.objective == objective
    assert objective.status == Objective.Status.DRAFT
    assert "Adopted as objective" in proposal.public_reason


def test_status_emails_go_to_the_group_and_supporters(
    people, proposal, django_capture_on_commit_callbacks
):
    Support.objects.create(proposal=proposal, user=people["other_group"])
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_transition(
            proposal=proposal, to=S.UNDER_REVIEW, by=people["officer"], reason="Looking at it"
        )
    recipients = {m.to[0] for m in mail.outbox}
    assert people["proposer"].email in recipients
    assert people["other_group"].email in recipients
    assert people["officer"].email not in recipients
    assert "Looking at it" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("current", "to", "message"),
    [
        (S.DRAFT, S.ACCEPTED, "A draft cannot be accepted. It must be submitted first"),
        (
            S.SUBMITTED,
            S.ACCEPTED,
            "A submitted proposal cannot be accepted yet. Start the review first",
        ),
        (
            S.SUBMITTED,
            S.DECLINED,
            "A submitted proposal cannot be declined yet. Start the review first",
        ),
        (S.ACCEPTED, S.DECLINED, "This proposal is accepted: its status can no longer change"),
        (S.WITHDRAWN, S.SUBMITTED, "This proposal is withdrawn: its status can no longer change"),
        (S.DECLINED, S.UNDER_REVIEW, "A proposal that is declined cannot be under review"),
        (S.SUBMITTED, S.SUBMITTED, "The proposal is already submitted"),
    ],
)
def test_skipping_a_step_is_refused_with_a_specific_message(current, to, message):
    assert transition_error(Proposal(status=current), to) == message


def test_every_allowed_transition_is_in_the_table():
    for current, allowed in Proposal.TRANSITIONS.items():
        for to in S:
            assert (transition_error(Proposal(status=current), to) is None) is (to in allowed)


def test_skipped_step_changes_nothing(people, proposal):
    with pytest.raises(ValidationError, match="Start the review first"):
        services.proposal_transition(
            proposal=proposal, to=S.DECLINED, by=people["officer"], reason="No"
        )
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert not ProposalEvent.objects.filter(proposal=proposal).exists()


def test_a_member_who_is_also_an_officer_cannot_review_their_own_proposal(people, proposal):
    with pytest.raises(ValidationError) as error:
        services.proposal_transition(proposal=proposal, to=S.UNDER_REVIEW, by=people["dual"])
    assert error.value.message_dict["status"] == [
        "You cannot review a proposal from your own organisation"
    ]
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED


def test_a_vcs_member_cannot_review_their_own_proposal(people, proposal):
    with pytest.raises(
        ValidationError, match="You cannot review a proposal from your own organisation"
    ):
        services.proposal_transition(proposal=proposal, to=S.UNDER_REVIEW, by=people["proposer"])


def test_officers_of_another_place_cannot_review(people, proposal):
    with pytest.raises(ValidationError, match="Only officers of a public body serving Testborough"):
        services.proposal_transition(
            proposal=proposal, to=S.UNDER_REVIEW, by=people["other_officer"]
        )


def test_decline_needs_a_public_reason_and_can_be_revised_and_resubmitted(people, make_proposal):
    proposal = make_proposal(status=S.UNDER_REVIEW)
    with pytest.raises(ValidationError, match="Explain why the proposal is declined"):
        services.proposal_transition(proposal=proposal, to=S.DECLINED, by=people["officer"])
    proposal = services.proposal_transition(
        proposal=proposal, to=S.DECLINED, by=people["officer"], reason="Not deliverable by contract"
    )
    assert proposal.public_reason == "Not deliverable by contract"
    proposal = services.proposal_update(
        proposal=proposal, by=people["proposer"], change="Use existing buildings", submit=True
    )
    assert proposal.status == S.SUBMITTED and proposal.change == "Use existing buildings"
    assert proposal.public_reason == ""


def test_submitted_proposals_cannot_be_edited(people, proposal):
    with pytest.raises(ValidationError, match="it can no longer be changed"):
        services.proposal_update(proposal=proposal, by=people["proposer"], title="New")


def test_merge_needs_another_live_proposal(people, make_proposal):
    proposal = make_proposal(status=S.UNDER_REVIEW)
    other = make_proposal(status=S.SUBMITTED)
    with pytest.raises(ValidationError, match="Choose the proposal this one joins"):
        services.proposal_transition(proposal=proposal, to=S.MERGED, by=people["officer"])
    merged = services.proposal_transition(
        proposal=proposal, to=S.MERGED, by=people["officer"], merged_into=other
    )
    assert merged.merged_into == other


def test_attach_only_to_an_objective_the_officer_may_change(
    people, make_proposal, make_objective, other_place_council
):
    proposal = make_proposal(status=S.UNDER_REVIEW)
    objective = make_objective(status="active")
    with pytest.raises(ValidationError, match="Choose an objective you can change"):
        services.proposal_accept_into_objective(
            proposal=proposal, by=people["partner_officer"], objective=objective
        )
    accepted = services.proposal_accept_into_objective(
        proposal=proposal, by=people["officer"], objective=objective
    )
    assert accepted.objective == objective and accepted.status == S.ACCEPTED


def test_adopting_rolls_back_if_the_objective_is_invalid(people, make_proposal, council, outcome):
    proposal = make_proposal(status=S.UNDER_REVIEW)
    with pytest.raises(ValidationError):
        services.proposal_accept_as_new_objective(
            proposal=proposal,
            by=people["officer"],
            title="x",
            description="y",
            outcome=outcome,
            dimensions=[],
            areas=[],
            lead_organisation=council,
        )
    proposal.refresh_from_db()
    assert proposal.status == S.UNDER_REVIEW
    assert not Objective.objects.exists()


def test_withdraw_by_the_proposer_only(people, proposal):
    with pytest.raises(ValidationError, match="Only members of Testborough Pantry"):
        services.proposal_transition(proposal=proposal, to=S.WITHDRAWN, by=people["officer"])
    withdrawn = services.proposal_transition(
        proposal=proposal, to=S.WITHDRAWN, by=people["proposer"], reason="Done elsewhere"
    )
    assert withdrawn.status == S.WITHDRAWN


def test_support_once_each_and_withdrawable(people, proposal):
    supporter = people["other_group"]
    services.support_add(proposal=proposal, by=supporter)
    with pytest.raises(ValidationError, match="You already support this proposal"):
        services.support_add(proposal=proposal, by=supporter)
    assert Support.objects.filter(proposal=proposal).count() == 1
    services.support_withdraw(proposal=proposal, by=supporter)
    assert not Support.objects.filter(proposal=proposal).exists()
    with pytest.raises(ValidationError, match="You do not support this proposal"):
        services.support_withdraw(proposal=proposal, by=supporter)


def test_the_database_refuses_a_second_support(people, proposal):
    from django.db import IntegrityError, transaction

    Support.objects.create(proposal=proposal, user=people["resident"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(proposal=proposal, user=people["resident"])


def test_the_proposer_cannot_support_their_own_proposal(people, proposal):
    with pytest.raises(
        ValidationError, match="You cannot support your own organisation's proposal"
    ):
        services.support_add(proposal=proposal, by=people["proposer"])


def test_a_draft_cannot_be_supported(people, make_proposal):
    with pytest.raises(ValidationError, match="it can no longer be supported"):
        services.support_add(proposal=make_proposal(status=S.DRAFT), by=people["resident"])


def test_questions_and_answers(people, proposal, django_capture_on_commit_callbacks, council):
    with django_capture_on_commit_callbacks(execute=True):
        question = services.comment_add(proposal=proposal, by=people["resident"], body="When?")
    assert question.author_organisation is None and not question.is_answer
    assert people["proposer"].email in {m.to[0] for m in mail.outbox}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.comment_add(
            proposal=proposal, by=people["officer"], body="In winter", reply_to=question
        )
    assert answer.is_answer and answer.author_organisation == council
    assert people["resident"].email in {m.to[0] for m in mail.outbox}
    with pytest.raises(ValidationError, match="Enter your question"):
        services.comment_add(proposal=proposal, by=people["resident"], body="   ")


def test_hiding_keeps_the_comment_and_tells_the_author(
    people, proposal, django_capture_on_commit_callbacks
):
    comment = services.comment_add(proposal=proposal, by=people["resident"], body="Rude words")
    with pytest.raises(ValidationError, match="Only officers"):
        services.comment_hide(comment=comment, by=people["supplier"], reason="x")
    with pytest.raises(ValidationError, match="Explain why the comment is hidden"):
        services.comment_hide(comment=comment, by=people["officer"], reason="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_hide(comment=comment, by=people["officer"], reason="Abusive")
    comment.refresh_from_db()
    assert comment.hidden_at and comment.body == "Rude words"
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert [m.to[0] for m in mail.outbox] == [people["resident"].email]
    assert "Abusive" in mail.outbox[0].body
