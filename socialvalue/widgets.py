"""Widgets shared by the apps' forms.

`Select`: a <select> written out in Python. Django renders a select through one template
per option, which for a list of every area of a county (hundreds to a thousand options) costs
tens of milliseconds on every request of a filter panel; this writes the same markup directly.
"""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


class Select(forms.Select):
    """A <select> written out directly: the same markup as Django's, without a template per
    option. Flat choices only (no option groups). It carries the GOV.UK class itself, for the
    filter panels no crispy layout renders; its class name is Django's, so crispy-forms-gds
    treats it as a select (the same class, once, and the error style)."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "govuk-select", **(attrs or {})}, choices)

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options, found = [], False
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            is_selected = not found and option_value in selected
            found = found or is_selected
            options.append(
                f'<option value="{escape(option_value)}"{" selected" if is_selected else ""}>'
                f"{escape(str(label))}</option>"
            )
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return mark_safe(f"<select{flatatt(final_attrs)}>\n{chr(10).join(options)}\n</select>")  # noqa: S308 - every part is escaped above
