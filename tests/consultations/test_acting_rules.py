"""Who acts for whom in consultations: the rules and scopes the services, forms and attention
lists ask (`consultations.permissions`), each as a matrix of who may and who may not."""

import pytest
from django.contrib.auth.models import AnonymousUser

from consultations.permissions import (
    consultation_bodies,
    proposing_organisations,
    reviewer_place_ids,
    reviewers_of,
    reviewing_body,
    reviews_in,
)
from socialvalue.rules import allowed
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("proposer", True),
        ("dual", True),
        ("other_group", False),
        ("resident", False),
        ("officer", False),
        ("supplier", False),
    ],
)
def test_propose_for_a_group_only_as_its_member(people, vcs_group, who, may):
    assert allowed(people[who], "consultations.propose_for", vcs_group) is may


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("officer", True),
        ("dual", True),
        ("leader", False),
        ("partner_officer", False),
        ("other_officer", False),
        ("proposer", False),
        ("resident", False),
    ],
)
def test_run_a_consultation_only_as_the_bodys_officer(people, council, who, may):
    assert allowed(people[who], "consultations.run_consultation", council) is may


def test_superusers_may_and_signed_out_people_may_not(council, vcs_group):
    admin = UserFactory(is_superuser=True)
    for name, obj in (
        ("consultations.run_consultation", council),
        ("consultations.propose_for", vcs_group),
    ):
        assert allowed(admin, name, obj)
        assert not allowed(AnonymousUser(), name, obj)


def test_reviewers_are_officers_of_the_places_bodies(people, place, make_proposal):
    proposal = make_proposal()
    for who in ("officer", "partner_officer", "dual"):
        assert reviews_in(people[who], place.pk)
        assert place.pk in reviewer_place_ids(people[who])
    for who in ("leader", "proposer", "resident", "other_officer", "supplier"):
        assert not reviews_in(people[who], place.pk)
        assert place.pk not in reviewer_place_ids(people[who])
    # told of a submission: the place's officers, never someone from the proposing group
    told = set(reviewers_of(proposal))
    assert {people["officer"], people["partner_officer"]} <= told
    assert not told & {
        people["dual"],
        people["leader"],
        people["proposer"],
        people["other_officer"],
    }


def test_reviewing_body_is_the_officers_own(people, council, nhs_body, make_proposal):
    proposal = make_proposal()
    assert reviewing_body(people["officer"], proposal) == council
    assert reviewing_body(people["partner_officer"], proposal) == nhs_body
    assert reviewing_body(people["leader"], proposal) is None
    assert reviewing_body(people["other_officer"], proposal) is None


def test_choices_offer_only_the_persons_own_organisations(people, council, vcs_group):
    assert set(proposing_organisations(people["proposer"])) == {vcs_group}
    assert set(proposing_organisations(people["dual"])) == {vcs_group, council}
    assert not proposing_organisations(people["resident"]).exists()
    assert set(consultation_bodies(people["officer"])) == {council}
    assert not consultation_bodies(people["leader"]).exists()
    assert not consultation_bodies(people["dual"]).filter(pk=vcs_group.pk).exists()
    admin = UserFactory(is_superuser=True)
    assert consultation_bodies(admin).filter(pk=council.pk).exists()
    assert proposing_organisations(admin).filter(pk=vcs_group.pk).exists()
