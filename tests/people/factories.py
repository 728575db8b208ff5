import factory
from django.utils.text import slugify

from people.models import Membership, Organisation, User
from tests.places.factories import PlaceFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password("correct horse battery staple")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name)[:80])
    kind = Organisation.Kind.LOCAL_AUTHORITY
    place = factory.Maybe(
        factory.LazyAttribute(lambda o: o.kind in Organisation.PUBLIC_BODY_KINDS),
        yes_declaration=factory.SubFactory(PlaceFactory),
        no_declaration=None,
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.OFFICER
