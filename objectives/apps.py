from socialvalue import app_config


class ObjectivesConfig(app_config.SocialValueAppConfig):
    name = "objectives"
    verbose_name = "Outcomes frameworks and objectives"
    feeds_cached_pages = True

    def ready(self):
        super().ready()  # the rules; every table feeds the cached pages

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
