from django.apps import AppConfig


class SocialValueConfig(AppConfig):
    name = "socialvalue"
    verbose_name = "Social value"

    def ready(self):
        from .datacache import watch_writes

        # Caches of computed pages learn of every write (see datacache).
        watch_writes()

        # Register every app's rules, so the rules backend knows them before the first request.
        from importlib import import_module

        from django.apps import apps

        for config in apps.get_app_configs():
            if config.name in {"people", "places", "objectives", "contracts", "consultations"}:
                import_module(f"{config.name}.permissions")
