"""Writes to frameworks, themes, outcomes and measures (objectives/services/frameworks.py)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from objectives.models import Framework, Measure
from objectives.services import frameworks as services
from tests.objectives.factories import (
    FrameworkFactory,
    OutcomeFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

RETIRED = (
    "Local outcomes version 1 has been retired, so it cannot be changed. Create a new version "
    "of the framework instead"
)


def errors_of(excinfo) -> dict | list:
    error = excinfo.value
    return error.message_dict if hasattr(error, "error_dict") else error.messages


@pytest.fixture
def framework(place, officer):
    return services.framework_create(
        place=place, name=" Local outcomes ", version="1", by=officer, licence="OGL"
    )


@pytest.fixture
def outcome(framework, officer):
    theme = services.theme_create(framework=framework, name="Jobs", by=officer)
    return services.outcome_create(
        theme=theme, name="Local jobs", dimensions=["economic"], by=officer
    )


@pytest.fixture
def measure(outcome, officer):
    return services.measure_create(
        outcome=outcome, code="LJ1", name="Residents employed", unit="FTE", by=officer
    )


def test_framework_create_records_who(framework, officer):
    assert (framework.name, framework.version, framework.status) == (
        "Local outcomes",
        "1",
        "active",
    )
    assert framework.created_by == officer
    assert framework.history.get().history_user == officer


def test_a_version_can_only_be_created_once_per_place(framework, place, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.framework_create(place=place, name="Local outcomes", version="1", by=officer)

    assert errors_of(excinfo) == {
        "version": [
            "Testborough already has version 1 of Local outcomes. Enter a different version"
        ]
    }
    # Another version of the same framework sits beside it.
    services.framework_create(place=place, name="Local outcomes", version="2", by=officer)
    assert Framework.objects.count() == 2


def test_framework_create_needs_a_name(place, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.framework_create(place=place, name="", version="1", by=officer)

    assert "name" in errors_of(excinfo)


def test_themes_and_outcomes_are_numbered_in_order(framework, officer):
    first = services.theme_create(framework=framework, name="Jobs", code="1", by=officer)
    second = services.theme_create(framework=framework, name="Green", by=officer)
    a = services.outcome_create(theme=second, name="Air", dimensions=["environmental"], by=officer)
    b = services.outcome_create(
        theme=second, name="Trees", dimensions=["Environmental", "social"], by=officer
    )

    assert (first.position, second.position) == (0, 1)
    assert (a.position, b.position) == (0, 1)
    assert b.framework == framework
    assert b.dimensions == ["social", "environmental"]


def test_theme_names_are_unique_in_a_framework(framework, officer):
    services.theme_create(framework=framework, name="Jobs", by=officer)

    with pytest.raises(ValidationError) as excinfo:
        services.theme_create(framework=framework, name="Jobs", by=officer)

    assert errors_of(excinfo) == {
        "name": ["The framework already has a theme called Jobs. Enter a different name"]
    }


def test_an_outcome_needs_a_known_dimension(framework, officer):
    theme = services.theme_create(framework=framework, name="Jobs", by=officer)

    with pytest.raises(ValidationError) as excinfo:
        services.outcome_create(theme=theme, name="Local jobs", dimensions=[], by=officer)
    assert errors_of(excinfo) == {
        "dimensions": [
            "Choose at least one well-being dimension: economic, social or environmental"
        ]
    }

    with pytest.raises(ValidationError) as excinfo:
        services.outcome_create(theme=theme, name="Local jobs", dimensions=["cultural"], by=officer)
    assert errors_of(excinfo) == {
        "dimensions": [
            "cultural is not a well-being dimension. Choose economic, social or environmental"
        ]
    }


def test_outcome_names_are_unique_in_a_theme(outcome, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.outcome_create(
            theme=outcome.theme, name="Local jobs", dimensions=["social"], by=officer
        )

    assert errors_of(excinfo) == {
        "name": ["Jobs already has an outcome called Local jobs. Enter a different name"]
    }


def test_outcome_update(outcome, officer):
    updated = services.outcome_update(
        outcome=outcome, by=officer, description="Good work", dimensions=["social"], code="1"
    )

    assert (updated.description, updated.dimensions, updated.code) == ("Good work", ["social"], "1")
    assert updated.history.first().history_user == officer
    with pytest.raises(TypeError):
        services.outcome_update(outcome=outcome, by=officer, theme=outcome.theme)


def test_measure_create(measure, outcome, officer):
    assert (measure.framework, measure.outcome, measure.code) == (outcome.framework, outcome, "LJ1")
    assert measure.history.get().history_user == officer


def test_measure_codes_are_unique_in_a_framework(measure, officer):
    other = OutcomeFactory(theme=measure.outcome.theme, name="Other")

    with pytest.raises(ValidationError) as excinfo:
        services.measure_create(outcome=other, code="LJ1", name="Again", unit="FTE", by=officer)

    assert errors_of(excinfo) == {
        "code": ["The framework already has a measure with the code LJ1. Enter a different code"]
    }


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"proxy_value": Decimal("10")},
            {
                "proxy_source": ["Enter where the proxy value comes from"],
                "proxy_year": ["Enter the year the proxy value applies to"],
            },
        ),
        (
            {"proxy_value": Decimal("10"), "proxy_source": "Unit costs", "proxy_year": 1989},
            {"proxy_year": ["Enter the proxy value's year as 4 digits, like 2025"]},
        ),
    ],
)
def test_a_proxy_value_needs_its_source_and_year(outcome, officer, fields, expected):
    with pytest.raises(ValidationError) as excinfo:
        services.measure_create(
            outcome=outcome, code="P1", name="Proxy", unit="people", by=officer, **fields
        )

    assert {k: v for k, v in errors_of(excinfo).items() if k in expected} == expected
    assert not Measure.objects.filter(code="P1").exists()


def test_a_negative_proxy_value_is_refused(outcome, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.measure_create(
            outcome=outcome,
            code="P1",
            name="Proxy",
            unit="people",
            by=officer,
            proxy_value=Decimal("-1"),
            proxy_source="Unit costs",
            proxy_year=2024,
        )

    assert "proxy_value" in errors_of(excinfo)


def test_changing_a_proxy_value_updates_the_measure_and_keeps_history(measure, officer):
    first = services.measure_update(
        measure=measure,
        by=officer,
        proxy_value=Decimal("100"),
        proxy_source="Unit costs",
        proxy_year=2024,
    )
    second = services.measure_update(
        measure=first, by=officer, proxy_value=Decimal("120"), proxy_year=2025
    )

    assert second.pk == measure.pk
    assert Measure.objects.count() == 1
    assert [h.proxy_value for h in second.history.order_by("history_date")] == [
        None,
        Decimal("100"),
        Decimal("120"),
    ]
    assert {h.history_user for h in second.history.all()} == {officer}


def test_a_measure_cannot_move_to_another_outcome(measure, officer):
    other = OutcomeFactory(theme=measure.outcome.theme, name="Other")

    with pytest.raises(ValidationError) as excinfo:
        services.measure_update(measure=measure, by=officer, outcome=other)

    assert "would rewrite history" in errors_of(excinfo)["outcome"][0]
    measure.refresh_from_db()
    assert measure.outcome_id != other.pk


def test_retire_and_reinstate_a_measure(measure, officer):
    retired = services.measure_retire(measure=measure, by=officer)
    assert retired.is_retired
    assert not Measure.objects.usable().filter(pk=measure.pk).exists()

    with pytest.raises(ValidationError) as excinfo:
        services.measure_retire(measure=measure, by=officer)
    assert errors_of(excinfo) == ["LJ1 has already been retired"]

    with pytest.raises(ValidationError) as excinfo:
        services.measure_update(measure=measure, by=officer, name="Changed")
    assert errors_of(excinfo) == [
        "LJ1 has been retired, so it cannot be changed. Reinstate it first"
    ]

    reinstated = services.measure_reinstate(measure=measure, by=officer)
    assert not reinstated.is_retired
    with pytest.raises(ValidationError):
        services.measure_reinstate(measure=measure, by=officer)
    assert Measure.objects.filter(pk=measure.pk).exists()


def test_a_retired_framework_cannot_be_changed(framework, measure, officer):
    retired = services.framework_retire(framework=framework, by=officer)
    assert retired.is_retired
    assert retired.retired_at is not None
    theme = measure.outcome.theme

    attempts = [
        lambda: services.theme_create(framework=framework, name="New", by=officer),
        lambda: services.outcome_create(theme=theme, name="New", dimensions=["social"], by=officer),
        lambda: services.outcome_update(outcome=measure.outcome, by=officer, name="New"),
        lambda: services.measure_create(
            outcome=measure.outcome, code="N1", name="New", unit="people", by=officer
        ),
        lambda: services.measure_update(measure=measure, by=officer, name="New"),
        lambda: services.measure_retire(measure=measure, by=officer),
        lambda: services.framework_update(framework=framework, by=officer, licence="Other"),
        lambda: services.framework_retire(framework=framework, by=officer),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as excinfo:
            attempt()
        assert errors_of(excinfo) == [RETIRED]
    assert framework.themes.count() == 1


def test_framework_update(framework, officer):
    updated = services.framework_update(framework=framework, by=officer, description="Ours")
    assert updated.description == "Ours"

    FrameworkFactory(place=framework.place, name="Local outcomes", version="2")
    with pytest.raises(ValidationError) as excinfo:
        services.framework_update(framework=framework, by=officer, version="2")
    assert "version" in errors_of(excinfo)


def test_theme_update(framework, officer):
    theme = ThemeFactory(framework=framework, name="Jobs")
    ThemeFactory(framework=framework, name="Green")

    assert services.theme_update(theme=theme, by=officer, code="J").code == "J"
    with pytest.raises(ValidationError):
        services.theme_update(theme=theme, by=officer, name="Green")
