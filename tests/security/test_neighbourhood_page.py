"""Issue 16: the neighbourhood page (`/areas/<id>/`) is open to everyone, and shows each visitor
only what they may see elsewhere: the objectives, proposals and consultations lists use their
visibility querysets, the list of commitments behind goes to those who may see the place's
dashboard, and the directory of organisations to people signed in."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PRIVATE = ("A draft objective", "A draft proposal", "Hidden proposal", "Draft consultation")
PUBLIC = ("More local jobs", "Warm spaces", "Open consultation", "Closed consultation")
BEHIND = "Commitments behind or at risk here"


def _page(world, role, area="ward"):
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    response = client.get(getattr(world, area).get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("area", ["ward", "neighbourhood"])
def test_anonymous_visitors_see_the_public_parts_only(world, area):
    html = _page(world, "anonymous", area)
    for title in PRIVATE:
        assert title not in html, title
    assert BEHIND not in html
    # The organisations directory is for people signed in (a proposal names its group, as
    # the public proposal list does, but does not link to the directory).
    assert world.group.get_absolute_url() not in html
    assert "Verified delivery and published objectives only" in html
    if area == "ward":
        assert world.contract.reference in html  # awarded, with a commitment here: public
        for title in PUBLIC:
            assert title in html, title
    else:
        # The objective and consultations name the ward: shown as the wider area's.
        assert "Objectives for the wider areas it sits in" in html
        assert "More local jobs" in html
        assert "Warm spaces" in html


@pytest.mark.parametrize(
    "role", ["resident", "vcs_member", "supplier_contact", "other_org_officer"]
)
def test_people_outside_the_place_bodies_see_no_drafts_nor_shortfalls(world, role):
    html = _page(world, role)
    for title in ("A draft objective", "Draft consultation"):
        assert title not in html, (role, title)
    assert BEHIND not in html, role
    # Only the proposing group sees its own draft and its hidden proposal.
    assert ("A draft proposal" in html) == (role == "vcs_member")
    assert ("Hidden proposal" in html) == (role == "vcs_member")


def test_the_place_officers_see_the_dashboard_scope(world):
    html = _page(world, "officer")
    assert BEHIND in html
    assert "Draft consultation" in html  # the owning body's officer
    assert "As on the dashboard filtered to Castle Hill" in html
    html = _page(world, "leader")
    assert "A draft objective" in html  # leaders of the place see drafts (as the register)
    assert BEHIND in html


def test_the_page_and_the_dashboard_filtered_to_the_area_show_the_same_figures(world):
    """One truth per figure: both read `figures.by_area` on the same scope."""
    client = Client()
    client.force_login(world.users["leader"])
    page = client.get(world.ward.get_absolute_url()).context
    dashboard = client.get(f"/dashboard/?place={world.place.slug}&area={world.ward.pk}").context

    def figures(rows):  # the page's rows are dicts with a rate; the dashboard's are typed
        fields = ("area_id", "commitments", "at_risk", "percent", "verified_value")
        return [tuple(r[f] if isinstance(r, dict) else getattr(r, f) for f in fields) for r in rows]

    assert page["delivery_rows"], "the ward has a row to compare"
    assert figures(page["delivery_rows"]) == figures(dashboard["areas"])
