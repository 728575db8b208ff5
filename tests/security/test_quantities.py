"""Finding (Low): quantities accepted Arabic-Indic digits, "1_000", "-0" and "1e10" for a
50-FTE commitment, and "1e-400" was refused as "too large".

Rule: every number typed into the service goes through one field (`socialvalue.forms.
NumberField`, with `QuantityField` and `MoneyField`) and one parser (`socialvalue.numbers`):
what a person in the UK types is read ("1,000", "1000.5"; "£" for money, never for a
quantity), anything else is refused with a GOV.UK-style message, and the models hold
quantities to plausible bounds. A returned quantity far above what was committed (more than
remains of the commitment) is asked about: the supplier confirms it, and the return records it.
"""

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts import services
from contracts.forms import CommitmentForm, ReturnForm
from contracts.models import Commitment, DeliveryReturn
from tests.security.served import form_modules_on_disk, project_form_classes

pytestmark = pytest.mark.django_db


def _shared():
    """The shared fields, imported when a test needs them: the finding's test runs (and failed)
    on the code from before they existed."""
    from socialvalue.forms import MoneyField, NumberField, QuantityField
    from socialvalue.numbers import QUANTITY_MAX

    return MoneyField, NumberField, QuantityField, QUANTITY_MAX


HOSTILE = {
    "arabic-indic digits": "\u0665\u0660",  # "50" in Arabic-Indic digits
    "extended arabic-indic digits": "\u06f5\u06f0",
    "fullwidth digits": "\uff15\uff10",
    "underscore": "1_000",
    "minus zero": "-0",
    "negative": "-5",
    "exponent": "1e10",
    "tiny exponent": "1e-400",
    "capital exponent": "5E1",
    "nan": "NaN",
    "infinity": "Infinity",
    "inf": "inf",
    "plus sign": "+5",
    "space inside": "1 000",
    "misplaced comma": "10,00",
    "trailing point": "12.",
    "two points": "1.2.3",
    "words": "fifty",
}


@pytest.mark.parametrize("typed", HOSTILE.values(), ids=HOSTILE)
def test_the_reported_inputs_are_refused_for_a_commitment(typed, world):
    """The finding, on the commitment form (a 50-FTE commitment)."""
    form = CommitmentForm({"quantity": typed}, contract=world.contract)
    form.is_valid()
    (message,) = form.errors["quantity"]
    assert message in (
        "Enter the quantity as a number, like 1,000 or 12.5",
        "The quantity cannot be negative",
    )
    assert "too large" not in message


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1,000", Decimal("1000")), ("1000.5", Decimal("1000.5")), (" 12 ", Decimal("12"))],
)
def test_what_people_in_the_uk_type_is_read(typed, value):
    _, _, QuantityField, _ = _shared()
    assert QuantityField(what="quantity").clean(typed) == value


def test_a_pound_sign_is_for_money_never_for_a_quantity():
    MoneyField, _, QuantityField, _ = _shared()
    with pytest.raises(ValidationError, match="Enter the quantity without a £ sign"):
        QuantityField(what="quantity").clean("£12")
    assert MoneyField(what="award value").clean("£250,000") == Decimal("250000")


def test_bounds_and_decimal_places_have_messages():
    _, _, QuantityField, _ = _shared()
    field = QuantityField(what="quantity delivered")
    with pytest.raises(ValidationError, match="must be 1,000,000,000 or less"):
        field.clean("1,000,000,001")
    with pytest.raises(ValidationError, match="at most 2 decimal places"):
        field.clean("1.234")
    with pytest.raises(ValidationError, match="must be more than 0"):
        QuantityField(what="quantity", more_than_zero=True).clean("0")


def test_the_models_hold_quantities_to_their_bounds(world):
    *_, QUANTITY_MAX = _shared()
    commitment = Commitment.objects.get(pk=world.commitment.pk)
    commitment.quantity = QUANTITY_MAX + 1
    with pytest.raises(ValidationError, match="1000000000"):
        commitment.full_clean()


# The family: every number field of every form in the application -----------------------------


def project_fields(kinds: tuple[type, ...]) -> list[tuple[str, forms.Field]]:
    """Every visible field of one of `kinds` in every form of the project (the one list,
    `project_form_classes()`), each field once, named where it is declared. The Django admin's
    forms are left out: they are not the service's GOV.UK forms, and the models' validators
    hold what they save (`test_the_models_hold_quantities_to_their_bounds`,
    `test_every_date_a_model_holds_is_bounded`)."""
    found, seen = [], set()
    for cls in project_form_classes():
        if cls.__module__.rsplit(".", 1)[-1].startswith("admin"):
            continue
        for field_name, field in cls.base_fields.items():
            if id(field) in seen or isinstance(field.widget, forms.HiddenInput):
                continue
            seen.add(id(field))
            if isinstance(field, kinds):
                found.append((f"{cls.__module__}.{cls.__name__}.{field_name}", field))
    return found


