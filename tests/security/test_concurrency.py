"""Two officers changing the same record: the second must be told, not silently win.

Each officer loads the page first and posts back exactly what the page gave them (every hidden
field, such as a version number), plus their own answer, as a browser would. So the tests hold
whatever mechanism the app uses, as long as it travels in the form.
"""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from contracts.models import Assessment, DeliveryReturn

pytestmark = pytest.mark.django_db


class _HiddenInputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""


def hidden_inputs(response) -> dict[str, str]:
    assert response.status_code == 200
    parser = _HiddenInputs()
    parser.feed(response.content.decode())
    return parser.values


def _officers(world) -> tuple[Client, Client]:
    first, second = Client(), Client()
    first.force_login(world.users["officer"])
    second.force_login(world.colleague)
    return first, second


def test_a_stale_reject_after_a_verify_is_refused_and_the_return_stays_verified(world):
    first, second = _officers(world)
    detail = reverse("contracts:return_detail", args=[world.delivery_return.pk])
    seen_by_first = hidden_inputs(first.get(detail))
    seen_by_second = hidden_inputs(second.get(detail))
    assert seen_by_first["verify-version"] == seen_by_second["reject-version"]

    verified = first.post(
        reverse("contracts:return_verify", args=[world.delivery_return.pk]), seen_by_first
    )
    assert verified.status_code == 302

    refused = second.post(
        reverse("contracts:return_reject", args=[world.delivery_return.pk]),
        {**seen_by_second, "reject-reason": "Not enough evidence"},
    )
    assert refused.status_code == 200
    assert "Someone else changed this return" in refused.content.decode()
    world.delivery_return.refresh_from_db()
    assert world.delivery_return.status == DeliveryReturn.Status.VERIFIED
    assert world.delivery_return.decided_by == world.users["officer"]
    assert world.delivery_return.rejection_reason == ""


def test_a_stale_query_after_a_reject_is_refused(world):
    first, second = _officers(world)
    detail = reverse("contracts:return_detail", args=[world.delivery_return.pk])
    seen_by_first, seen_by_second = (
        hidden_inputs(first.get(detail)),
        hidden_inputs(second.get(detail)),
    )
    first.post(
        reverse("contracts:return_reject", args=[world.delivery_return.pk]),
        {**seen_by_first, "reject-reason": "Duplicate"},
    )
    refused = second.post(
        reverse("contracts:return_query", args=[world.delivery_return.pk]),
        {**seen_by_second, "query-question": "How many?"},
    )
    assert "Someone else changed this return" in refused.content.decode()
    world.delivery_return.refresh_from_db()
    assert (world.delivery_return.status, world.delivery_return.query) == ("rejected", "")


WELLBEING = {
    "economic_relevant": "True",
    "social_relevant": "False",
    "social_how": "Not a social contract",
    "environmental_relevant": "False",
    "environmental_how": "No environmental effect",
}


def test_two_officers_saving_the_same_assessment_section_the_second_is_told(world):
    """The issue: "two officers editing the same assessment ... do not silently overwrite each
    other (the second is told)". Both open the well-being section of the same draft; the first
    saves; the second, still looking at the old answers, saves different ones."""
    first, second = _officers(world)
    section = reverse(
        "contracts:assessment_section",
        kwargs={"pk": world.assessing.pk, "version": 1, "section": "wellbeing"},
    )
    seen_by_first = hidden_inputs(first.get(section))
    seen_by_second = hidden_inputs(second.get(section))

    saved = first.post(
        section, {**seen_by_first, **WELLBEING, "economic_how": "Local apprenticeships"}
    )
    assert saved.status_code == 302

    stale = second.post(
        section, {**seen_by_second, **WELLBEING, "economic_how": "Nothing economic"}
    )
    world.draft_assessment.refresh_from_db()
    assert world.draft_assessment.economic_how == "Local apprenticeships", (
        "the second officer's save silently overwrote the first's"
    )
    assert stale.status_code == 200
    assert "changed" in stale.content.decode()


def test_a_section_saved_from_a_fresh_page_still_saves(world):
    """The other side of the test above: reloading after someone else's save lets you save."""
    first, second = _officers(world)
    section = reverse(
        "contracts:assessment_section",
        kwargs={"pk": world.assessing.pk, "version": 1, "section": "wellbeing"},
    )
    first.post(
        section,
        {**hidden_inputs(first.get(section)), **WELLBEING, "economic_how": "Apprenticeships"},
    )
    response = second.post(
        section,
        {**hidden_inputs(second.get(section)), **WELLBEING, "economic_how": "Local jobs"},
    )
    assert response.status_code == 302
    assert Assessment.objects.get(pk=world.draft_assessment.pk).economic_how == "Local jobs"


def test_an_assessment_submitted_while_another_officer_edits_a_section_is_not_changed(world):
    """Once submitted for sign-off, a section saved from a page loaded before is refused."""
    first, second = _officers(world)
    Assessment.objects.filter(pk=world.draft_assessment.pk).update(
        completed_sections=list(Assessment.SECTION_KEYS)
    )
    section = reverse(
        "contracts:assessment_section",
        kwargs={"pk": world.assessing.pk, "version": 1, "section": "wellbeing"},
    )
    seen_by_second = hidden_inputs(second.get(section))
    check = reverse("contracts:assessment_check", kwargs={"pk": world.assessing.pk, "version": 1})
    assert first.post(check, hidden_inputs(first.get(check))).status_code == 302
    response = second.post(section, {**seen_by_second, **WELLBEING, "economic_how": "Late"})
    assert response.status_code == 403
    assessment = Assessment.objects.get(pk=world.draft_assessment.pk)
    assert (assessment.status, assessment.economic_how) == ("submitted", "")
