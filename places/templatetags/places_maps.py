"""{% choropleth map %} draws a `places.maps.Choropleth`; {{ area|bilingual_name }} shows an
area's Welsh name beside its English one (or first, when the interface is in Welsh)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


@register.inclusion_tag("components/choropleth.html")
def choropleth(map):
    return {"map": map}


@register.filter
def bilingual_name(area) -> str:
    """ "Glan yr Afon / Glan-yr-Afon" with the Welsh marked as Welsh for screen readers."""
    welsh = getattr(area, "name_welsh", "")
    if not welsh or welsh == area.name:
        if welsh and (get_language() or "").startswith("cy"):
            return format_html('<span lang="cy">{}</span>', welsh)
        return format_html("{}", area.name)
    if (get_language() or "").startswith("cy"):
        return format_html(
            '<span lang="cy">{}</span> / <span lang="en">{}</span>', welsh, area.name
        )
    return format_html('{} / <span lang="cy">{}</span>', area.name, welsh)
