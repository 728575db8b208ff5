import datetime

import factory
from django.utils import timezone

from consultations.models import Consultation, Proposal
from tests.people.factories import OrganisationFactory, UserFactory
from tests.places.factories import PlaceFactory


class ProposalFactory(factory.django.DjangoModelFactory):
    """A proposal; `status` other than draft also sets `submitted_at`. Areas with `areas=[...]`."""

    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    place = factory.SubFactory(PlaceFactory)
    organisation = factory.SubFactory(OrganisationFactory, kind="vcs", place=None)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    problem = "Nowhere warm to go in winter."
    affected = "Older residents."
    change = "Warm spaces every weekday."
    created_by = factory.SubFactory(UserFactory)
    submitted_at = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status != "draft"),
        yes_declaration=factory.LazyFunction(timezone.now),
        no_declaration=None,
    )
    status = "draft"

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation
        skip_postgeneration_save = True

    owner = factory.SubFactory(OrganisationFactory, kind="local_authority")
    place = factory.SelfAttribute("owner.place")
    title = factory.Sequence(lambda n: f"Consultation {n}")
    purpose = "What should the new contract do for the area?"
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=20))
    published_at = factory.LazyFunction(timezone.now)
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)
