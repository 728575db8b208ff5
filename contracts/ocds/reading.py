"""Reading OCDS JSON strictly, value by value, with the path of every problem.

`Node` wraps a value of the parsed JSON with its path (`releases[3].tender.value.amount`). Reading
a child checks its type: a wrong type is reported with its path and read as missing, so one bad
value never stops the checks of the rest.
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

MAX_BYTES = 10 * 1024 * 1024
MAX_AMOUNT = Decimal("1000000000000")  # the models hold up to 12 digits of pounds
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
MISSING: Any = object()


@dataclass(frozen=True)
class OcdsError:
    """A problem with the file or a release. `path` is where in the JSON (empty: the file)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class _NotJson(ValueError):
    pass


def _reject_constant(name: str):
    raise _NotJson(f"{name} is not a number JSON allows")


def parse_json(raw: bytes | str) -> Any:
    """Parse OCDS JSON text strictly. Raises ValueError with a message for people."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("The file is not UTF-8 text, so it is not OCDS JSON") from None
    else:
        raw = raw.removeprefix("\ufeff")
    if not raw.strip():
        raise ValueError("The file is empty")
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"The file is not valid JSON: {exc.msg.lower()} at line {exc.lineno}, "
            f"column {exc.colno}"
        ) from None
    except _NotJson as exc:
        raise ValueError(f"The file is not valid JSON: {exc}") from None
    except RecursionError:
        raise ValueError("The file is not valid JSON: it is nested too deeply") from None
    except ValueError as exc:  # such as an integer with thousands of digits
        raise ValueError(f"The file is not valid JSON: {exc}") from None


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def too_big() -> str:
    return f"The file is larger than {MAX_BYTES // 1024 // 1024} MB. Split it into smaller packages"


def read_data(data_or_file) -> tuple[Any, str]:
    """(parsed JSON, "") or (MISSING, why it cannot be read). Takes JSON text (str or bytes), a
    binary file, or already-parsed JSON."""
    if isinstance(data_or_file, dict | list):
        return data_or_file, ""
    raw = data_or_file
    if hasattr(data_or_file, "read"):
        size = getattr(data_or_file, "size", None)
        if isinstance(size, int) and size > MAX_BYTES:
            return MISSING, too_big()
        if hasattr(data_or_file, "seek"):
            data_or_file.seek(0)
        raw = data_or_file.read(MAX_BYTES + 1)
    if not isinstance(raw, bytes | str):
        return MISSING, "Give a release package as JSON text, a file or parsed JSON"
    if len(raw) > MAX_BYTES:
        return MISSING, too_big()
    try:
        return parse_json(raw), ""
    except ValueError as exc:
        return MISSING, str(exc)


def kind_of(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "something else"


def show(text: str, limit: int = 80) -> str:
    """User text, made safe to print in a message."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Node:
    """A value in the JSON and its path. Problems go to `errors`, each reported once."""

    __slots__ = ("errors", "path", "value")

    def __init__(self, value, path: str, errors: list[OcdsError]):
        self.value, self.path, self.errors = value, path, errors

    def __bool__(self) -> bool:
        return self.value is not MISSING

    def error(self, message: str) -> None:
        problem = OcdsError(self.path, message)
        if problem not in self.errors:
            self.errors.append(problem)

    def child(self, key) -> Node:
        if isinstance(key, int):
            path = f"{self.path}[{key}]"
        else:
            path = f"{self.path}.{key}" if self.path else key
        value = self.value.get(key, MISSING) if isinstance(self.value, dict) else MISSING
        return Node(MISSING if value is None else value, path, self.errors)

    def _typed(self, key: str, types, expected: str) -> Node:
        child = self.child(key)
        if child and (not isinstance(child.value, types) or isinstance(child.value, bool)):
            child.error(f"expected {expected}, found {kind_of(child.value)}")
            child.value = MISSING
        return child

    def obj(self, key: str) -> Node:
        return self._typed(key, dict, "an object")

    def array(self, key: str) -> list[Node]:
        child = self._typed(key, list, "a list")
        if not child:
            return []
        return [
            Node(MISSING if item is None else item, f"{child.path}[{i}]", self.errors)
            for i, item in enumerate(child.value)
        ]

    def objects(self, key: str) -> list[Node]:
        """A list of objects: items of other types are reported and left out."""
        items = []
        for item in self.array(key):
            if not item:
                continue
            if isinstance(item.value, dict):
                items.append(item)
            else:
                item.error(f"expected an object, found {kind_of(item.value)}")
        return items

    def strings(self, key: str) -> list[str]:
        values = []
        for item in self.array(key):
            if isinstance(item.value, str):
                values.append(item.value)
            elif item:
                item.error(f"expected text, found {kind_of(item.value)}")
        return values

    def text(self, key: str, *, max_length: int | None = None) -> str | None:
        child = self._typed(key, str, "text")
        if not child:
            return None
        value = child.value.strip()
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            child.error("is not valid text (it has an unpaired surrogate)")
            return None
        if "\x00" in value:
            child.error("is not valid text (it has a NUL character)")
            return None
        if max_length is not None and len(value) > max_length:
            child.error(f"is longer than {max_length} characters")
            return None
        return value or None

    def code(self, key: str) -> str | None:
        """An identifier: OCDS allows text or an integer."""
        child = self.child(key)
        if child and isinstance(child.value, int) and not isinstance(child.value, bool):
            return str(child.value) if abs(child.value) < 10**30 else None
        return self.text(key)

    def flag(self, key: str) -> bool | None:
        child = self.child(key)
        if not child:
            return None
        if not isinstance(child.value, bool):
            child.error(f"expected true or false, found {kind_of(child.value)}")
            return None
        return child.value

    def moment(self, key: str) -> datetime.datetime | None:
        """An OCDS date-time (2025-03-01T00:00:00Z) or a plain date, as an aware date-time
        (UTC when the text gives no offset)."""
        text = self.text(key)
        if text is None:
            return None
        try:
            if len(text) == 10:
                parsed = datetime.datetime.combine(
                    datetime.date.fromisoformat(text), datetime.time()
                )
            else:
                parsed = datetime.datetime.fromisoformat(text)
        except ValueError:
            self.child(key).error(f'"{show(text, 40)}" is not a date, like 2025-03-01T00:00:00Z')
            return None
        if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            self.child(key).error(
                f"the year {parsed.year} is not between {EARLIEST_YEAR} and {LATEST_YEAR}"
            )
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.UTC)
        return parsed

    def date(self, key: str) -> datetime.date | None:
        """The date part of an OCDS date-time, as written (not moved to another time zone)."""
        moment = self.moment(key)
        return moment.date() if moment is not None else None

    def money(self, key: str) -> tuple[Decimal | None, bool]:
        """A Value object {amount, currency}: (pounds, True), or (None, published) where
        `published` says whether an amount was given (and refused, with its reason)."""
        value = self.obj(key)
        if not value:
            return None, False
        amount_node = value.child("amount")
        if not amount_node:
            return None, False
        amount = amount_node.value
        if isinstance(amount, bool) or not isinstance(amount, int | float | Decimal):
            amount_node.error(f"expected a number, found {kind_of(amount)}")
            return None, True
        currency = value.text("currency")
        if currency is None:
            value.child("currency").error("the currency is missing. Only GBP is accepted")
            return None, True
        if currency.upper() != "GBP":
            value.child("currency").error(
                f'the currency is "{show(currency, 10)}". Only amounts in GBP can be imported'
            )
            return None, True
        if (isinstance(amount, float) and not math.isfinite(amount)) or (
            isinstance(amount, Decimal) and not amount.is_finite()
        ):
            amount_node.error("is not a finite number")
            return None, True
        if amount < 0:
            amount_node.error("cannot be negative")
            return None, True
        if amount >= MAX_AMOUNT:
            amount_node.error("is too large: amounts must be under £1,000,000,000,000")
            return None, True
        try:
            return Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), True
        except InvalidOperation:
            amount_node.error("is not a number that can be stored")
            return None, True
