from django.apps import AppConfig


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = "Outcomes frameworks and objectives"

    def ready(self):
        from . import admin_objectives  # noqa: F401 - registers Objective and Target
