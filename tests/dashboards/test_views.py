"""The dashboard and transparency pages: permissions, wiring, CSV downloads and query counts."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from people.models import Membership, Organisation
from socialvalue.csv import csv_lines
from tests.contracts.factories import AwardedContractFactory, CommitmentFactory, SupplierFactory
from tests.people.factories import OrganisationFactory
from tests.places.factories import PlaceFactory

Role = Membership.Role
DASHBOARD = reverse("dashboards:dashboard")


def _csv(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login"))


@pytest.mark.parametrize(
    "kind, role",
    [
        (Organisation.Kind.VCS, Role.MEMBER),
        (Organisation.Kind.SUPPLIER, Role.SUPPLIER_CONTACT),
        (Organisation.Kind.SOCIAL_ENTERPRISE, Role.MEMBER),
    ],
)
def test_community_groups_and_suppliers_are_refused(client, world, make_member, kind, role):
    organisation = OrganisationFactory(kind=kind, place=None)
    client.force_login(make_member(organisation, role))
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(DASHBOARD, {"place": world.place.slug}).status_code == 403


@pytest.mark.parametrize("who", ["leader", "officer"])
def test_leaders_and_officers_of_a_public_body_see_the_dashboard(client, world, who):
    client.force_login(getattr(world, who))
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert "dashboards/dashboard.html" in [t.name for t in response.templates]
    assert response.context["scope"].place == world.place
    assert response.context["spend"].total == 4000
    content = response.content.decode()
    assert "Social value dashboard" in content
    assert "C2" in content  # the non-compliant contract is listed
    assert "Download this table as CSV" in content
    assert "govuk-details" in content and "Definition" in content


def test_an_officer_of_another_place_cannot_see_this_place(client, world, make_member):
    elsewhere = PlaceFactory(name="Elsewhere", slug="elsewhere")
    body = OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY, place=elsewhere)
    client.force_login(make_member(body, Role.OFFICER))
    assert client.get(DASHBOARD, {"place": world.place.slug}).status_code == 403
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["scope"].place == elsewhere
    assert response.context["spend"].count == 0


def test_a_user_in_two_places_chooses(client, world, make_member):
    elsewhere = PlaceFactory(name="Elsewhere", slug="elsewhere")
    body = OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY, place=elsewhere)
    Membership.objects.create(user=world.leader, organisation=body, role=Role.LEADER)
    client.force_login(world.leader)
    response = client.get(DASHBOARD, {"place": "elsewhere"})
    assert response.context["scope"].place == elsewhere
    assert "place" in response.context["form"].fields


def test_filters_reach_the_figures(client, world):
    client.force_login(world.leader)
    response = client.get(
        DASHBOARD,
        {
            "organisation": world.nhs.slug,
            "area": world.w2.pk,
            "dimension": "economic",
            "period": "",
        },
    )
    assert response.status_code == 200
    assert response.context["spend"].total == 3000
    assert [r.code for r in response.context["measures"].rows] == ["M3"]


def test_an_unknown_filter_value_shows_an_error_not_a_crash(client, world):
    client.force_login(world.leader)
    response = client.get(DASHBOARD, {"area": "999999", "period": "1999Q7"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["spend"].total == 4000


@pytest.mark.parametrize(
    "table",
    [
        "measures",
        "non_compliant",
        "targets",
        "at_risk",
        "areas",
        "outcomes",
        "organisations",
        "quarters",
        "gap_areas",
        "gap_objectives",
        "proposals",
        "responses",
    ],
)
def test_each_table_downloads_as_csv_with_the_rows_the_page_shows(client, world, table):
    client.force_login(world.leader)
    response = client.get(DASHBOARD, {"format": "csv", "table": table})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    shown = client.get(DASHBOARD).context["tables"][table]
    assert not shown.truncated  # so the page has every row, as the download does
    expected = "".join(csv_lines([shown.headers, *shown.rows]))
    assert b"".join(response.streaming_content).decode() == expected


def test_a_csv_download_computes_only_what_its_table_needs(client, world, patch_figure):
    """The measures table needs no commitment's progress (the costliest figure at scale)."""

    def refused(*args, **kwargs):
        raise AssertionError("computed a figure the table does not show")

    patch_figure("progress_groups", refused)
    patch_figure("by_quarter", refused)
    client.force_login(world.leader)
    rows = _csv(client.get(DASHBOARD, {"format": "csv", "table": "measures"}))
    assert rows[0][0] == "Measure"
    with pytest.raises(AssertionError, match="does not show"):
        client.get(DASHBOARD, {"format": "csv", "table": "areas"})


def test_measures_csv_has_the_verified_figures(client, world):
    client.force_login(world.leader)
    rows = _csv(client.get(DASHBOARD, {"format": "csv", "table": "measures"}))
    m1 = next(r for r in rows if r[0].startswith("M1"))
    assert m1[2:] == ["1", "10", "4", "3", "40", "400"]


