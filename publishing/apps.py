from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = "Published open-data files"

    # What `manage.py bench` (dashboards) measures of this app, without importing it.
    def bench_build(self, place) -> dict:
        from .bench import bench_open_data_build

        return bench_open_data_build(place)

    def bench_pages(self, place) -> list:
        from .bench import bench_pages

        return bench_pages(place)
