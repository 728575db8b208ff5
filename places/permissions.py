"""Who may do what with places and areas.

Places sit below people (an organisation belongs to a place), so the rule that asks who
serves a place, `places.manage_areas`, is registered by `people.permissions`, which knows the
roles.
"""

from socialvalue.rules import rule


@rule("places.view_place")
def can_view_place(user, place) -> bool:
    return True


@rule("places.view_area")
def can_view_area(user, area) -> bool:
    return True
