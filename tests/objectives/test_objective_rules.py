"""The objective's business rules, at model and service level: whatever the entry point."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from objectives import services
from objectives.models import Objective, Target
from tests.objectives.factories import FrameworkFactory, MeasureFactory, OutcomeFactory
from tests.places.factories import AreaFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def create(officer, council, outcome, areas, **overrides):
    kwargs = dict(
        place=council.place,
        by=officer,
        title="More local jobs",
        description="Why and for whom",
        outcome=outcome,
        dimensions=["economic"],
        areas=areas,
        lead_organisation=council,
    )
    kwargs.update(overrides)
    return services.objective_create(**kwargs)


def test_create_records_everything_as_a_draft(officer, council, outcome, neighbourhoods, nhs_body):
    objective = create(
        officer,
        council,
        outcome,
        neighbourhoods,
        partners=[nhs_body],
        links=[("Ward profile", "https://example.org/profile")],
    )
    assert objective.status == Objective.Status.DRAFT
    assert set(objective.areas.all()) == set(neighbourhoods)
    assert list(objective.partners.all()) == [nhs_body]
    assert objective.dimensions == ["economic"]
    assert objective.links.get().url == "https://example.org/profile"
    record = objective.history.earliest()
    assert record.history_type == "+"
    assert record.history_user == officer


def test_area_outside_the_place_is_refused_by_the_service(officer, council, outcome, ward):
    elsewhere = AreaFactory(place=PlaceFactory(name="Elsewhere"), name="Far Ward")
    before = Objective.objects.count()
    with pytest.raises(ValidationError) as error:
        create(officer, council, outcome, [ward, elsewhere])
    assert "Far Ward is not in Testborough" in str(error.value)
    assert Objective.objects.count() == before


def test_area_outside_the_place_is_refused_at_the_database_write(make_objective):
    objective = make_objective()
    elsewhere = AreaFactory(place=PlaceFactory(name="Elsewhere"), name="Far Ward")
    with (
        pytest.raises(ValidationError, match="Far Ward is outside this objective's place"),
        transaction.atomic(),
    ):
        objective.areas.add(elsewhere)
    assert elsewhere not in objective.areas.all()


def test_no_dimension_is_refused(officer, council, outcome, ward):
    with pytest.raises(ValidationError, match="Choose at least one well-being dimension"):
        create(officer, council, outcome, [ward], dimensions=[])


def test_no_area_is_refused(officer, council, outcome):
    with pytest.raises(ValidationError, match="Choose at least one area"):
        create(officer, council, outcome, [])


def test_outcome_from_another_places_framework_is_refused(officer, council, ward):
    foreign = OutcomeFactory(theme__framework=FrameworkFactory(place=PlaceFactory()))
    with pytest.raises(ValidationError, match="one of this place's frameworks"):
        create(officer, council, foreign, [ward])


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        ("draft", "active", True),
        ("draft", "retired", True),
        ("draft", "achieved", False),
        ("active", "achieved", True),
        ("active", "retired", True),
        ("active", "draft", False),
        ("achieved", "active", False),
        ("achieved", "retired", False),
        ("retired", "active", False),
        ("retired", "draft", False),
    ],
)
def test_status_life_cycle(make_objective, officer, start, to, allowed):
    objective = make_objective(status=start)
    if start == "draft":
        Target.objects.create(
            objective=objective,
            measure=MeasureFactory(outcome=objective.outcome),
            baseline_date=datetime.date(2026, 1, 1),
            target_quantity=5,
            target_date=datetime.date(2027, 1, 1),
        )
    if allowed:
        services.objective_change_status(objective=objective, to=to, by=officer, reason="Done")
        objective.refresh_from_db()
        assert objective.status == to
        assert (
            getattr(
                objective,
                {"active": "activated_at", "achieved": "achieved_at", "retired": "retired_at"}[to],
            )
            is not None
        )
    else:
        with pytest.raises(ValidationError, match="cannot become"):
            services.objective_change_status(objective=objective, to=to, by=officer, reason="Try")
        objective.refresh_from_db()
        assert objective.status == start


def test_skipping_a_step_is_refused_by_model_validation_too(make_objective):
    """The admin and any other entry point call full_clean(): the same rule applies."""
    objective = make_objective(status="draft")
    objective = Objective.objects.get(pk=objective.pk)
    objective.status = Objective.Status.ACHIEVED
    with pytest.raises(ValidationError) as error:
        objective.full_clean()
    assert "A draft objective cannot become achieved" in str(error.value).replace(
        "An objective that is draft", "A draft objective"
    )


def test_activation_needs_a_target(make_objective, officer):
    objective = make_objective(status="draft")
    with pytest.raises(ValidationError, match="Add at least one target"):
        services.objective_change_status(objective=objective, to="active", by=officer)


def test_achieving_or_retiring_needs_a_public_reason(make_objective, officer):
    objective = make_objective(status="active")
    with pytest.raises(ValidationError, match="Explain why"):
        services.objective_change_status(objective=objective, to="retired", by=officer)


def test_finished_objectives_cannot_be_edited(make_objective, officer):
    objective = make_objective(status="achieved")
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.objective_update(objective=objective, by=officer, title="New title")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("target_quantity", Decimal("-3"), "The target quantity must be more than 0"),
        ("target_quantity", Decimal("0"), "The target quantity must be more than 0"),
        ("baseline", Decimal("-1"), "The baseline cannot be negative"),
        (
            "target_date",
            datetime.date(2026, 3, 1),
            "The target date must be after the baseline date",
        ),
    ],
)
def test_bad_targets_are_refused(
    make_objective, officer, measure, target_values, field, value, message
):
    objective = make_objective(status="draft")
    target_values[field] = value
    with pytest.raises(ValidationError, match=message):
        services.target_add(objective=objective, by=officer, measure=measure, **target_values)
    assert not objective.targets.exists()


@pytest.mark.parametrize(
    "values",
    [
        {"target_quantity": Decimal("-3")},
        {"baseline": Decimal("-1")},
        {"target_date": datetime.date(2026, 1, 1)},
    ],
)
def test_database_constraints_back_the_target_rules(make_objective, measure, values):
    objective = make_objective(status="draft")
    fields = dict(
        objective=objective,
        measure=measure,
        baseline=Decimal("0"),
        baseline_date=datetime.date(2026, 4, 1),
        target_quantity=Decimal("5"),
        target_date=datetime.date(2027, 4, 1),
    )
    fields.update(values)
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(**fields)


def test_measure_from_a_retired_framework_is_refused_on_a_new_target(
    make_objective, officer, measure, target_values
):
    objective = make_objective(status="draft")
    measure.framework.status = "retired"
    measure.framework.save()
    with pytest.raises(ValidationError, match="is from a retired framework"):
        services.target_add(objective=objective, by=officer, measure=measure, **target_values)


def test_retired_measure_is_refused_on_a_new_target_but_old_targets_keep_it(
    make_objective, officer, measure, target_values
):
    objective = make_objective(status="draft")
    target = services.target_add(objective=objective, by=officer, measure=measure, **target_values)
    measure.retired_at = datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    measure.save()
    with pytest.raises(ValidationError, match="has been retired"):
        services.target_add(objective=objective, by=officer, measure=measure, **target_values)
    # The existing target still validates and can be edited: history keeps its meaning.
    services.target_update(target=target, by=officer, target_quantity=Decimal("15"))
    target.refresh_from_db()
    assert target.target_quantity == Decimal("15")


def test_archiving_the_last_target_of_an_active_objective_is_refused(make_objective, officer):
    objective = make_objective(status="active")
    target = objective.targets.get()
    with pytest.raises(ValidationError, match="must keep at least one target"):
        services.target_archive(target=target, by=officer)
    target.refresh_from_db()
    assert target.archived_at is None
