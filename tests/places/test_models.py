import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from places import services
from places.models import Area
from tests.places.factories import AreaFactory, PlaceFactory

Kind = Area.Kind


def _pad(area) -> str:
    return str(area.pk).zfill(Area.PATH_STEP)


@pytest.fixture
def tree(place):
    """Two wards in `place`: ward1 → neighbourhood → two LSOAs; ward2 → its own LSOA."""
    ward1 = AreaFactory(place=place, kind=Kind.WARD, name="Abbey")
    hood = AreaFactory(place=place, kind=Kind.NEIGHBOURHOOD, name="Abbey Green", parent=ward1)
    lsoa1 = AreaFactory(place=place, kind=Kind.LSOA, name="Abbey 001A", parent=hood)
    lsoa2 = AreaFactory(place=place, kind=Kind.LSOA, name="Abbey 001B", parent=hood)
    ward2 = AreaFactory(place=place, kind=Kind.WARD, name="Brook")
    lsoa3 = AreaFactory(place=place, kind=Kind.LSOA, name="Brook 002A", parent=ward2)
    return ward1, hood, lsoa1, lsoa2, ward2, lsoa3


def _errors(area) -> dict:
    with pytest.raises(ValidationError) as e:
        area.full_clean()
    return e.value.message_dict


# Area.clean ---------------------------------------------------------------------------------


def test_an_lsoa_may_sit_inside_a_neighbourhood(place):
    ward = AreaFactory(place=place, kind=Kind.WARD)
    hood = AreaFactory(place=place, kind=Kind.NEIGHBOURHOOD, parent=ward)
    lsoa = Area(
        place=place,
        kind=Kind.LSOA,
        name="Abbey 001A",
        parent=hood,
        gss_code="E01000001",
        gss_year=2021,
    )

    lsoa.full_clean()  # does not raise


@pytest.mark.parametrize(
    ("kind", "parent_kind", "message"),
    [
        (Kind.WARD, Kind.WARD, "A ward cannot sit inside a ward"),
        (Kind.WARD, Kind.NEIGHBOURHOOD, "A ward cannot sit inside a neighbourhood"),
        (Kind.NEIGHBOURHOOD, Kind.LSOA, "A neighbourhood cannot sit inside a lsoa"),
        (Kind.GROUPING, Kind.WARD, "A council grouping of wards cannot sit inside a ward"),
        (Kind.MSOA, Kind.WARD, "A msoa cannot sit inside a ward"),
    ],
)
def test_kinds_that_cannot_nest_are_refused(place, kind, parent_kind, message):
    parent = AreaFactory(place=place, kind=parent_kind)

    assert _errors(Area(place=place, kind=kind, name="New", parent=parent)) == {"parent": [message]}


def test_a_parent_in_another_place_is_refused(place):
    elsewhere = AreaFactory(place=PlaceFactory(), kind=Kind.WARD)

    assert _errors(Area(place=place, kind=Kind.LSOA, name="New", parent=elsewhere)) == {
        "parent": ["Choose a parent area in the same place"]
    }


def test_an_area_cannot_sit_inside_itself(place):
    hood = AreaFactory(place=place, kind=Kind.NEIGHBOURHOOD)
    hood.parent = hood

    assert _errors(hood)["parent"] == ["An area cannot sit inside itself"]


def test_a_gss_code_needs_its_year(place):
    area = Area(place=place, kind=Kind.WARD, name="New", gss_code="E05000001")

    assert _errors(area) == {"gss_year": ["Enter the year of the GSS code, like 2024"]}


@pytest.mark.parametrize("code", ["E0500001", "X05000001", "e05000001", "E05-00001"])
def test_a_badly_formed_gss_code_is_refused(place, code):
    area = Area(place=place, kind=Kind.WARD, name="New", gss_code=code, gss_year=2024)

    assert _errors(area) == {
        "gss_code": ["Enter a GSS code as a letter and 8 digits, like E05012345"]
    }


def test_the_same_gss_code_and_year_cannot_be_used_twice(place):
    AreaFactory(place=place, kind=Kind.WARD, gss_code="E05000001", gss_year=2024)

    assert "__all__" in _errors(
        Area(place=place, kind=Kind.WARD, name="Other", gss_code="E05000001", gss_year=2024)
    )
    Area(
        place=place, kind=Kind.WARD, name="Other", gss_code="E05000001", gss_year=2025
    ).full_clean()


# Paths: services.area_save ------------------------------------------------------------------


def test_area_save_is_djangos_own_so_no_write_hides_in_it():
    """Issue 18: writes happen in services. An Area.save() override with side effects (it once
    kept the paths) would make every plain save() a hidden write of other rows."""
    assert Area.save is models.Model.save


