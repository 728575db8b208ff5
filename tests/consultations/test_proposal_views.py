import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from consultations import services
from consultations.models import Comment, Proposal, ProposalFile, Support
from objectives.models import Objective

pytestmark = pytest.mark.django_db
S = Proposal.Status
PDF = b"%PDF-1.4\n%test file\n"


def _form(neighbourhoods, **overrides):
    data = {
        "title": "Warm spaces in Keep Lane",
        "areas": [neighbourhoods[0].pk],
        "problem": "People are cold",
        "affected": "Older people",
        "change": "Open warm spaces",
        "action": "Submit proposal",
    }
    data.update(overrides)
    return data


def test_list_is_public_and_never_shows_drafts(client, make_proposal):
    submitted = make_proposal(status=S.SUBMITTED, title="Visible one")
    make_proposal(status=S.DRAFT, title="Secret draft")
    response = client.get(reverse("consultations:proposal_list"))
    assert response.status_code == 200
    assert "consultations/proposal_list.html" in [t.name for t in response.templates]
    assert list(response.context["proposals"]) == [submitted]
    assert b"Secret draft" not in response.content


def test_list_filters_by_status_area_outcome_and_text(
    client, make_proposal, neighbourhoods, outcome
):
    a = make_proposal(
        status=S.SUBMITTED, title="Bikes", areas=[neighbourhoods[0]], suggested_outcome=outcome
    )
    b = make_proposal(status=S.UNDER_REVIEW, title="Parks", areas=[neighbourhoods[1]])
    url = reverse("consultations:proposal_list")
    assert list(client.get(url, {"status": "under_review"}).context["proposals"]) == [b]
    assert list(client.get(url, {"area": neighbourhoods[0].pk}).context["proposals"]) == [a]
    assert list(client.get(url, {"outcome": outcome.pk}).context["proposals"]) == [a]
    assert list(client.get(url, {"q": "park"}).context["proposals"]) == [b]


