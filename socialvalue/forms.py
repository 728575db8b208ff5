"""Shared form plumbing: every form renders GOV.UK markup through crispy-forms-gds."""

import re
from datetime import date
from decimal import Decimal

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from .dates import date_problem
from .numbers import QUANTITY_MAX, NotANumber, parse_uk_number
from .text import FreeTextFormMixin


class GovFormMixin(FreeTextFormMixin):
    """Gives a form a FormHelper with one primary button, and drops invisible control
    characters from its free text (`socialvalue.text`).

    The error summary is rendered by the page layout (above the heading, as the Design System
    asks); errors about the form as a whole are also shown at the top of the form, as GOV.UK
    error messages (templates/gds/errors.html).
    """

    submit_label = "Save"
    label_size = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No layout: crispy renders every field, including fields a form adds after this.
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.form_method = "post"
        self.helper.attrs = {"novalidate": ""}
        if self.label_size:
            self.helper.label_size = self.label_size
        # Several forms may share a page (a proposal's support and question forms): each
        # button gets an id of its own, not crispy's `submit-id-submit` for all.
        name = re.sub(r"(?<!^)(?=[A-Z])", "-", type(self).__name__).lower()
        css_id = f"submit-{name}" + (f"-{self.prefix}" if self.prefix else "")
        self.helper.add_input(Submit("submit", self.submit_label, css_id=css_id))


class ConfirmForm(GovFormMixin, forms.Form):
    """A confirmation page's single button."""

    def __init__(self, *args, submit_label: str = "Confirm", **kwargs):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)


def choose_one(model, *, label: str, required: str, radio: bool = True, **errors: str):
    """A required choice of one `model` object with no empty choice (radio buttons unless
    `radio=False`). The queryset starts empty: the form's `__init__` offers only what this
    person may choose (their organisations, the places they serve). `errors` add messages by
    code (`invalid_choice=...`)."""
    return forms.ModelChoiceField(
        label=label,
        queryset=model.objects.none(),
        widget=forms.RadioSelect if radio else None,
        empty_label=None,
        error_messages={"required": required, **errors},
    )


