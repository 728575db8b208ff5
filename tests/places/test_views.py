import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from people.models import Membership, Organisation
from places.models import Area
from tests.people.factories import OrganisationFactory
from tests.places.factories import AreaFactory, PlaceFactory

Kind = Area.Kind
Role = Membership.Role


@pytest.fixture
def vcs_member(make_member):
    return make_member(OrganisationFactory(kind=Organisation.Kind.VCS), Role.MEMBER)


def _create_url(place):
    return reverse("places:area_create", kwargs={"slug": place.slug})


def _update_url(area):
    return reverse("places:area_update", kwargs={"slug": area.place.slug, "pk": area.pk})


def _archive_url(area):
    return reverse("places:area_archive", kwargs={"slug": area.place.slug, "pk": area.pk})


def _area_data(**fields):
    return {"kind": Kind.WARD, "name": "", "parent": "", "gss_code": "", "gss_year": "", **fields}


# Place detail -------------------------------------------------------------------------------


def test_place_detail_lists_areas_in_tree_order(client, officer, place):
    ward_a = AreaFactory(place=place, kind=Kind.WARD, name="Abbey")
    ward_b = AreaFactory(place=place, kind=Kind.WARD, name="Brook")
    hood = AreaFactory(place=place, kind=Kind.NEIGHBOURHOOD, name="Abbey Green", parent=ward_a)
    lsoa = AreaFactory(place=place, kind=Kind.LSOA, name="Brook 001A", parent=ward_b)
    grouping = AreaFactory(place=place, kind=Kind.GROUPING, name="North Partnership")
    AreaFactory(place=place, kind=Kind.WARD, name="Closed Ward", archived_at="2024-01-01T00:00Z")
    AreaFactory(place=PlaceFactory(), kind=Kind.WARD, name="Foreign Ward")
    client.force_login(officer)

    response = client.get(place.get_absolute_url())

    assert response.status_code == 200
    assertTemplateUsed(response, "places/place_detail.html")
    assert response.context["tree"] == [ward_a, hood, ward_b, lsoa]
    assert response.context["groupings"] == [grouping]
    html = response.content.decode()
    positions = [
        html.index(f">{name}</a>") for name in ("Abbey", "Abbey Green", "Brook", "Brook 001A")
    ]
    assert positions == sorted(positions)
    assert "app-indent-1" in html
    assertNotContains(response, "Closed Ward")
    assertNotContains(response, "Foreign Ward")
    assertContains(response, "Add an area")


def test_place_detail_offers_no_add_button_to_a_vcs_member(client, vcs_member, place):
    client.force_login(vcs_member)

    response = client.get(place.get_absolute_url())

    assert response.status_code == 200
    assert response.context["may_manage"] is False
    assertNotContains(response, "Add an area")


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def _add_wards_with_neighbourhoods(place, wards):
    for _ in range(wards):
        ward = AreaFactory(place=place, kind=Kind.WARD)
        AreaFactory(place=place, kind=Kind.NEIGHBOURHOOD, parent=ward)
        AreaFactory(place=place, kind=Kind.LSOA, parent=ward)


def test_place_detail_costs_the_same_for_5_and_30_areas(
    client, officer, place, django_assert_num_queries
):
    client.force_login(officer)
    AreaFactory(place=place, kind=Kind.GROUPING)
    AreaFactory(place=place, kind=Kind.WARD)
    _add_wards_with_neighbourhoods(place, 1)
    few, response = _count_queries(client, place.get_absolute_url())
    assert len(response.context["areas"]) == 5

    _add_wards_with_neighbourhoods(place, 8)
    AreaFactory(place=place, kind=Kind.WARD)
    many, response = _count_queries(client, place.get_absolute_url())

    assert len(response.context["areas"]) == 30
    assert many == few
    with django_assert_num_queries(few):
        client.get(place.get_absolute_url())


# Creating areas -----------------------------------------------------------------------------


def test_an_officer_of_the_council_adds_a_ward(client, officer, place):
    client.force_login(officer)

    assert client.get(_create_url(place)).status_code == 200
    response = client.post(
        _create_url(place), _area_data(name="Castle", gss_code="E05000003", gss_year="2024")
    )

    area = Area.objects.get(name="Castle")
    assert response.status_code == 302
    assert response["Location"] == f"/areas/{area.pk}/"
    assert (area.place, area.kind, area.parent, area.gss_code, area.gss_year) == (
        place,
        Kind.WARD,
        None,
        "E05000003",
        2024,
    )
    assertContains(client.get(response["Location"]), "Castle added")


def test_an_officer_adds_a_neighbourhood_inside_a_ward(client, officer, place):
    ward = AreaFactory(place=place, kind=Kind.WARD, name="Abbey")
    client.force_login(officer)

    response = client.post(
        _create_url(place),
        _area_data(kind=Kind.NEIGHBOURHOOD, name="Abbey Green", parent=str(ward.pk)),
    )

    assert response.status_code == 302
    hood = Area.objects.get(name="Abbey Green")
    assert hood.parent == ward
    assert hood.path.startswith(ward.path)


def test_a_ward_inside_a_ward_is_refused_and_nothing_is_created(client, officer, place):
    ward = AreaFactory(place=place, kind=Kind.WARD, name="Abbey")
    client.force_login(officer)

    response = client.post(_create_url(place), _area_data(name="Inner Ward", parent=str(ward.pk)))

    assert response.status_code == 200
    assertContains(response, "There is a problem")
    assertContains(response, "A ward cannot sit inside a ward")
    assert response.context["form"].errors["parent"] == ["A ward cannot sit inside a ward"]
    assert list(Area.objects.values_list("name", flat=True)) == ["Abbey"]


