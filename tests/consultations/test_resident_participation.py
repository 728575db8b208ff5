"""A resident who registered themselves (no organisation) supports a proposal and asks about
it; publicly they are only ever "A resident"."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from consultations.models import Comment, Proposal, Support
from people.models import Membership, User
from socialvalue.rules import allowed

pytestmark = pytest.mark.django_db
S = Proposal.Status
STRONG = "plum kettle orbit lantern"


def test_a_freshly_registered_resident_supports_and_asks_and_stays_anonymous(
    client, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    page = client.get(proposal.get_absolute_url())
    register_url = f"{reverse('people:register')}?next={proposal.get_absolute_url()}"
    assertContains(page, "create an account")
    assertContains(page, f'href="{register_url}"')

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            register_url,
            {
                "full_name": "Zebedee Quartermain",
                "email": "zebedee@example.org",
                "password": STRONG,
                "password_confirm": STRONG,
                "agree_privacy": "on",
            },
        )
    # The account is made from the link emailed to the address.
    link = re.search(r"https?://[^/\s]+(/register/confirm/\S+/)", mailoutbox[0].body).group(1)
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url()
    resident = User.objects.get(email="zebedee@example.org")
    assert not Membership.objects.filter(user=resident).exists()

    page = client.get(proposal.get_absolute_url())
    assert page.context["may_support"] and page.context["may_comment"]

    supported = client.post(
        reverse("consultations:proposal_support", args=[proposal.pk]),
        {"organisation": ""},
        follow=True,
    )
    assertContains(supported, "Thank you for supporting this proposal")
    support = Support.objects.get(proposal=proposal)
    assert support.user == resident and support.organisation is None

    asked = client.post(
        reverse("consultations:comment_create", args=[proposal.pk]),
        {"body": "Will this run in the school holidays?"},
    )
    assert asked.status_code == 302
    question = Comment.objects.get(proposal=proposal)
    assert question.author == resident and question.author_organisation is None

    client.logout()
    public = client.get(proposal.get_absolute_url())
    assertContains(public, "Question from A resident")
    assertContains(public, "Will this run in the school holidays?")
    assertContains(public, "and 1 resident")
    assertNotContains(public, "Zebedee")
    assertNotContains(public, "Quartermain")
    assertNotContains(public, "zebedee@example.org")


@pytest.mark.parametrize("status", list(S))
def test_a_resident_may_support_and_ask_whenever_anyone_may(people, make_proposal, status):
    """Residents in no organisation are not second-class: they get what any signed-in person
    outside the proposing group gets, and anonymous visitors get neither."""
    proposal = make_proposal(status=status)
    for rule in ("consultations.support_proposal", "consultations.comment_proposal"):
        assert allowed(people["resident"], rule, proposal) is allowed(
            people["other_group"], rule, proposal
        )
        assert not allowed(AnonymousUser(), rule, proposal)
    live = status in (S.SUBMITTED, S.UNDER_REVIEW)
    assert allowed(people["resident"], "consultations.support_proposal", proposal) is live
