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