def test_area_save_gives_a_new_area_its_path(place):
    ward = services.area_save(Area(place=place, kind=Kind.WARD, name="Abbey"))
    hood = services.area_save(
        Area(place=place, kind=Kind.NEIGHBOURHOOD, name="Abbey Green", parent=ward)
    )

    assert ward.path == _pad(ward)
    assert hood.path == ward.path + _pad(hood)
    assert Area.objects.get(pk=hood.pk).path == hood.path
    assert [ward.depth, hood.depth] == [0, 1]


def test_a_childs_path_is_its_parents_path_and_its_own_id(tree):
    ward1, hood, lsoa1, *_ = tree

    assert ward1.path == _pad(ward1)
    assert hood.path == ward1.path + _pad(hood)
    assert lsoa1.path == hood.path + _pad(lsoa1)
    assert [ward1.depth, hood.depth, lsoa1.depth] == [0, 1, 2]
    assert Area.objects.get(pk=lsoa1.pk).path == lsoa1.path


def test_moving_a_ward_rewrites_every_path_below_it_in_one_update(place, tree):
    ward1, hood, lsoa1, lsoa2, ward2, lsoa3 = tree
    top = AreaFactory(place=place, kind=Kind.WARD, name="Top")  # a ward may not nest: no clean()
    ward1 = Area.objects.get(pk=ward1.pk)
    ward1.parent = top

    with CaptureQueriesContext(connection) as queries:
        services.area_save(ward1)

    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "places_area"')]
    assert len(updates) == 2  # the ward itself, then its whole subtree at once
    for area in tree:
        area.refresh_from_db()
    assert ward1.path == top.path + _pad(ward1)
    assert hood.path == ward1.path + _pad(hood)
    assert lsoa1.path == hood.path + _pad(lsoa1)
    assert lsoa2.path == hood.path + _pad(lsoa2)
    assert (ward2.path, lsoa3.path) == (_pad(ward2), _pad(ward2) + _pad(lsoa3))
    assert set(Area.objects.within(top)) == {top, ward1, hood, lsoa1, lsoa2}


def test_moving_a_neighbourhood_rewrites_the_paths_below_it(tree):
    ward1, hood, lsoa1, lsoa2, ward2, lsoa3 = tree

    services.area_update(area=hood, parent=ward2)

    for area in tree:
        area.refresh_from_db()
    assert hood.path == ward2.path + _pad(hood)
    assert lsoa1.path == ward2.path + _pad(hood) + _pad(lsoa1)
    assert lsoa2.path == ward2.path + _pad(hood) + _pad(lsoa2)
    assert lsoa3.path == ward2.path + _pad(lsoa3)
    assert set(Area.objects.within(ward1)) == {ward1}
    assert set(Area.objects.within(ward2)) == {ward2, hood, lsoa1, lsoa2, lsoa3}


def test_moving_a_neighbourhood_to_the_top_of_the_place(tree):
    _, hood, lsoa1, *_ = tree

    services.area_update(area=hood, parent=None)

    lsoa1.refresh_from_db()
    assert hood.path == _pad(hood)
    assert lsoa1.path == _pad(hood) + _pad(lsoa1)


def test_a_move_starts_from_the_stored_paths_not_a_stale_copy(place, tree):
    ward1, hood, lsoa1, _lsoa2, ward2, _ = tree
    top = AreaFactory(place=place, kind=Kind.WARD, name="Top")
    stale_hood = Area.objects.get(pk=hood.pk)
    ward1.parent = top
    services.area_save(ward1)  # moves the neighbourhood's stored path, not stale_hood's

    stale_hood.parent = ward2
    services.area_save(stale_hood)

    lsoa1.refresh_from_db()
    assert stale_hood.path == ward2.path + _pad(hood)
    assert lsoa1.path == stale_hood.path + _pad(lsoa1)


def test_an_area_cannot_be_moved_below_itself(tree):
    ward1, hood, *_ = tree
    ward1.parent = hood

    with pytest.raises(ValueError, match="cannot sit inside itself or an area below it"):
        services.area_save(ward1)


def test_area_save_records_the_areas_history_and_only_its_own(tree):
    ward1, hood, lsoa1, *_ = tree
    ward2 = tree[4]
    hood_history, lsoa_history = hood.history.count(), lsoa1.history.count()
    hood.parent = ward2
    hood._change_reason = "Moved to Brook"

    services.area_save(hood)

    assert hood.history.count() == hood_history + 1
    latest = hood.history.first()
    assert (latest.parent_id, latest.history_change_reason) == (ward2.pk, "Moved to Brook")
    assert latest.history_type == "~"
    # The LSOAs' own fields did not change: their paths are rewritten without a record each.
    assert lsoa1.history.count() == lsoa_history
    assert ward1.history.first().history_type == "+"


def test_a_new_areas_first_history_row_has_its_path(tree):
    """The path is made of the id the INSERT gives: the history row written with the INSERT
    gets it too, so the record of where an area first sat is whole."""
    _ward1, hood, lsoa1, *_ = tree
    for area in (hood, lsoa1):
        created = area.history.get(history_type="+")
        assert created.path == Area.objects.get(pk=area.pk).path != ""