def apply_validation_error(form, error) -> None:
    """Put a service's ValidationError onto a form, by field where the field exists."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class GovDateField(DateInputField):
    """The GOV.UK date input (day, month, year) with messages in the Design System's voice.
    Every date typed into the service is one, and is held to the plausible dates of
    `socialvalue.dates` (from 2000, up to 25 years ahead), saying so when it is not."""

    def __init__(self, *, label_text: str, **kwargs):
        self.label_text = label_text
        super().__init__(**kwargs)
        lowered = label_text[0].lower() + label_text[1:]
        self.error_messages["required"] = f"Enter the {lowered}"
        self.error_messages["incomplete"] = f"The {lowered} must include a day, month and year"
        # Digits 0 to 9 only (not "١٢"), in the same voice as the other messages.
        real = RegexValidator(r"^[0-9]+$", f"The {label_text.lower()} must be a real date")
        for part in self.fields:
            part.validators = [real]

    def compress(self, data_list):
        day, month, year = data_list
        if day and month and year:
            if len(str(year)) != 4:
                raise ValidationError(f"The {self.label_text.lower()} year must be 4 digits")
            try:
                value = date(day=int(day), month=int(month), year=int(year))
            except ValueError:
                raise ValidationError(
                    f"The {self.label_text.lower()} must be a real date"
                ) from None
            problem = date_problem(value, what=self.label_text.lower())
            if problem:
                raise ValidationError(problem)
            return value
        return None


class NumberField(forms.DecimalField):
    """Every number typed into the service: a quantity, an amount of money, a percentage or a
    year. It reads what a person in the UK types ("1,000", "1000.5", "£250,000" for money) with
    the one parser (`socialvalue.numbers.parse_uk_number`), refuses the rest (other scripts'
    digits, "1_000", "-0", "1e10", "NaN") with a message in GOV.UK's voice, and holds the value
    to its bounds. Rendered as a text input: GOV.UK asks for no number spinners.

    `what` names the value in messages ("quantity delivered"); `example` shows how to type it.
    """

    def __init__(
        self,
        *,
        what: str,
        money: bool = False,
        whole: bool = False,
        example: str = "",
        min_value: Decimal | None = Decimal("0"),
        max_value: Decimal | None = None,
        more_than_zero: bool = False,
        decimal_places: int = 2,
        max_digits: int = 14,
        **kwargs,
    ):
        given = kwargs.pop("error_messages", {})
        attrs = {"inputmode": "numeric" if whole else "decimal", "spellcheck": "false"}
        kwargs.setdefault("widget", forms.TextInput(attrs={**attrs, "autocomplete": "off"}))
        super().__init__(
            min_value=min_value,
            max_value=max_value,
            max_digits=max_digits,
            decimal_places=0 if whole else decimal_places,
            **kwargs,
        )
        self.money, self.whole, self.more_than_zero = money, whole, more_than_zero
        kind = "an amount of money" if money else ("a whole number" if whole else "a number")
        example = example or ("£250,000" if money else ("2025" if whole else "1,000 or 12.5"))

        def shown(limit) -> str:  # years without thousands commas
            return "" if limit is None else (str(limit) if whole else f"{limit:,}")

        least = "more than 0" if more_than_zero else f"{shown(min_value)} or more"
        self.error_messages.update(
            {
                "required": f"Enter the {what}",
                "invalid": f"Enter the {what} as {kind}, like {example}",
                "negative": f"The {what} cannot be negative",
                "pound": f"Enter the {what} without a £ sign",
                "zero": f"The {what} must be more than 0",
                "min_value": f"The {what} cannot be negative"
                if min_value == 0
                else f"The {what} must be {least}",
                "max_value": f"The {what} must be {shown(max_value)} or less",
                "max_digits": f"The {what} is too large",
                "max_whole_digits": f"The {what} is too large",
                "max_decimal_places": f"Enter the {what} as {kind}, like {example}"
                if whole
                else f"The {what} can have at most {decimal_places} decimal places",
            }
            | given
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int):  # an initial value, not typed
            return Decimal(value)
        try:
            return parse_uk_number(str(value), money=self.money)
        except NotANumber as error:
            code = "invalid" if error.reason == "format" else error.reason
            raise ValidationError(self.error_messages[code], code=code) from None

    def validate(self, value):
        super().validate(value)
        if self.more_than_zero and value is not None and value <= 0:
            raise ValidationError(self.error_messages["zero"], code="zero")

    def clean(self, value):
        value = super().clean(value)
        return int(value) if self.whole and value is not None else value


class QuantityField(NumberField):
    """A count of a measure's units: not negative, at most `QUANTITY_MAX`, never with £."""

    def __init__(self, *, what: str, **kwargs):
        kwargs.setdefault("max_value", QUANTITY_MAX)
        super().__init__(what=what, **kwargs)


class MoneyField(NumberField):
    """An amount in pounds and pence: "£" allowed, not negative."""

    def __init__(self, *, what: str, **kwargs):
        super().__init__(what=what, money=True, **kwargs)


class YearField(NumberField):
    """A year typed as 4 digits, like 2025, between `earliest` and `latest`."""

    def __init__(self, *, what: str, earliest: int, latest: int, **kwargs):
        message = f"Enter the {what} as 4 digits, like 2025"
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "spellcheck": "false",
                    "autocomplete": "off",
                    "class": "govuk-input--width-4",
                }
            ),
        )
        kwargs["error_messages"] = {
            "invalid": message,
            "max_decimal_places": message,
            "min_value": f"The {what} must be {earliest} or later",
            "max_value": f"The {what} must be {latest} or earlier",
        } | kwargs.get("error_messages", {})
        super().__init__(
            what=what,
            whole=True,
            min_value=Decimal(earliest),
            max_value=Decimal(latest),
            **kwargs,
        )
