import factory

from places import services
from places.models import Area, Place


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.Sequence(lambda n: f"place-{n}")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    place = factory.SubFactory(PlaceFactory)
    kind = Area.Kind.WARD
    name = factory.Sequence(lambda n: f"Area {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Through the service, as the app writes an area, so its path is set."""
        return services.area_save(model_class(*args, **kwargs))
