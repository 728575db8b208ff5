import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives.models import Objective

pytestmark = pytest.mark.django_db


def test_register_is_public_and_shows_only_public_objectives(client, make_objective):
    active = make_objective(status="active", title="Visible objective")
    make_objective(status="draft", title="Secret draft")
    response = client.get(reverse("objectives:objective_list"))
    assert response.status_code == 200
    assert "objectives/objective_list.html" in [t.name for t in response.templates]
    assert list(response.context["objectives"]) == [active]
    assert b"Secret draft" not in response.content


def test_detail_is_public_for_active_but_404_for_a_draft(client, make_objective):
    active = make_objective(status="active")
    draft = make_objective(status="draft")
    assert client.get(active.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_detail_shows_zero_delivery_honestly(client, make_objective):
    objective = make_objective(status="active")
    response = client.get(objective.get_absolute_url())
    rows = response.context["target_rows"]
    assert len(rows) == 1
    assert rows[0]["verified"] == 0 and rows[0]["percent"] == 0
    assert b"No verified delivery has been recorded" in response.content
    # The public do not see who changed what; signed-in users do.
    assert response.context.get("history") is None


def test_csv_download_has_exactly_the_filtered_rows(client, make_objective):
    make_objective(status="active", title="=HYPERLINK(evil)", social=True)
    make_objective(status="active", title="Greener parks", social=False, environmental=True)
    make_objective(status="draft", title="Hidden draft", social=False, environmental=True)
    response = client.get(reverse("objectives:objective_export"), {"dimension": "environmental"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "reference"
    assert [r[1] for r in rows[1:]] == ["Greener parks"]
    all_rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get(reverse("objectives:objective_export")).streaming_content
                ).decode()
            )
        )
    )
    titles = [r[1] for r in all_rows[1:]]
    assert "'=HYPERLINK(evil)" in titles  # a formula is neutralised, not executed
    assert "Hidden draft" not in titles


@pytest.mark.parametrize(
    ("role", "status"),
    [("vcs_member", 403), ("supplier", 403), ("lead_officer", 200), ("other_officer", 200)],
)
def test_create_page_permissions(client, people, role, status, framework):
    client.force_login(people[role])
    assert client.get(reverse("objectives:objective_create")).status_code == status


def test_anonymous_is_sent_to_sign_in_for_create(client):
    response = client.get(reverse("objectives:objective_create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login"))


def test_officer_creates_an_objective_with_errors_first(
    client, people, outcome, neighbourhoods, council
):
    client.force_login(people["lead_officer"])
    url = reverse("objectives:objective_create")
    response = client.post(url, {"title": "", "priority": "high"})
    assert response.status_code == 200
    assert "Enter a title for the objective" in response.content.decode()
    assert "Choose at least one area the objective is for" in response.content.decode()
    assert Objective.objects.count() == 0
    response = client.post(
        url,
        {
            "title": "Jobs for Keep Lane",
            "description": "More local jobs",
            "outcome": outcome.pk,
            "dimensions": ["economic", "social"],
            "areas": [a.pk for a in neighbourhoods],
            "lead_organisation": council.pk,
            "priority": "high",
            "link_1_title": "Profile",
            "link_1_url": "https://example.org/p",
        },
    )
    objective = Objective.objects.get()
    assert response.status_code == 302 and response["Location"] == objective.get_absolute_url()
    assert objective.status == "draft" and objective.social and objective.economic
    assert objective.links.get().title == "Profile"


