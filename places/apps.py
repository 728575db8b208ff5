from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = "Places and areas"

    def load_demo(self, place=None):
        """The fictional demo borough (`manage.py load_demo`): returns the place."""
        from .demo import load

        return load()

    def ready(self):
        from socialvalue.datacache import watch_app

        from . import permissions  # noqa: F401 - registers the rules

        watch_app(self)  # the cached pages read every table of places
