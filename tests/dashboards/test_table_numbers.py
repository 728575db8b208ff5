"""The dashboard tables write numbers as Django's `intcomma` does in English (the markup the
pages had), by string formatting: the same text for every int, Decimal and float of under
200 digits."""

from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from dashboards.tables.base import display, grouped


@given(
    st.integers(min_value=-(10**15), max_value=10**15)
    | st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, places=2)
    | st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**9), max_value=10**9)
    # Django writes a number of over 200 digits in scientific notation; no table shows one.
    | st.floats(allow_nan=False, allow_infinity=False, min_value=-1e18, max_value=1e18).filter(
        lambda f: f == 0 or abs(f) > 1e-100
    )
)
def test_numbers_are_grouped_as_intcomma_groups_them(number):
    with translation.override("en-gb"):
        assert grouped(number) == intcomma(number)


def test_normalised_and_exponent_forms_and_other_values():
    with translation.override("en-gb"):
        for number in (Decimal("1E+3"), Decimal("1.50E+5"), Decimal("0.00"), 1e20, -0.0, 0):
            assert grouped(number) == intcomma(number), number
    assert display(Decimal("1234567.5")) == "1,234,567.5"
    assert display(None) == display("") == "–"
    assert display(True) == "Yes"


# The template loop the tables' rows were written with before `Table.body_html`.
LOOP = """{% for row, link in table.rows_with_links %}<tr class="govuk-table__row">{% for text, numeric in row %}{% if forloop.first %}<th scope="row" class="govuk-table__header{% if numeric %} govuk-table__header--numeric{% endif %}">{% else %}<td class="govuk-table__cell{% if numeric %} govuk-table__cell--numeric{% endif %}">{% endif %}{% if link and forloop.counter0 == table.link_column %}{% if link.url %}<a class="govuk-link" href="{{ link.url }}">{{ text }}</a>{% else %}{{ text }}<br><span class="govuk-hint govuk-!-margin-bottom-0 govuk-!-font-size-16">Ask {{ link.contact }} about it</span>{% endif %}{% else %}{{ text }}{% endif %}{% if forloop.first %}</th>{% else %}</td>{% endif %}{% endfor %}</tr>{% endfor %}"""


def test_the_rows_markup_is_the_template_loops():
    """Linked, unlinked and contact-only rows, numeric cells, and text to escape."""
    from types import SimpleNamespace

    from django.template import Context, Template

    from dashboards.tables.base import Column, Table

    table = Table("t", "T", [Column("Contract"), Column("Title"), Column("£", numeric=True)])
    table.link_column = 0
    table.rows_with_links = [
        ([("C-1", False), ("Care <home>", False), ("1,200", True)], None),
        ([("C-2", False), ("Roads & paths", False), ("3", True)], SimpleNamespace(url="/c/2/")),
        (
            [("C-3", False), ('"Quoted"', False), ("–", True)],
            SimpleNamespace(url="", contact="A&B"),
        ),
        ([("7", True), ("x", False), ("1", True)], None),
    ]
    expected = Template(LOOP).render(Context({"table": table}))
    assert table.body_html.replace("\n", "") == expected
    assert "Care &lt;home&gt;" in expected and "Ask A&amp;B about it" in expected
