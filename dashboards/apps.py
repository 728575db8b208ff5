from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dashboards and open data"

    def ready(self):
        from places.area_page import register_area_section

        from . import permissions  # noqa: F401  (registers the rules)
        from .neighbourhood import area_delivery

        register_area_section("delivery", area_delivery)
