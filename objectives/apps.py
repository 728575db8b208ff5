from django.apps import AppConfig


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = "Outcomes frameworks and objectives"

    def load_demo(self, place):
        """The objectives of the demo borough (`manage.py load_demo`)."""
        from .demo import load

        load(place)

    def ready(self):
        from socialvalue.datacache import watch_app

        from . import permissions  # noqa: F401 - registers the rules

        watch_app(self)  # the cached pages read every table of objectives

        # A boundary review carries objectives from retired wards (places must not import us).
        from places.carry import register_area_references

        from . import admin_objectives  # noqa: F401 - registers Objective and Target
        from .area_carry import carry_objective_areas

        register_area_references("objectives", carry_objective_areas)

        from socialvalue.search import Source, register_search_source

        from .models import Objective

        register_search_source(
            Source(
                name="objectives",
                label="Objectives",
                visible_to=lambda user: Objective.objects.visible_to(user),
                fields=("title", "description"),
                summary="description",
            )
        )
