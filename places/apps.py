from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = "Places and areas"

    def ready(self):
        from socialvalue.datacache import watch_app

        from . import permissions  # noqa: F401 - registers the rules

        watch_app(self)  # the cached pages read every table of places