def test_detail_is_public_but_hides_private_notes_and_names(
    client, people, make_proposal, django_assert_max_num_queries
):
    proposal = make_proposal(status=S.SUBMITTED)
    proposal = services.proposal_transition(
        proposal=proposal,
        to=S.UNDER_REVIEW,
        by=people["officer"],
        reason="Looking",
        note="SECRET NOTE",
    )
    services.comment_add(proposal=proposal, by=people["resident"], body="A question")
    response = client.get(proposal.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "SECRET NOTE" not in content
    assert escape(people["officer"].full_name) not in content
    assert escape(people["resident"].full_name) not in content
    assert "A resident" in content and "Testborough Council" in content
    client.force_login(people["officer"])
    assert "SECRET NOTE" in client.get(proposal.get_absolute_url()).content.decode()
    client.force_login(people["proposer"])
    assert "SECRET NOTE" not in client.get(proposal.get_absolute_url()).content.decode()


def test_draft_is_404_to_others(client, people, make_proposal):
    draft = make_proposal(status=S.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(people["officer"])
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(people["proposer"])
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_create_and_submit_with_a_file(client, people, vcs_group, neighbourhoods, place):
    client.force_login(people["proposer"])
    url = reverse("consultations:proposal_create")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("survey.pdf", PDF, content_type="application/pdf")
    response = client.post(url, _form(neighbourhoods, organisation=vcs_group.pk, file_1=upload))
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    assert proposal.status == S.SUBMITTED
    record = ProposalFile.objects.get(proposal=proposal)
    assert record.original_name == "survey.pdf" and record.kind == "PDF"
    assert "survey" not in record.file.name
    # The file is served to anyone who may see the proposal.
    download = client.get(reverse("consultations:proposal_file", args=[proposal.pk, record.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_a_draft_file_is_not_served_to_others(client, people, vcs_group, neighbourhoods):
    client.force_login(people["proposer"])
    upload = SimpleUploadedFile("survey.pdf", PDF, content_type="application/pdf")
    client.post(
        reverse("consultations:proposal_create"),
        _form(neighbourhoods, organisation=vcs_group.pk, file_1=upload, action="Save as draft"),
    )
    proposal = Proposal.objects.get()
    assert proposal.status == S.DRAFT
    url = reverse("consultations:proposal_file", args=[proposal.pk, proposal.files.get().pk])
    client.logout()
    assert client.get(url).status_code == 404


def test_a_file_of_the_wrong_type_is_refused(client, people, vcs_group, neighbourhoods):
    client.force_login(people["proposer"])
    upload = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        reverse("consultations:proposal_create"),
        _form(neighbourhoods, organisation=vcs_group.pk, file_1=upload),
    )
    assert response.status_code == 200
    assert "evil.pdf must be a PDF" in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_file_too_large_is_refused(client, people, vcs_group, neighbourhoods, settings):
    client.force_login(people["proposer"])
    upload = SimpleUploadedFile(
        "big.pdf", PDF + b"0" * (5 * 1024 * 1024), content_type="application/pdf"
    )
    response = client.post(
        reverse("consultations:proposal_create"),
        _form(neighbourhoods, organisation=vcs_group.pk, file_1=upload),
    )
    assert "The file must be smaller than 5 MB" in response.content.decode()
    assert not Proposal.objects.exists()


def test_an_empty_form_gets_specific_messages(client, people, vcs_group):
    client.force_login(people["proposer"])
    response = client.post(reverse("consultations:proposal_create"), {"action": "Submit proposal"})
    content = response.content.decode()
    assert "Enter a title for your proposal" in content
    assert "Choose at least one neighbourhood or ward" in content
    assert "Describe the problem" in content
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"), [("supplier", 200), ("resident", 403), ("officer", 200)]
)
def test_create_page_permissions(client, people, role, status):
    client.force_login(people[role])
    assert client.get(reverse("consultations:proposal_create")).status_code == status


def test_anonymous_is_sent_to_sign_in_to_propose(client):
    response = client.get(reverse("consultations:proposal_create"))
    assert response.status_code == 302 and reverse("people:login") in response["Location"]


# (url name, status the proposal is in, who may) -> every other role gets 403
VIEWS = [
    ("consultations:proposal_update", S.DRAFT, {"proposer"}),
    ("consultations:proposal_submit", S.DRAFT, {"proposer"}),
    ("consultations:proposal_withdraw", S.SUBMITTED, {"proposer"}),
    ("consultations:proposal_start_review", S.SUBMITTED, {"officer", "partner_officer"}),
    ("consultations:proposal_accept", S.UNDER_REVIEW, {"officer", "partner_officer"}),
    ("consultations:proposal_attach", S.UNDER_REVIEW, {"officer", "partner_officer"}),
    ("consultations:proposal_merge", S.UNDER_REVIEW, {"officer", "partner_officer"}),
    ("consultations:proposal_decline", S.UNDER_REVIEW, {"officer", "partner_officer"}),
    ("consultations:proposal_note", S.SUBMITTED, {"officer", "partner_officer"}),
    (
        "consultations:comment_create",
        S.SUBMITTED,
        {
            "proposer",
            "dual",
            "other_group",
            "resident",
            "supplier",
            "officer",
            "leader",
            "partner_officer",
            "other_officer",
        },
    ),
]


@pytest.mark.parametrize(("name", "status", "who"), VIEWS)
@pytest.mark.parametrize(
    "role",
    ["proposer", "dual", "resident", "supplier", "officer", "partner_officer", "other_officer"],
)
def test_view_permissions(client, people, make_proposal, name, status, who, role):
    proposal = make_proposal(status=status)
    client.force_login(people[role])
    response = client.get(reverse(name, args=[proposal.pk]))
    if status == S.DRAFT and role not in {"proposer", "dual"}:
        assert response.status_code == 404  # a draft is not even found
    else:
        expected = 200 if role in who or (role == "dual" and "proposer" in who) else 403
        assert response.status_code == expected


def test_adopt_view_needs_objective_rights(client, people, make_proposal):
    proposal = make_proposal(status=S.UNDER_REVIEW)
    client.force_login(people["officer"])
    response = client.get(reverse("consultations:proposal_adopt", args=[proposal.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == proposal.title
    assert form.initial["partners"] == [proposal.organisation_id]


def test_adopt_creates_the_objective_and_accepts(
    client, people, make_proposal, outcome, council, neighbourhoods
):
    proposal = make_proposal(status=S.UNDER_REVIEW)
    client.force_login(people["officer"])
    response = client.post(
        reverse("consultations:proposal_adopt", args=[proposal.pk]),
        {
            "title": "Warm hubs",
            "description": "Warm hubs for older people",
            "outcome": outcome.pk,
            "dimensions": ["social"],
            "areas": [neighbourhoods[0].pk],
            "lead_organisation": council.pk,
            "partners": [proposal.organisation_id],
            "priority": "medium",
        },
    )
    objective = Objective.objects.get(title="Warm hubs")
    assert response.status_code == 302 and response["Location"] == objective.get_absolute_url()
    proposal.refresh_from_db()
    assert proposal.status == S.ACCEPTED and proposal.objective == objective
    # The objective's page shows where it came from.
    page = client.get(objective.get_absolute_url())
    assert proposal.title in page.content.decode()
    # And the proposal's page shows the objective, to the proposer (a partner).
    client.force_login(people["proposer"])
    content = client.get(proposal.get_absolute_url()).content.decode()
    assert "Accepted" in content and objective.get_absolute_url() in content


def test_decline_without_a_reason_shows_a_message_and_changes_nothing(
    client, people, make_proposal
):
    proposal = make_proposal(status=S.UNDER_REVIEW)
    client.force_login(people["officer"])
    response = client.post(
        reverse("consultations:proposal_decline", args=[proposal.pk]), {"reason": ""}
    )
    assert "Explain why the proposal is declined" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == S.UNDER_REVIEW


def test_dual_member_sees_why_they_cannot_review(client, people, proposal):
    client.force_login(people["dual"])
    response = client.get(proposal.get_absolute_url())
    assert "You cannot review a proposal from your own organisation" in response.content.decode()
    assert (
        client.post(reverse("consultations:proposal_start_review", args=[proposal.pk])).status_code
        == 403
    )
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED


def test_support_twice_gives_a_message(client, people, proposal):
    client.force_login(people["resident"])
    url = reverse("consultations:proposal_support", args=[proposal.pk])
    client.post(url, {"organisation": ""})
    response = client.post(url, {"organisation": ""}, follow=True)
    assert "You already support this proposal" in response.content.decode()
    assert Support.objects.filter(proposal=proposal).count() == 1
    client.post(reverse("consultations:proposal_support_withdraw", args=[proposal.pk]))
    assert not Support.objects.exists()


def test_hide_comment_view(client, people, proposal):
    comment = services.comment_add(proposal=proposal, by=people["resident"], body="Nasty")
    url = reverse("consultations:comment_hide", args=[proposal.pk, comment.pk])
    client.force_login(people["supplier"])
    assert client.get(url).status_code == 403
    client.force_login(people["officer"])
    client.post(url, {"reason": "Abusive language"})
    client.logout()
    content = client.get(proposal.get_absolute_url()).content.decode()
    assert "This comment was hidden by an officer: Abusive language" in content
    assert "Nasty" not in content
    assert Comment.objects.get(pk=comment.pk).body == "Nasty"


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow(client, make_proposal, people):
    url = reverse("consultations:proposal_list")
    make_proposal(status=S.SUBMITTED)
    one = _count(client, url)
    for _ in range(19):
        p = make_proposal(status=S.SUBMITTED)
        Support.objects.create(proposal=p, user=people["resident"])
    assert _count(client, url) == one
    client.force_login(people["proposer"])
    signed_in = _count(client, url)
    make_proposal(status=S.DRAFT)
    assert _count(client, url) == signed_in


def test_detail_query_count_does_not_grow(client, people, make_proposal):
    proposal = make_proposal(status=S.SUBMITTED)
    client.force_login(people["officer"])
    few = _count(client, proposal.get_absolute_url())
    for n in range(5):
        q = services.comment_add(proposal=proposal, by=people["resident"], body=f"Q{n}")
        services.comment_add(proposal=proposal, by=people["proposer"], body=f"A{n}", reply_to=q)
        services.proposal_note(proposal=proposal, by=people["officer"], note=f"Note {n}")
    Support.objects.create(proposal=proposal, user=people["supplier"])
    assert _count(client, proposal.get_absolute_url()) == few


def test_an_attachment_is_kept_when_the_proposal_is_refused(
    client, people, vcs_group, neighbourhoods
):
    """Issue 17: files had to be attached again after a form error."""
    import re

    client.force_login(people["proposer"])
    url = reverse("consultations:proposal_create")
    upload = SimpleUploadedFile("survey.pdf", PDF, content_type="application/pdf")
    refused = client.post(
        url, _form(neighbourhoods, organisation=vcs_group.pk, title="", file_1=upload)
    )
    html = refused.content.decode()
    assert refused.status_code == 200 and "Kept from your last attempt: survey.pdf" in html
    token = re.search(r'name="file_1_kept" value="([^"]+)"', html).group(1)
    client.post(url, _form(neighbourhoods, organisation=vcs_group.pk, file_1_kept=token))
    record = ProposalFile.objects.get()
    assert record.original_name == "survey.pdf"
