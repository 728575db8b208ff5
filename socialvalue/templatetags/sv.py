from django import template

from socialvalue.numbers import format_money, format_quantity
from socialvalue.rules import allowed

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination and sorting)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def page_window(page_obj, around: int = 2) -> list[int | None]:
    """Page numbers to show: first, last, and a window around the current one, with None where
    numbers are skipped (shown as an ellipsis)."""
    last = page_obj.paginator.num_pages
    current = page_obj.number
    wanted = {1, last, *range(current - around, current + around + 1)}
    numbers: list[int | None] = []
    previous = 0
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if number - previous > 1:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


@register.simple_tag(takes_context=True)
def can(context, rule_name: str, obj=None) -> bool:
    """{% can "people.invite_member" organisation as may_invite %}"""
    return allowed(context["request"].user, rule_name, obj)


@register.filter
def money(value, places=None) -> str:
    """{{ contract.award_value|money }} → "£380,000"; {{ total|money:0 }} rounds to pounds.
    The one way money is shown (`socialvalue.numbers.format_money`)."""
    return format_money(value, None if places in (None, "") else int(places))


@register.filter
def quantity(value, unit) -> str:
    """{{ commitment.quantity|quantity:commitment.measure.unit }} → "12 starts"; a measure
    counted in "£" shows as money ("£5,000"). (`socialvalue.numbers.format_quantity`)"""
    return format_quantity(value, str(unit or ""))