def test_target_form_shows_specific_errors(client, people, make_objective, measure):
    objective = make_objective(status="draft")
    client.force_login(people["lead_officer"])
    url = reverse("objectives:target_create", kwargs={"pk": objective.pk})
    response = client.post(
        url,
        {
            "measure": measure.pk,
            "baseline": "-2",
            "baseline_date_0": "1",
            "baseline_date_1": "4",
            "baseline_date_2": "2027",
            "target_quantity": "abc",
            "target_date_0": "31",
            "target_date_1": "2",
            "target_date_2": "2027",
        },
    )
    content = response.content.decode()
    assert "The baseline cannot be negative" in content
    assert "Enter the target quantity as a number, like 1,000 or 12.5" in content
    assert "The target date must be a real date" in content
    assert not objective.targets.exists()
    response = client.post(
        url,
        {
            "measure": measure.pk,
            "baseline": "0",
            "baseline_date_0": "1",
            "baseline_date_1": "4",
            "baseline_date_2": "2027",
            "target_quantity": "10",
            "target_date_0": "1",
            "target_date_1": "3",
            "target_date_2": "2027",
        },
    )
    assert "The target date must be after the baseline date" in response.content.decode()
    response = client.post(
        url,
        {
            "measure": measure.pk,
            "baseline": "0",
            "baseline_date_0": "1",
            "baseline_date_1": "4",
            "baseline_date_2": "2026",
            "target_quantity": "10",
            "target_date_0": "1",
            "target_date_1": "3",
            "target_date_2": "2027",
        },
    )
    assert response.status_code == 302
    target = objective.targets.get()
    assert target.target_date == datetime.date(2027, 3, 1)


def test_status_change_view_refuses_skipping(client, people, make_objective):
    objective = make_objective(status="draft")
    client.force_login(people["lead_officer"])
    url = reverse("objectives:objective_status", kwargs={"pk": objective.pk})
    response = client.post(url, {"status": "achieved"})
    assert response.status_code == 200  # achieved is not even offered for a draft
    assert (
        "Select a valid choice" in response.content.decode()
        or "Choose the new status" in response.content.decode()
    )
    objective.refresh_from_db()
    assert objective.status == "draft"


def test_edit_by_someone_not_involved_is_forbidden(client, people, make_objective):
    objective = make_objective(status="active")
    client.force_login(people["vcs_member"])
    url = reverse("objectives:objective_update", kwargs={"pk": objective.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "Hijacked"}).status_code == 403
    objective.refresh_from_db()
    assert objective.title != "Hijacked"


def test_history_shows_who_changed_what(client, people, make_objective):
    from objectives import services

    officer = people["lead_officer"]
    objective = make_objective(status="active")
    services.objective_update(objective=objective, by=officer, title="A clearer title")
    client.force_login(officer)
    response = client.get(objective.get_absolute_url())
    history = response.context["history"]
    change = next(e for e in history if e.action == "Changed")
    assert change.who == officer.full_name
    assert any(c.label == "Title" and c.new == "A clearer title" for c in change.changes)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_register_query_count_does_not_grow_with_rows(
    client, people, make_objective, ward, neighbourhoods
):
    client.force_login(people["lead_officer"])
    url = reverse("objectives:objective_list")
    make_objective(areas=[ward])
    one = _queries(client, url)
    for i in range(49):
        make_objective(areas=neighbourhoods if i % 2 else [ward], title=f"Objective {i}")
    assert Objective.objects.count() == 50
    assert _queries(client, url) == one


def test_detail_query_count_does_not_grow_with_targets_or_history(
    client, people, make_objective, measure, target_values, neighbourhoods
):
    from objectives import services

    officer = people["lead_officer"]
    client.force_login(officer)
    objective = make_objective(status="draft")
    services.target_add(objective=objective, by=officer, measure=measure, **target_values)
    services.objective_update(
        objective=objective, by=officer, title="First title", areas=neighbourhoods[:1]
    )
    one = _queries(client, objective.get_absolute_url())
    for i in range(5):
        services.target_add(objective=objective, by=officer, measure=measure, **target_values)
        services.objective_update(
            objective=objective, by=officer, title=f"Title {i}", areas=neighbourhoods[: 1 + i % 2]
        )
    assert _queries(client, objective.get_absolute_url()) == one
