"""UK money, typed and shown (issue 17: "432,000" refused as an award value; money shown as
"6,000 £").

Typed: every form field for an amount of money is a `MoneyField`, which reads "432,000",
"£432,000" and "£ 432,000.50" with the one parser. Shown: one function, `format_money` (the
`money` template filter), and no page of the demo puts a "£" after a number.
"""

import re
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template

from socialvalue.forms import MoneyField, NumberField
from socialvalue.numbers import format_money

PROJECT_APPS = {"socialvalue", "people", "places", "objectives", "contracts", "consultations"}
PROJECT_APPS |= {"dashboards"}


def _project_forms() -> list[type]:
    from django.urls import get_resolver

    import socialvalue.urls  # noqa: F401  (loads every view, and so every form)

    get_resolver().url_patterns
    found, stack = [], list(forms.BaseForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack += cls.__subclasses__()
        if cls.__module__.split(".")[0] in PROJECT_APPS:
            found.append(cls)
    return found


def _looks_like_money(name: str, field) -> bool:
    label = str(field.label or "")
    return "£" in label or any(word in name for word in ("value", "amount", "price", "cost"))


def _money_fields() -> list[tuple[str, str, forms.Field]]:
    return [
        (cls.__qualname__, name, field)
        for cls in _project_forms()
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.DecimalField) and _looks_like_money(name, field)
    ]


def test_every_money_field_of_every_form_is_a_money_field():
    fields = _money_fields()
    assert len(fields) >= 5, fields  # estimated, award, share, threshold, proxy values
    wrong = [f"{form}.{name}" for form, name, field in fields if not isinstance(field, MoneyField)]
    assert not wrong, f"typed money not read by MoneyField: {wrong}"


def test_every_number_typed_is_read_by_the_one_parser():
    """No form keeps Django's own DecimalField (which refuses "432,000")."""
    plain = [
        f"{cls.__qualname__}.{name}"
        for cls in _project_forms()
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.DecimalField) and not isinstance(field, NumberField)
    ]
    assert not plain, plain


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("432,000", Decimal("432000")),
        ("£432,000", Decimal("432000")),
        ("£ 432,000.50", Decimal("432000.50")),
        ("  £432000 ", Decimal("432000")),
        ("0.5", Decimal("0.5")),
    ],
)
def test_every_money_field_reads_what_people_type(typed, value):
    for form, name, field in _money_fields():
        assert field.clean(typed) == value, f"{form}.{name} refused {typed!r}"


@pytest.mark.parametrize("typed", ["432 000", "£-5", "-£5", "1e6", "£432,00", "££5", "5£"])
def test_money_fields_refuse_the_rest(typed):
    for form, name, field in _money_fields():
        with pytest.raises(forms.ValidationError):
            field.clean(typed)


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Decimal("6000"), None, "£6,000"),
        (Decimal("6000.00"), None, "£6,000"),
        (Decimal("432000.5"), None, "£432,000.50"),
        (Decimal("1250.50"), None, "£1,250.50"),
        (Decimal("6000.49"), 0, "£6,000"),
        (Decimal("6000"), 2, "£6,000.00"),
        (Decimal("-25"), None, "-£25"),
        (Decimal("-0.001"), 0, "£0"),
        (0, None, "£0"),
        (None, None, ""),
    ],
)
def test_money_is_shown_pounds_first(value, places, shown):
    assert format_money(value, places) == shown
    arg = "" if places is None else f":{places}"
    rendered = Template("{% load sv %}{{ v|money" + arg + " }}").render(Context({"v": value}))
    assert rendered == shown


def test_every_template_shows_money_through_the_filter():
    """No template writes "£{{ ... }}" or "{{ ... }} £" itself: one filter formats money."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    own = re.compile(r"£\{\{|\}\}\s*£|\"£\"\|add")
    found = [
        f"{path.relative_to(root)}" for path in root.rglob("*.html") if own.search(path.read_text())
    ]
    assert not found, f"money formatted by hand in {found}"
