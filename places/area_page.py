"""The parts of an area's page (`/areas/<id>/`) that other apps provide.

Places never imports the apps built on it, so each registers, in its `AppConfig.ready()`, a
function that adds what it knows about an area to the page's context:

    from places.area_page import register_area_section

    register_area_section("delivery", area_delivery)  # (request, area, needs) -> dict

Each function receives the request (so it applies its own visibility rules for the user), the
area and the place's need figures (`selectors.need_by_area`), and returns context entries.
Anonymous visitors see the page: every section must show them public records only.
"""

from __future__ import annotations

from collections.abc import Callable

Section = Callable[..., dict]

_SECTIONS: dict[str, Section] = {}


def register_area_section(name: str, section: Section) -> None:
    _SECTIONS[name] = section


def area_sections(request, area, needs) -> dict:
    context: dict = {}
    for section in _SECTIONS.values():
        context.update(section(request, area, needs))
    return context
