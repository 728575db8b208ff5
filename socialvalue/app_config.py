"""The base of every project app's `AppConfig`: what an app says about itself, registered by
the app, so the project package names no app.

- `feeds_cached_pages`: True when the cached pages (dashboard figures, the public register)
  read every table of the app, so a write to any of them replaces the data token
  (`socialvalue.datacache.watch_app`). An app whose pages read only some models calls
  `watch_models(...)` in its own `ready()` instead.
- The app's `permissions` module, when it has one, is imported in `ready()`: its rules are in
  the registry before the first request.
- `load_demo(place)`: the app's part of `manage.py load_demo`, its `demo.load(place)` when it
  has a demo module. The command calls the apps in INSTALLED_APPS order.

Subclass it as `app_config.SocialValueAppConfig` (import the module, not the class): Django
picks an app's config from the AppConfig subclasses its `apps.py` names, and two would be one
too many.

An app's own registrations (search sources, home sections, area references...) go in
`ready()`, after `super().ready()`.
"""

from importlib import import_module

from django.apps import AppConfig
from django.utils.module_loading import module_has_submodule


class SocialValueAppConfig(AppConfig):
    feeds_cached_pages = False

    def ready(self):
        if module_has_submodule(self.module, "permissions"):
            import_module(f"{self.name}.permissions")  # registers the rules
        if self.feeds_cached_pages:
            from .datacache import watch_app

            watch_app(self)

    def load_demo(self, place):
        if module_has_submodule(self.module, "demo"):
            import_module(f"{self.name}.demo").load(place)
        return place