def test_an_area_in_another_place_cannot_be_chosen_as_parent(client, officer, place):
    foreign = AreaFactory(place=PlaceFactory(), kind=Kind.WARD)
    client.force_login(officer)

    response = client.post(
        _create_url(place), _area_data(kind=Kind.LSOA, name="Stray", parent=str(foreign.pk))
    )

    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert not Area.objects.filter(name="Stray").exists()


def test_a_vcs_member_may_not_add_areas(client, vcs_member, place):
    client.force_login(vcs_member)

    get = client.get(_create_url(place))
    post = client.post(_create_url(place), _area_data(name="Sneaky"))

    assert (get.status_code, post.status_code) == (403, 403)
    assert not Area.objects.filter(name="Sneaky").exists()


def test_a_leader_may_not_add_areas(client, council, make_member, place):
    client.force_login(make_member(council, Role.LEADER))

    assert client.get(_create_url(place)).status_code == 403


def test_an_officer_of_another_place_may_not_add_areas(client, officer):
    elsewhere = PlaceFactory(name="Elsewhere", slug="elsewhere")
    client.force_login(officer)

    response = client.post(_create_url(elsewhere), _area_data(name="Not Mine"))

    assert response.status_code == 403
    assert not Area.objects.filter(name="Not Mine").exists()


@pytest.mark.django_db
def test_adding_areas_to_an_unknown_place_is_not_found(client, officer):
    client.force_login(officer)

    assert client.get("/places/nowhere/areas/new/").status_code == 404


# Changing and archiving areas ---------------------------------------------------------------


def test_an_officer_renames_an_area(client, officer, place):
    ward = AreaFactory(place=place, kind=Kind.WARD, name="Abbey")
    client.force_login(officer)

    page = client.get(_update_url(ward))
    response = client.post(_update_url(ward), _area_data(name="Abbey Mills"))

    assert page.status_code == 200
    assertContains(page, "Change Abbey")
    assert response.status_code == 302
    assert response["Location"] == ward.get_absolute_url()
    ward.refresh_from_db()
    assert ward.name == "Abbey Mills"
    assert ward.history.first().name == "Abbey Mills"


def test_moving_a_neighbourhood_through_the_form_moves_its_lsoas(client, officer, place):
    ward_a = AreaFactory(place=place, kind=Kind.WARD, name="Abbey")
    ward_b = AreaFactory(place=place, kind=Kind.WARD, name="Brook")
    hood = AreaFactory(place=place, kind=Kind.NEIGHBOURHOOD, name="Green", parent=ward_a)
    lsoa = AreaFactory(place=place, kind=Kind.LSOA, name="Green 001A", parent=hood)
    client.force_login(officer)

    response = client.post(
        _update_url(hood),
        _area_data(kind=Kind.NEIGHBOURHOOD, name="Green", parent=str(ward_b.pk)),
    )

    assert response.status_code == 302
    lsoa.refresh_from_db()
    assert lsoa.path.startswith(ward_b.path)
    assert set(Area.objects.within(ward_b)) == {ward_b, hood, lsoa}


def test_an_area_cannot_be_edited_through_another_places_address(client, officer, place):
    ward = AreaFactory(place=place, kind=Kind.WARD, name="Abbey")
    elsewhere = PlaceFactory(name="Elsewhere", slug="elsewhere")
    client.force_login(officer)

    response = client.get(f"/places/{elsewhere.slug}/areas/{ward.pk}/edit/")

    assert response.status_code == 403


def test_a_vcs_member_may_not_edit_or_archive(client, vcs_member, place):
    ward = AreaFactory(place=place, kind=Kind.WARD, name="Abbey")
    client.force_login(vcs_member)

    edit = client.post(_update_url(ward), _area_data(name="Renamed"))
    archive = client.post(_archive_url(ward), {})

    assert (edit.status_code, archive.status_code) == (403, 403)
    ward.refresh_from_db()
    assert (ward.name, ward.archived_at) == ("Abbey", None)


def test_an_officer_archives_an_area(client, officer, place):
    ward = AreaFactory(place=place, kind=Kind.WARD, name="Abbey")
    client.force_login(officer)

    page = client.get(_archive_url(ward))
    response = client.post(_archive_url(ward), {})

    assert page.status_code == 200
    assertContains(page, "Archive Abbey?")
    assert response.status_code == 302
    assert response["Location"] == place.get_absolute_url()
    ward.refresh_from_db()
    assert ward.archived_at is not None
    assert Area.objects.filter(pk=ward.pk).exists()
    after = client.get(place.get_absolute_url())
    assertContains(after, "Abbey archived. Records that point to it keep it in history.")
    assert ward not in after.context["areas"]


def test_area_detail_shows_ancestors_and_children(client, officer, place):
    ward = AreaFactory(place=place, kind=Kind.WARD, name="Abbey")
    hood = AreaFactory(place=place, kind=Kind.NEIGHBOURHOOD, name="Abbey Green", parent=ward)
    lsoa = AreaFactory(place=place, kind=Kind.LSOA, name="Abbey 001A", parent=hood)
    client.force_login(officer)

    response = client.get(hood.get_absolute_url())

    assert response.status_code == 200
    assert response.context["ancestors"] == [ward]
    assert response.context["children"] == [lsoa]
    assert re.search(r">\s*Abbey 001A\s*<", response.content.decode())
