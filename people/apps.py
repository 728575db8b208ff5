from socialvalue import app_config


class PeopleConfig(app_config.SocialValueAppConfig):
    name = "people"
    verbose_name = "People and organisations"

    def ready(self):
        super().ready()  # the rules

        from socialvalue.datacache import watch_models

        from .models import Organisation

        watch_models(Organisation)  # the cached pages name organisations

        from socialvalue.attention import register_home_section

        from .home import organisations_section

        register_home_section(organisations_section)

        # A boundary review carries the areas groups work in from retired wards.
        from places.carry import register_area_references

        from .area_carry import carry_organisation_areas

        register_area_references("organisations", carry_organisation_areas)