# within() -----------------------------------------------------------------------------------


def test_within_a_ward_is_the_ward_its_neighbourhoods_and_lsoas(tree):
    ward1, hood, lsoa1, lsoa2, ward2, lsoa3 = tree

    assert list(Area.objects.within(ward1)) == [ward1, hood, lsoa1, lsoa2]
    assert list(Area.objects.within(ward2)) == [ward2, lsoa3]
    assert list(Area.objects.within(lsoa1)) == [lsoa1]


def test_within_a_grouping_is_its_wards_and_everything_below_them(tree, place):
    ward1, hood, lsoa1, lsoa2, *_ = tree
    ward3 = AreaFactory(place=place, kind=Kind.WARD, name="Castle")
    grouping = services.area_create(
        place=place, kind=Kind.GROUPING, name="North", wards=[ward1, ward3]
    )

    assert set(Area.objects.within(grouping)) == {grouping, ward1, hood, lsoa1, lsoa2, ward3}


def test_within_an_empty_grouping_is_only_itself(place):
    grouping = AreaFactory(place=place, kind=Kind.GROUPING)

    assert list(Area.objects.within(grouping)) == [grouping]


# Services -----------------------------------------------------------------------------------


def test_area_create_validates(place):
    ward = services.area_create(place=place, kind=Kind.WARD, name="Abbey")

    with pytest.raises(ValidationError) as e:
        services.area_create(place=place, kind=Kind.WARD, name="Inner", parent=ward)

    assert e.value.message_dict == {"parent": ["A ward cannot sit inside a ward"]}
    assert list(Area.objects.values_list("name", flat=True)) == ["Abbey"]


def test_only_a_grouping_is_made_of_wards(tree):
    ward1, hood, *_ = tree

    with pytest.raises(ValidationError) as e:
        services.area_set_wards(area=hood, wards=[ward1])

    assert e.value.message_dict == {"wards": ["Only a council grouping is made of wards"]}


def test_a_grouping_is_made_of_wards_in_its_own_place(tree, place):
    _, hood, *_ = tree
    grouping = AreaFactory(place=place, kind=Kind.GROUPING)
    foreign = AreaFactory(place=PlaceFactory(name="Away"), kind=Kind.WARD, name="Far")

    with pytest.raises(ValidationError) as not_ward:
        services.area_set_wards(area=grouping, wards=[hood])
    with pytest.raises(ValidationError) as not_here:
        services.area_set_wards(area=grouping, wards=[foreign])

    assert not_ward.value.message_dict == {"wards": ["Abbey Green is not a ward"]}
    assert not_here.value.message_dict == {"wards": ["Far is not in Testborough"]}
    assert list(grouping.wards.all()) == []


def test_archiving_keeps_the_area(tree):
    _, hood, lsoa1, *_ = tree
    total = Area.objects.count()

    services.area_archive(area=hood)
    first = Area.objects.get(pk=hood.pk).archived_at
    services.area_archive(area=hood)

    hood.refresh_from_db()
    assert Area.objects.count() == total
    assert hood.archived_at == first is not None
    assert hood.is_archived is True
    assert hood not in Area.objects.current()
    assert lsoa1 in Area.objects.current()
    assert hood.history.first().archived_at == first


def test_a_gss_year_without_a_code_is_refused_in_plain_english(place):
    messages = _errors(Area(place=place, kind=Kind.WARD, name="New", gss_year=2024))

    text = " ".join(m for field in messages.values() for m in field)
    assert "GSS code" in text
    assert "area_gss_year_needs_code" not in text


# Area.nearest ---------------------------------------------------------------------------------


def test_nearest_gives_the_area_itself_or_the_closest_area_containing_it(tree):
    ward1, hood, lsoa1, _lsoa2, ward2, lsoa3 = (Area.objects.get(pk=a.pk) for a in tree)
    rows = {hood.path: "hood", ward2.path: "ward2"}
    assert Area.nearest(hood.path, rows) == "hood"
    assert Area.nearest(lsoa1.path, rows) == "hood"  # inside the neighbourhood
    assert Area.nearest(lsoa3.path, rows) == "ward2"
    # Above every row (the whole ward containing the neighbourhood): none.
    assert Area.nearest(ward1.path, rows) is None
    assert Area.nearest("", rows) is None


def test_moving_an_area_in_the_django_admin_rewrites_the_paths_below_it(client, tree):
    from people.models import User

    _ward1, hood, lsoa1, _lsoa2, ward2, _ = tree
    staff = User.objects.create_superuser(email="root@example.org", password="x" * 20)
    client.force_login(staff)

    response = client.post(
        reverse("admin:places_area_change", args=[hood.pk]),
        {"place": hood.place_id, "parent": ward2.pk, "kind": hood.kind, "name": hood.name},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    lsoa1.refresh_from_db()
    assert lsoa1.path == ward2.path + _pad(hood) + _pad(lsoa1)
    assert Area.objects.get(pk=hood.pk).history.first().history_user == staff
