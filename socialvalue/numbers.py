"""Numbers as a person in the UK types them: the one parser for every quantity, amount of
money and percentage typed into a form (`socialvalue.forms.NumberField`) or read from an
imported file, and the bounds the models hold quantities to.

Python's `Decimal()` (and so Django's DecimalField) takes much more than people mean: digits
of other scripts ("١٢"), underscores ("1_000"), exponents ("1e10", "1e-400"), "NaN" and
"Infinity", and signs ("-0"). Here a number is ASCII digits, optionally grouped in threes by
commas, with an optional decimal point: "1000", "1,000", "1000.5", "12,345.67", "0.5". Money
may start with "£". Anything else is refused, with the reason.
"""

import re
from decimal import Decimal

# Quantities count units of a measure (people, hours, tonnes, pounds spent): a billion of
# anything is beyond any one contract, target or return.
QUANTITY_MAX = Decimal("1000000000")

UK_NUMBER = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


class NotANumber(ValueError):
    """Why a text is not a number: "negative", "pound" (a £ sign where none belongs) or
    "format" (anything else)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def parse_uk_number(text: str, *, money: bool = False) -> Decimal:
    """The number `text` means, or NotANumber. Spaces around it are ignored; for money, one
    "£" before it."""
    text = text.strip()
    if text.startswith("-"):
        raise NotANumber("negative")
    if money:
        text = text.removeprefix("£").strip()
        if text.startswith("-"):
            raise NotANumber("negative")
    if "£" in text:
        raise NotANumber("pound")
    if not UK_NUMBER.fullmatch(text):
        raise NotANumber("format")
    return Decimal(text.replace(",", ""))


def format_money(value, places: int | None = None) -> str:
    """An amount of money as people in the UK write it: "£6,000", "£432,000.50", "-£25". The
    one format for every amount shown, in pages (the `money` template filter) and in messages.

    `places` None shows pence only when there are some; 0 rounds to whole pounds (totals and
    thresholds); 2 always shows pence. The sign goes before the "£", never a "£" after the
    number."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    if places is None:
        places = 0 if amount == amount.to_integral_value() else 2
    text = f"{abs(amount):,.{places}f}"
    return f"-£{text}" if amount < 0 and Decimal(text.replace(",", "")) else f"£{text}"


def format_quantity(value, unit: str) -> str:
    """A quantity of a measure with its unit: "12 apprenticeship starts", "1,250.50 hours". A
    measure counted in pounds ("£", like spend with local SMEs) is money, shown as money
    ("£5,000", not "5,000 £"). Pence or fractions are shown only when there are some."""
    if value is None or value == "":
        return ""
    if unit.strip() == "£":
        return format_money(value)
    amount = Decimal(str(value))
    places = 0 if amount == amount.to_integral_value() else 2
    return f"{amount:,.{places}f} {unit}".rstrip()
