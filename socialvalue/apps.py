from django.apps import AppConfig


class SocialValueConfig(AppConfig):
    name = "socialvalue"
    verbose_name = "Social value"

    def ready(self):
        from django.apps import apps

        from .datacache import watch_writes

        # Caches of computed pages learn of every write (see datacache).
        watch_writes()

        # Every text field of the project's own models refuses invisible control characters
        # (socialvalue.text), whoever writes it: forms, the admin, importers.
        from pathlib import Path

        from django.conf import settings

        from .text import guard_model_text_fields

        guard_model_text_fields(
            config
            for config in apps.get_app_configs()
            if Path(config.path).is_relative_to(settings.BASE_DIR)
            and "site-packages" not in Path(config.path).parts  # not a virtualenv's
        )

        from . import permissions  # noqa: F401 - registers the project's own rules

        # Each app registers its own rules (its `permissions` module) and the tables the
        # cached pages watch (`datacache.watch_app`) in its own `ready()`: this package names
        # no app.
