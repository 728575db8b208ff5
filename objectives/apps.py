from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = "Outcomes frameworks and objectives"

    def ready(self):
        from . import admin_objectives  # noqa: F401 - registers Objective and Target
        from .register_cache import install_after_migrate

        # The register's cache stamp and its triggers, remade after every migrate.
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="register_stamp")
