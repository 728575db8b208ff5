from socialvalue import app_config


class PlacesConfig(app_config.SocialValueAppConfig):
    name = "places"
    verbose_name = "Places and areas"
    feeds_cached_pages = True

    def load_demo(self, place=None):
        """The fictional demo borough (`manage.py load_demo`): returns the place."""
        from .demo import load

        return load()
