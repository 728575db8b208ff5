"""Finding (Low): no date bounds. An award running 1900 to 2100 made 804 reporting periods; a
consultation could run from 1900 to 9999.

Rule (`socialvalue.dates`): every date is from 1 January 2000 and at most 25 years after
today; a contract runs at most 25 years; a consultation is open at most a year. One form field
(`GovDateField`) for every typed date says so; the models' validators and `clean()` hold the
same rules, so services, imports and the admin obey them.
"""

import datetime
from decimal import Decimal

import pytest
from crispy_forms_gds.fields import DateInputField
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from consultations import services as consultation_services
from consultations.models import Consultation
from contracts import services
from contracts.models import Contract, LedgerEntry, ObjectiveDelivery, ReportingPeriod
from tests.contracts.factories import ContractFactory
from tests.security.test_quantities import project_fields

pytestmark = pytest.mark.django_db
today = timezone.localdate


def _date(day: datetime.date) -> dict:
    return {"0": day.day, "1": day.month, "2": day.year}


def _typed(name: str, day: datetime.date) -> dict:
    return {f"{name}_{part}": value for part, value in _date(day).items()}


@pytest.fixture
def tendering(world):
    return ContractFactory(
        place=world.place,
        buyer=world.council,
        owner=world.users["officer"],
        stage=Contract.Stage.PROCUREMENT_STARTED,
        procurement_started_on=datetime.date(1899, 1, 1),
        reference="C-TENDER",
    )


def test_an_award_from_1900_to_2100_is_refused_and_makes_no_periods(client, world, tendering):
    """The finding, through the award page."""
    client.force_login(world.users["officer"])
    response = client.post(
        reverse("contracts:contract_award", kwargs={"pk": tendering.pk}),
        {
            "existing": world.supplier.pk,
            "award_value": "100000",
            **_typed("awarded_on", datetime.date(1900, 1, 2)),
            **_typed("contract_start", datetime.date(1900, 1, 2)),
            **_typed("contract_end", datetime.date(2100, 1, 1)),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The award date must be on or after 1 January 2000" in html
    assert "The contract start date must be on or after 1 January 2000" in html
    assert "The contract end date must be no later than" in html
    assert ReportingPeriod.objects.filter(contract=tendering).count() == 0


def test_the_award_service_refuses_it_whatever_calls_it(world, tendering):
    with pytest.raises(ValidationError, match="on or after 1 January 2000"):
        services.contract_award(
            contract=tendering,
            by=world.users["officer"],
            supplier=world.supplier,
            award_value=Decimal("1"),
            awarded_on=datetime.date(1900, 1, 2),
            contract_start=datetime.date(1900, 1, 2),
            contract_end=datetime.date(2100, 1, 1),
        )
    assert ReportingPeriod.objects.filter(contract=tendering).count() == 0


def test_a_contract_runs_at_most_25_years(world, tendering):
    Contract.objects.filter(pk=tendering.pk).update(procurement_started_on=today())
    start = today()
    with pytest.raises(ValidationError, match="A contract can run for at most 25 years"):
        services.contract_award(
            contract=tendering,
            by=world.users["officer"],
            supplier=world.supplier,
            award_value=Decimal("1"),
            awarded_on=today(),
            contract_start=start,
            contract_end=start.replace(year=start.year + 25) + datetime.timedelta(days=1),
        )


def test_a_consultation_from_1900_to_9999_is_refused(client, world):
    """The finding, through the consultation form and the service."""
    client.force_login(world.users["officer"])
    response = client.post(
        reverse("consultations:consultation_create"),
        {
            "owner": world.council.pk,
            "title": "Forever",
            "purpose": "A very long consultation",
            "areas": [world.ward.pk],
            **_typed("opens_on", datetime.date(1900, 1, 1)),
            **_typed("closes_on", datetime.date(9999, 12, 31)),
        },
    )
    html = response.content.decode()
    assert "The opening date must be on or after 1 January 2000" in html
    assert "The closing date must be no later than" in html
    count = Consultation.objects.count()
    with pytest.raises(ValidationError):
        consultation_services.consultation_create(
            by=world.users["officer"],
            owner=world.council,
            title="Forever",
            purpose="Long",
            areas=[world.ward],
            opens_on=datetime.date(1900, 1, 1),
            closes_on=datetime.date(9999, 12, 31),
        )
    assert Consultation.objects.count() == count


def test_a_consultation_is_open_at_most_a_year(world):
    with pytest.raises(ValidationError, match="open for at most a year"):
        consultation_services.consultation_create(
            by=world.users["officer"],
            owner=world.council,
            title="Too long",
            purpose="Long",
            areas=[world.ward],
            opens_on=today(),
            closes_on=today() + datetime.timedelta(days=367),
        )


# The family: every typed date, and every date a model holds ----------------------------------


def _date_fields():
    return project_fields((forms.DateField, forms.DateTimeField, DateInputField))


DATE_FIELDS = _date_fields()


def test_there_are_typed_dates_to_check():
    assert len(DATE_FIELDS) >= 10


@pytest.mark.parametrize(("name", "field"), DATE_FIELDS, ids=[n for n, _f in DATE_FIELDS])
def test_every_typed_date_is_bounded_and_says_so(name, field):
    from socialvalue.forms import GovDateField

    assert isinstance(field, GovDateField), f"{name} must be a socialvalue.forms.GovDateField"
    too_early = datetime.date(1999, 12, 31)
    too_late = today().replace(year=today().year + 26)
    for day, says in ((too_early, "on or after 1 January 2000"), (too_late, "no later than")):
        with pytest.raises(ValidationError, match=says):
            field.clean([str(day.day), str(day.month), str(day.year)])
    with pytest.raises(ValidationError, match="must be a real date"):
        field.clean(["\u0661", "1", "2026"])  # an Arabic-Indic digit one


# Dates the service computes from bounded ones, not typed or imported.
DERIVED = {
    (ReportingPeriod, "start"),
    (ReportingPeriod, "end"),
    # The ledger's copies of its period's dates and the quarter they fall in.
    (LedgerEntry, "period_start"),
    (LedgerEntry, "period_end"),
    (LedgerEntry, "quarter"),
    # The objectives' rollup of those lines, by their period's start.
    (ObjectiveDelivery, "period_start"),
}


def test_every_date_a_model_holds_is_bounded():
    from socialvalue.dates import validate_plausible_date

    unbounded = []
    for model in apps.get_models():
        app = model._meta.app_label
        if app not in {"contracts", "objectives", "consultations", "people", "places"}:
            continue
        if model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if type(field) is not models.DateField or (model, field.name) in DERIVED:
                continue
            if validate_plausible_date not in field.validators:
                unbounded.append(f"{model._meta.label}.{field.name}")
    assert unbounded == []


def test_imports_and_other_services_obey_the_same_bounds(world):
    """Services call full_clean: the models' validators refuse what no form would take."""
    contract = world.contract
    with pytest.raises(ValidationError, match="on or after 1 January 2000"):
        services.performance_rate(
            contract=contract,
            by=world.users["officer"],
            period_end=datetime.date(1999, 3, 31),
            rating="good",
        )
    with pytest.raises(ValidationError, match="no later than"):
        services.commitment_add(
            contract=contract,
            by=world.users["officer"],
            measure=world.measure,
            quantity=Decimal("2"),
            area=world.ward,
            objective=world.objective,
            start_date=today(),
            due_date=datetime.date(2100, 1, 1),
        )
