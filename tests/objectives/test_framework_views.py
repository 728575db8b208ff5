"""Framework pages: who may do what, the import through the browser, and query counts."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives.models import Framework, Measure, Outcome, Theme
from objectives.services import frameworks as services
from people.models import Membership, Organisation
from tests.objectives.factories import FrameworkFactory, MeasureFactory, OutcomeFactory
from tests.people.factories import OrganisationFactory
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


@pytest.fixture
def fw(place):
    framework = FrameworkFactory(place=place, name="Local outcomes", version="1")
    outcome = OutcomeFactory(theme__framework=framework, name="Good jobs")
    MeasureFactory(outcome=outcome, code="J1", name="Local people employed", unit="FTE")
    return framework


@pytest.fixture
def users(officer, make_member, place):
    vcs = OrganisationFactory(name="Pantry", kind=Organisation.Kind.VCS, place=None)
    supplier = OrganisationFactory(name="Brightway", kind=Organisation.Kind.SUPPLIER, place=None)
    elsewhere = OrganisationFactory(
        name="Elsewhere Council",
        kind=Organisation.Kind.LOCAL_AUTHORITY,
        place=PlaceFactory(name="Elsewhere", slug="elsewhere"),
    )
    return {
        "officer": officer,
        "vcs member": make_member(vcs, Membership.Role.MEMBER),
        "supplier": make_member(supplier, Membership.Role.SUPPLIER_CONTACT),
        "officer elsewhere": make_member(elsewhere, Membership.Role.OFFICER),
    }


def read_urls(fw):
    return [
        reverse("objectives:framework_list"),
        reverse("objectives:framework_detail", kwargs={"pk": fw.pk}),
        reverse("objectives:framework_export", kwargs={"pk": fw.pk}),
    ]


def framework_manage_urls(fw):
    measure = fw.measures.get()
    return [
        reverse("objectives:theme_create", kwargs={"pk": fw.pk}),
        reverse("objectives:outcome_create", kwargs={"pk": fw.pk}),
        reverse("objectives:measure_create", kwargs={"pk": fw.pk}),
        reverse("objectives:measure_update", kwargs={"pk": measure.pk}),
        reverse("objectives:measure_retire", kwargs={"pk": measure.pk}),
        reverse("objectives:framework_retire", kwargs={"pk": fw.pk}),
    ]


def place_manage_urls():
    return [reverse("objectives:framework_create"), reverse("objectives:framework_import")]


# Permissions ------------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, fw):
    urls = read_urls(fw) + framework_manage_urls(fw) + place_manage_urls()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("people:login")), url
    response = client.post(reverse("objectives:social_value_model_load"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login"))


@pytest.mark.parametrize(
    ("who", "read", "manage_this", "manage_any"),
    [
        ("officer", 200, 200, 200),
        ("vcs member", 200, 403, 403),
        ("supplier", 200, 403, 403),
        ("officer elsewhere", 200, 403, 200),
    ],
)
def test_permission_matrix(client, fw, users, who, read, manage_this, manage_any):
    client.force_login(users[who])

    for url in read_urls(fw):
        assert client.get(url).status_code == read, url
    for url in framework_manage_urls(fw):
        assert client.get(url).status_code == manage_this, url
        assert client.post(url, {}).status_code in {manage_this, 302 if manage_this == 200 else 403}
    for url in place_manage_urls():
        assert client.get(url).status_code == manage_any, url
    load = client.post(reverse("objectives:social_value_model_load"), {"place": fw.place.pk})
    assert load.status_code == (302 if manage_any == 200 else 403)
    # Only the council's own officer can load the model for its place.
    loaded = Framework.objects.filter(place=fw.place, name__startswith="Social Value Model")
    assert loaded.count() == (2 if who == "officer" else 0)
    # Nothing else was changed by anyone without the right.
    if who != "officer":
        assert (Theme.objects.filter(framework=fw).count(), fw.measures.get().is_retired) == (
            1,
            False,
        )
        assert not Framework.objects.get(pk=fw.pk).is_retired


def test_unknown_frameworks_and_measures_are_not_found(client, officer):
    client.force_login(officer)
    for name in ("framework_detail", "framework_export", "theme_create", "framework_retire"):
        assert client.get(reverse(f"objectives:{name}", kwargs={"pk": 999})).status_code == 404
    for name in ("measure_update", "measure_retire"):
        assert client.get(reverse(f"objectives:{name}", kwargs={"pk": 999})).status_code == 404


def test_an_officer_elsewhere_is_offered_only_their_own_place(client, fw, users):
    client.force_login(users["officer elsewhere"])

    response = client.get(reverse("objectives:framework_create"))
    assert [p.slug for p in response.context["form"].fields["place"].queryset] == ["elsewhere"]

    response = client.post(
        reverse("objectives:framework_create"),
        {"place": fw.place.pk, "name": "Sneaky", "version": "1"},
    )
    assert response.status_code == 200
    assert "Choose a place whose frameworks you keep" in response.content.decode()
    assert not Framework.objects.filter(name="Sneaky").exists()


def test_the_load_view_only_takes_posts(client, officer):
    client.force_login(officer)
    assert client.get(reverse("objectives:social_value_model_load")).status_code == 405


# Pages ------------------------------------------------------------------------------------------


def test_list_groups_frameworks_by_place_with_counts(client, fw, users):
    other = FrameworkFactory(place=PlaceFactory(name="Elsewhere", slug="elsewhere"), name="Theirs")
    retired = MeasureFactory(outcome=fw.outcomes.get(), code="J2")
    services.measure_retire(measure=retired, by=None)
    client.force_login(users["vcs member"])

    response = client.get(reverse("objectives:framework_list"))

    assert "objectives/framework_list.html" in [t.name for t in response.templates]
    frameworks = {f.pk: f for f in response.context["frameworks"]}
    assert set(frameworks) == {fw.pk, other.pk}
    counts = frameworks[fw.pk]
    assert (counts.theme_count, counts.outcome_count) == (1, 1)
    assert (counts.measure_count, counts.retired_measure_count) == (1, 1)
    page = response.content.decode()
    assert "Testborough" in page and "Elsewhere" in page
    assert "Load the government Social Value Model" not in page
    assert response.context["managed_places"] == []


def test_list_offers_managers_the_load_button_and_links(client, fw, officer):
    client.force_login(officer)

    page = client.get(reverse("objectives:framework_list")).content.decode()

    assert "Load the government Social Value Model" in page
    assert reverse("objectives:framework_import") in page
    assert reverse("objectives:framework_create") in page
    assert f'name="place" value="{fw.place.pk}"' in page


def test_list_query_count_does_not_grow(client, officer, place):
    client.force_login(officer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("objectives:framework_list")).status_code == 200
        return len(queries)

    MeasureFactory(outcome__theme__framework=FrameworkFactory(place=place))
    one = count()
    for _ in range(5):
        MeasureFactory(outcome__theme__framework=FrameworkFactory(place=place))
    assert count() == one


def test_detail_shows_the_nesting_and_proxies(client, fw, officer):
    measure = fw.measures.get()
    services.measure_update(
        measure=measure,
        by=officer,
        proxy_value=Decimal("1234.5"),
        proxy_source="Invented source",
        proxy_year=2025,
    )
    client.force_login(officer)

    response = client.get(fw.get_absolute_url())

    assert "objectives/framework_detail.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Good jobs" in page
    assert "£1,234.50" in page
    assert "Invented source, 2025" in page
    assert "Economic" in page
    assert response.context["may_manage"]
    assert reverse("objectives:measure_update", kwargs={"pk": measure.pk}) in page


def test_a_retired_framework_offers_no_changes(client, fw, officer):
    services.framework_retire(framework=fw, by=officer)
    client.force_login(officer)

    response = client.get(fw.get_absolute_url())

    assert not response.context["may_manage"]
    assert "Retired" in response.content.decode()
    response = client.post(
        reverse("objectives:theme_create", kwargs={"pk": fw.pk}), {"name": "New theme"}
    )
    assert response.status_code == 200
    assert "has been retired, so it cannot be changed" in response.content.decode()


def test_detail_query_count_is_the_same_for_2_and_20_measures(client, officer, place):
    client.force_login(officer)

    def build(count):
        framework = FrameworkFactory(place=place)
        outcome = None
        for index in range(count):
            if index % 5 == 0:  # a new outcome (and theme) every 5 measures
                outcome = OutcomeFactory(theme__framework=framework)
            MeasureFactory(outcome=outcome)
        return framework

    def queries_for(framework):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(framework.get_absolute_url())
            assert response.status_code == 200
        return len(queries)

    small, large = build(2), build(20)
    assert large.measures.count() == 20 and large.outcomes.count() == 4
    assert queries_for(small) == queries_for(large)


def test_export_streams_a_csv_attachment(client, fw, officer):
    measure = fw.measures.get()
    services.measure_update(measure=measure, by=officer, name="=1+1")
    client.force_login(officer)

    response = client.get(reverse("objectives:framework_export", kwargs={"pk": fw.pk}))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="local-outcomes-1.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["measure_code"], r["measure"]) for r in rows] == [("J1", "'=1+1")]


# Forms ------------------------------------------------------------------------------------------


def test_create_a_framework_then_a_theme_outcome_and_measure(client, officer, place):
    client.force_login(officer)

    response = client.post(
        reverse("objectives:framework_create"),
        {"place": place.pk, "name": "Our outcomes", "version": "2026", "licence": "OGL"},
    )
    framework = Framework.objects.get(name="Our outcomes")
    assert response.status_code == 302
    assert response["Location"] == framework.get_absolute_url()

    client.post(reverse("objectives:theme_create", kwargs={"pk": framework.pk}), {"name": "Jobs"})
    theme = framework.themes.get()
    response = client.post(
        reverse("objectives:outcome_create", kwargs={"pk": framework.pk}),
        {"theme": theme.pk, "name": "Good jobs", "dimensions": ["economic", "social"]},
    )
    assert response.status_code == 302
    outcome = framework.outcomes.get()
    assert outcome.dimensions == ["economic", "social"]
    response = client.post(
        reverse("objectives:measure_create", kwargs={"pk": framework.pk}),
        {
            "outcome": outcome.pk,
            "code": "OJ1",
            "name": "Jobs",
            "unit": "FTE",
            "proxy_value": "10.50",
            "proxy_source": "Invented",
            "proxy_year": "2025",
        },
    )
    assert response.status_code == 302
    measure = framework.measures.get()
    assert (measure.proxy_value, measure.history.get().history_user) == (Decimal("10.50"), officer)

    response = client.get(framework.get_absolute_url(), follow=True)
    assert "Measure OJ1 added" in response.content.decode()


def test_form_errors_are_in_the_gov_uk_voice(client, fw, officer):
    client.force_login(officer)

    response = client.post(reverse("objectives:outcome_create", kwargs={"pk": fw.pk}), {"name": ""})
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose the theme the outcome belongs to" in page
    assert "Enter the outcome&#x27;s name" in page
    assert "Choose at least one well-being dimension" in page

    response = client.post(
        reverse("objectives:measure_create", kwargs={"pk": fw.pk}),
        {
            "outcome": fw.outcomes.get().pk,
            "code": "J1",
            "name": "Again",
            "unit": "FTE",
            "proxy_value": "-3",
        },
    )
    page = response.content.decode()
    assert "The proxy value cannot be negative" in page

    response = client.post(
        reverse("objectives:measure_create", kwargs={"pk": fw.pk}),
        {
            "outcome": fw.outcomes.get().pk,
            "code": "J1",
            "name": "Again",
            "unit": "FTE",
            "proxy_value": "3",
        },
    )
    page = response.content.decode()
    assert "Enter where the proxy value comes from" in page
    assert "Enter the year the proxy value applies to" in page

    response = client.post(
        reverse("objectives:measure_create", kwargs={"pk": fw.pk}),
        {"outcome": fw.outcomes.get().pk, "code": "J1", "name": "Again", "unit": "FTE"},
    )
    assert "The framework already has a measure with the code J1" in response.content.decode()
    assert fw.measures.count() == 1


def test_update_and_retire_a_measure(client, fw, officer):
    measure = fw.measures.get()
    client.force_login(officer)
    url = reverse("objectives:measure_update", kwargs={"pk": measure.pk})

    response = client.get(url)
    assert response.context["form"].initial["code"] == "J1"
    assert "outcome" not in response.context["form"].fields
    response = client.post(
        url,
        {
            "code": "J1",
            "name": "Residents employed",
            "unit": "FTE",
            "proxy_value": "",
            "proxy_source": "",
            "proxy_year": "",
        },
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.name == "Residents employed"

    retire = reverse("objectives:measure_retire", kwargs={"pk": measure.pk})
    assert "objectives/measure_retire.html" in [t.name for t in client.get(retire).templates]
    response = client.post(retire)
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.is_retired
    assert Measure.objects.filter(pk=measure.pk).exists()


def test_retire_a_framework(client, fw, officer):
    client.force_login(officer)
    url = reverse("objectives:framework_retire", kwargs={"pk": fw.pk})
    assert "objectives/framework_retire.html" in [t.name for t in client.get(url).templates]

    response = client.post(url, follow=True)

    fw.refresh_from_db()
    assert fw.is_retired
    assert "retired. It is kept" in response.content.decode()


# Import -----------------------------------------------------------------------------------------


def upload(name, content=None):
    if content is None:
        content = (DATA / name).read_bytes()
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_import_a_good_file(client, officer, place):
    client.force_login(officer)

    response = client.post(
        reverse("objectives:framework_import"),
        {
            "place": place.pk,
            "name": "Wrenford outcomes",
            "version": "2026",
            "licence": "Invented",
            "source": "Tests",
            "file": upload("good.csv"),
        },
        follow=True,
    )

    framework = Framework.objects.get(name="Wrenford outcomes")
    assert response.redirect_chain[-1][0] == framework.get_absolute_url()
    page = response.content.decode()
    assert "Imported Wrenford outcomes (2026): 3 themes, 5 outcomes and 5 measures created" in page
    assert framework.measures.count() == 5
    assert framework.created_by == officer


def test_import_a_bad_file_lists_the_problems_and_saves_nothing(client, officer, place):
    client.force_login(officer)

    response = client.post(
        reverse("objectives:framework_import"),
        {"place": place.pk, "name": "Bad", "version": "1", "file": upload("bad.csv")},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The file has 16 problems, so nothing was imported" in page
    assert "Line 7: proxy_value &quot;abc&quot; is not a number" in page
    assert "Line 17: the row has 8 values but the header has 14 columns" in page
    assert (Framework.objects.count(), Outcome.objects.count(), Measure.objects.count()) == (
        0,
        0,
        0,
    )


def test_import_shows_at_most_50_problems(client, officer, place):
    client.force_login(officer)
    header = (DATA / "good.csv").read_text().splitlines()[0]
    rows = "\n".join(f"T,Theme,,Outcome,economic,,M{n},Measure,people,,abc,,," for n in range(60))

    response = client.post(
        reverse("objectives:framework_import"),
        {
            "place": place.pk,
            "name": "Big",
            "version": "1",
            "file": upload("big.csv", f"{header}\n{rows}\n".encode()),
        },
    )

    errors = response.context["form"].errors["file"]
    assert len(errors) == 52  # the summary, 50 problems, and how many more
    assert errors[-1] == "And 130 more problems"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("framework.xlsx", b"theme,outcome\n", "The selected file must be a CSV"),
        ("framework.csv", b"", "The selected file is empty"),
    ],
)
def test_import_checks_the_upload(client, officer, place, name, content, message):
    client.force_login(officer)

    response = client.post(
        reverse("objectives:framework_import"),
        {"place": place.pk, "name": "F", "version": "1", "file": upload(name, content)},
    )

    assert message in response.content.decode()
    assert not Framework.objects.exists()


def test_import_refuses_a_file_over_5mb(client, officer, place, settings):
    client.force_login(officer)
    big = b"theme,outcome\n" + b"x" * (5 * 1024 * 1024)

    response = client.post(
        reverse("objectives:framework_import"),
        {"place": place.pk, "name": "F", "version": "1", "file": upload("big.csv", big)},
    )

    assert "The selected file must be smaller than 5MB" in response.content.decode()


def test_load_the_social_value_model_from_the_list(client, officer, place):
    client.force_login(officer)

    response = client.post(
        reverse("objectives:social_value_model_load"), {"place": place.pk}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("objectives:framework_list")
    assert "Social Value Model for Testborough" in response.content.decode()
    assert Framework.objects.filter(place=place).count() == 2
    assert Framework.objects.filter(created_by=officer).count() == 2


def test_the_admin_never_deletes_and_freezes_retired_frameworks(client, fw, officer):
    admin_user = officer.__class__.objects.create_superuser(
        email="root@example.org", password="correct horse battery staple"
    )
    client.force_login(admin_user)
    measure = fw.measures.get()

    for model, obj in (("framework", fw), ("measure", measure)):
        url = reverse(f"admin:objectives_{model}_delete", args=[obj.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
    assert Measure.objects.filter(pk=measure.pk).exists()
    change = reverse("admin:objectives_measure_change", args=[measure.pk])
    assert client.get(change).status_code == 200

    services.framework_retire(framework=fw, by=officer)
    response = client.post(change, {"code": "CHANGED", "name": "x", "unit": "y"})
    assert response.status_code == 403
    measure.refresh_from_db()
    assert measure.code == "J1"


def test_measures_are_listed_in_the_order_people_read_their_codes(client, officer, fw):
    """WR2 comes before WR10 on the framework page and in its CSV (as text, WR10 sorts
    first), and on the dashboard's measures table (`objectives.models.code_order`)."""
    from objectives.models import code_order

    assert sorted(["WR10", "WR2", "WR1", "wr12", "TOM 1.10", "TOM 1.2"], key=code_order) == [
        "TOM 1.2",
        "TOM 1.10",
        "WR1",
        "WR2",
        "WR10",
        "wr12",
    ]
    outcome = fw.measures.get().outcome
    for code in ("WR10", "WR2", "WR1"):
        MeasureFactory(outcome=outcome, code=code, name=f"Measure {code}")
    client.force_login(officer)
    page = client.get(reverse("objectives:framework_detail", kwargs={"pk": fw.pk})).content
    exported = client.get(reverse("objectives:framework_export", kwargs={"pk": fw.pk}))
    exported = b"".join(exported.streaming_content) if exported.streaming else exported.content
    for listed in (page.decode(), exported.decode()):
        places = [listed.index(code) for code in ("J1", "WR1", "WR2", "WR10")]
        assert places == sorted(places), listed