def test_unknown_table_is_404(client, world):
    client.force_login(world.leader)
    assert client.get(DASHBOARD, {"format": "csv", "table": "nope"}).status_code == 404


# Transparency ---------------------------------------------------------------------------------


def test_transparency_needs_no_sign_in_and_redirects_to_the_only_place(client, world):
    response = client.get(reverse("dashboards:transparency_index"))
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert "dashboards/transparency.html" in [t.name for t in response.templates]


def test_transparency_shows_nothing_unverified_private_or_personal(client, world):
    response = client.get(reverse("dashboards:transparency", kwargs={"slug": world.place.slug}))
    content = response.content.decode()
    assert "O1 active" in content
    assert "O3 secret draft" not in content  # drafts stay private
    assert "Acme Supplies Ltd" in content  # organisations are named...
    for person in (world.leader, world.officer, world.c1.owner):
        assert escape(person.full_name) not in content  # ...people never
        assert person.email not in content
    assert "not yet verified" not in content
    assert "Claimed" not in content
    assert "Recovery action" not in content
    assert response.context["measures"].verified_value == 450
    tables = response.context["tables"]
    assert "non_compliant" not in tables and "at_risk" not in tables
    assert [r[0] for r in tables["contracts"].rows] == ["C1", "C2"]  # C3 has no commitments


@pytest.mark.parametrize(
    "table",
    [
        "measures",
        "targets",
        "areas",
        "outcomes",
        "quarters",
        "gap_areas",
        "gap_objectives",
        "proposals",
        "responses",
        "contracts",
    ],
)
def test_each_transparency_table_downloads_with_the_rows_the_page_shows(client, world, table):
    url = reverse("dashboards:transparency", kwargs={"slug": world.place.slug})
    response = client.get(url, {"format": "csv", "table": table})
    assert response.status_code == 200
    shown = client.get(url).context["tables"][table]
    assert not shown.truncated
    expected = "".join(csv_lines([shown.headers, *shown.rows]))
    assert b"".join(response.streaming_content).decode() == expected


@pytest.mark.parametrize("table", ["non_compliant", "at_risk", "organisations"])
def test_the_transparency_page_has_no_download_of_the_dashboards_private_tables(
    client, world, table
):
    url = reverse("dashboards:transparency", kwargs={"slug": world.place.slug})
    assert client.get(url, {"format": "csv", "table": table}).status_code == 404


def test_transparency_table_csv(client, world):
    response = client.get(
        reverse("dashboards:transparency", kwargs={"slug": world.place.slug}),
        {"format": "csv", "table": "contracts"},
    )
    rows = _csv(response)
    assert rows[0][0] == "Reference"
    assert {r[0] for r in rows[1:]} == {"C1", "C2"}


# Query counts ---------------------------------------------------------------------------------


def _add_contracts(world, n):
    for _ in range(n):
        contract = AwardedContractFactory(
            place=world.place, buyer=world.council, supplier=SupplierFactory()
        )
        CommitmentFactory(contract=contract, measure=world.m1, area=world.l1, objective=world.o1)


def _count_queries(client, django_assert_max_num_queries, url, **params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["dashboard", "transparency"])
def test_filtered_query_count_does_not_grow_with_contracts(
    client, world, url_name, django_assert_max_num_queries
):
    """A never-seen filter (area, buyer, year) is resolved to ids once per page, then read by
    primary key: the number of queries is the same for 10 contracts as for 100."""
    client.force_login(world.leader)
    url = (
        reverse("dashboards:dashboard")
        if url_name == "dashboard"
        else reverse("dashboards:transparency", kwargs={"slug": world.place.slug})
    )
    year = timezone.localdate().year - (timezone.localdate().month < 4)
    params = {"area": world.w1.pk, "organisation": world.council.slug, "period": str(year)}
    _add_contracts(world, 10 - 4)
    ten = _count_queries(client, django_assert_max_num_queries, url, **params)
    _add_contracts(world, 90)
    hundred = _count_queries(client, django_assert_max_num_queries, url, **params)
    assert ten == hundred
    assert ten < 65
    scope = client.get(url, params).context["scope"]
    buyer = world.council if url_name == "dashboard" else None  # not a public page's filter
    assert (scope.area, scope.organisation, scope.start.year) == (world.w1, buyer, year)


@pytest.mark.parametrize("url_name", ["dashboard", "transparency"])
def test_query_count_does_not_grow_with_contracts(
    client, world, url_name, django_assert_max_num_queries
):
    client.force_login(world.leader)
    url = (
        reverse("dashboards:dashboard")
        if url_name == "dashboard"
        else reverse("dashboards:transparency", kwargs={"slug": world.place.slug})
    )
    _add_contracts(world, 10 - 4)  # ten contracts in all
    ten = _count_queries(client, django_assert_max_num_queries, url)
    _add_contracts(world, 90)  # a hundred
    hundred = _count_queries(client, django_assert_max_num_queries, url)
    assert ten == hundred
    assert ten < 60
