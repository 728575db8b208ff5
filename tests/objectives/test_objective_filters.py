"""Each filter of the register, tested on the FilterSet directly."""

import pytest

from objectives.filters import ObjectiveFilterSet
from objectives.models import Objective
from tests.objectives.factories import OutcomeFactory, ThemeFactory
from tests.places.factories import AreaFactory

pytestmark = pytest.mark.django_db


def run(data):
    qs = Objective.objects.for_list()
    filterset = ObjectiveFilterSet(data, queryset=qs)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs)


def test_area_includes_everything_below_it(make_objective, ward, neighbourhoods, place):
    on_ward = make_objective(areas=[ward])
    on_neighbourhood = make_objective(areas=[neighbourhoods[0]])
    other_ward = AreaFactory(place=place, kind="ward", name="Dunmore")
    elsewhere = make_objective(areas=[other_ward])
    assert run({"area": ward.pk}) == {on_ward, on_neighbourhood}
    assert run({"area": neighbourhoods[0].pk}) == {on_neighbourhood}
    assert elsewhere in run({})


def test_area_grouping_includes_its_wards_and_their_neighbourhoods(
    make_objective, ward, neighbourhoods, place
):
    grouping = AreaFactory(place=place, kind="grouping", name="North partnership")
    grouping.wards.set([ward])
    inside = make_objective(areas=[neighbourhoods[1]])
    outside = make_objective(areas=[AreaFactory(place=place, kind="ward", name="Harbour")])
    result = run({"area": grouping.pk})
    assert inside in result
    assert outside not in result


def test_theme_and_outcome(make_objective, outcome, framework):
    first = make_objective()
    other_outcome = OutcomeFactory(
        theme=ThemeFactory(framework=framework, name="Green"),
        framework=framework,
        name="Less carbon",
        environmental=True,
    )
    second = make_objective(outcome=other_outcome)
    assert run({"theme": outcome.theme_id}) == {first}
    assert run({"outcome": other_outcome.pk}) == {second}


def test_dimension(make_objective):
    social = make_objective(social=True, economic=False, environmental=False)
    green = make_objective(social=False, environmental=True)
    assert run({"dimension": "environmental"}) == {green}
    assert run({"dimension": "social"}) == {social}


def test_status(make_objective):
    draft = make_objective(status="draft")
    active = make_objective(status="active")
    assert run({"status": "draft"}) == {draft}
    assert run({"status": "active"}) == {active}


def test_lead_or_partner_organisation(make_objective, nhs_body, council):
    partnered = make_objective(partners=[nhs_body])
    only_council = make_objective()
    assert run({"organisation": nhs_body.pk}) == {partnered}
    assert run({"organisation": council.pk}) == {partnered, only_council}


def test_free_text_matches_every_word_in_title_description_or_evidence(make_objective):
    jobs = make_objective(
        title="Apprenticeships for young people",
        evidence_of_need="Youth unemployment is high in Eastgate",
    )
    make_objective(title="Tree planting")
    assert run({"q": "apprenticeships"}) == {jobs}
    assert run({"q": "young eastgate"}) == {jobs}
    assert run({"q": "young trees"}) == set()


def test_sorting_by_priority_puts_high_first(make_objective):
    low = make_objective(priority="low")
    high = make_objective(priority="high")
    medium = make_objective(priority="medium")
    filterset = ObjectiveFilterSet({"sort": "priority"}, queryset=Objective.objects.for_list())
    assert list(filterset.qs) == [high, medium, low]


def test_a_bad_filter_value_is_an_error_not_a_crash(make_objective):
    filterset = ObjectiveFilterSet({"status": "nonsense"}, queryset=Objective.objects.all())
    assert not filterset.is_valid()
    assert "status" in filterset.errors
