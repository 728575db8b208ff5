import factory
from django.utils.text import slugify
from faker import Faker

from people.models import Membership, Organisation, User
from tests.places.factories import PlaceFactory

NAMES = Faker("en_GB")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    # Every third person's name has an apostrophe and an accent, as real names do: a page
    # shows a name escaped (O&#x27;Neill), so a test that looks for a name in a page must look
    # for it as the page writes it. Left to chance, one run in a few hundred failed so.
    full_name = factory.Sequence(lambda n: "Siân O'Neill" if n % 3 == 0 else NAMES.name())
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