def _number_fields():
    return project_fields((forms.IntegerField, forms.DecimalField, forms.FloatField))


NUMBER_FIELDS = _number_fields()


def test_the_one_list_of_forms_holds_every_form_module():
    """Every form module on disk is read, the one a new branch adds included."""
    read = {cls.__module__ for cls in project_form_classes()}
    assert set(form_modules_on_disk()) - {"socialvalue.forms"} <= read
    assert {"people.forms_account", "contracts.forms.ocds", "contracts.forms.governance"} <= read


def test_there_are_number_fields_to_check():
    assert len(NUMBER_FIELDS) >= 10


@pytest.mark.parametrize(("name", "field"), NUMBER_FIELDS, ids=[n for n, _f in NUMBER_FIELDS])
def test_every_number_typed_anywhere_uses_the_shared_field(name, field):
    _, NumberField, _, _ = _shared()
    assert isinstance(field, NumberField), f"{name} must be a socialvalue.forms.NumberField"
    for label, typed in HOSTILE.items():
        with pytest.raises(ValidationError):
            field.clean(typed)
            pytest.fail(f"{name} took {label}: {typed!r}")


# Far above what was committed -------------------------------------------------------------------


def _return_data(world, quantity, **extra):
    return {
        "period": world.contract.periods.order_by("start")[1].pk,
        "quantity": quantity,
        "evidence_text": "Timesheets",
        "attested": "on",
        **extra,
    }


def test_a_quantity_far_above_the_commitment_is_asked_about_then_recorded(client, world):
    """12 committed, 2 already claimed: 500 is more than the 10 that remain."""
    client.force_login(world.users["supplier_contact"])
    url = reverse("contracts:return_create", kwargs={"pk": world.commitment.pk})
    count = DeliveryReturn.objects.count()

    asked = client.post(url, _return_data(world, "500"))

    assert asked.status_code == 200
    html = asked.content.decode()
    assert "You entered 500 people: the commitment is 12 people in all" in html
    assert "and 10 remain to be delivered" in html
    assert "I have checked the quantity: it is right" in html
    assert DeliveryReturn.objects.count() == count

    confirmed = client.post(url, _return_data(world, "500", confirm_quantity="on"))

    assert confirmed.status_code == 302
    r = DeliveryReturn.objects.latest("pk")
    assert r.quantity == 500 and r.quantity_confirmed_above_remaining
    page = client.get(reverse("contracts:return_detail", kwargs={"pk": r.pk}))
    assert "More than remained of the commitment" in page.content.decode()


def test_a_quantity_within_the_commitment_is_not_asked_about(world):
    r = services.return_submit(
        commitment=world.commitment,
        period=world.contract.periods.order_by("start")[1],
        by=world.users["supplier_contact"],
        quantity=Decimal("10"),
        evidence_text="Timesheets",
        attested=True,
    )
    assert not r.quantity_confirmed_above_remaining


def test_the_service_asks_whatever_calls_it(world):
    with pytest.raises(ValidationError, match="Check the quantity, and confirm it"):
        services.return_submit(
            commitment=world.commitment,
            period=world.contract.periods.order_by("start")[1],
            by=world.users["supplier_contact"],
            quantity=Decimal("11"),
            evidence_text="Timesheets",
            attested=True,
        )


def test_a_corrected_quantity_in_an_answer_is_asked_about_too(world):
    r = services.return_query(
        delivery_return=world.delivery_return, by=world.users["officer"], question="How many?"
    )
    with pytest.raises(ValidationError, match="You entered 13 people"):
        services.return_answer(
            delivery_return=r, by=world.users["supplier_contact"], answer="More", quantity=13
        )
    r = services.return_answer(
        delivery_return=r,
        by=world.users["supplier_contact"],
        answer="More",
        quantity=Decimal("12"),
    )
    assert r.quantity == 12 and not r.quantity_confirmed_above_remaining


def test_the_return_form_reads_a_typed_quantity(world):
    form = ReturnForm(_return_data(world, "1,000"), commitment=world.commitment)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["quantity"] == Decimal("1000")
