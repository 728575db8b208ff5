"""The objectives CSV: every column, and the same number of queries at any size."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.objectives.factories import MeasureFactory, TargetFactory
from tests.people.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def rows(client, **query):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("objectives:objective_export"), query)
        body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(body))), len(ctx.captured_queries)


def test_every_column(client, make_objective, ward, neighbourhoods, nhs_body, outcome):
    ward.gss_code, ward.gss_year = "E05999901", 2024
    ward.save()
    pantry = OrganisationFactory(name="Avon Pantry", kind="vcs", place=None)
    objective = make_objective(
        title="Warm homes",
        areas=[neighbourhoods[0], ward],
        partners=[nhs_body, pantry],
        economic=True,
        social=True,
        environmental=False,
        priority="high",
    )
    measure = MeasureFactory(outcome=outcome, framework=outcome.framework, code="H1", unit="homes")
    TargetFactory(
        objective=objective,
        measure=measure,
        target_quantity=Decimal("12.50"),
        baseline_date=datetime.date(2026, 1, 1),
        target_date=datetime.date(2026, 3, 31),
    )
    TargetFactory(objective=objective, measure=measure, archived_at=timezone.now())
    (row,), _ = rows(client)
    assert row == {
        "reference": f"OBJ-{objective.pk:05d}",
        "title": "Warm homes",
        "status": "Active",
        "priority": "High",
        "dimensions": "Economic; Social",
        "theme": outcome.theme.name,
        "outcome": outcome.name,
        "lead_organisation": "Testborough Council",
        "partners": "Avon Pantry; Testborough NHS",
        "areas": "Castle Hill; Keep Lane",
        "area_gss_codes": "E05999901",
        "targets": row["targets"],
        "url": f"http://testserver/objectives/{objective.pk}/",
    }
    targets = row["targets"].split("; ")
    assert len(targets) == 2  # the archived one is left out
    assert "12.5 homes (H1) by 2026-03-31" in targets


def test_the_same_queries_at_any_size(client, make_objective, ward, neighbourhoods, nhs_body):
    make_objective(partners=[nhs_body])
    _, one = rows(client)
    for i in range(30):
        make_objective(areas=neighbourhoods if i % 2 else [ward], partners=[nhs_body])
    found, many = rows(client)
    assert len(found) == 31
    assert many == one


def test_filters_and_order_are_the_registers(client, make_objective, ward, neighbourhoods):
    make_objective(title="Low", priority="low", areas=[neighbourhoods[0]])
    make_objective(title="High", priority="high", areas=[ward])
    make_objective(title="Draft", status="draft")
    found, _ = rows(client, sort="priority")
    assert [r["title"] for r in found] == ["High", "Low"]
    found, _ = rows(client, area=neighbourhoods[0].pk)
    assert [r["title"] for r in found] == ["Low"]
