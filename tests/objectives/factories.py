import datetime
from decimal import Decimal

import factory

from objectives.models import Framework, Measure, Objective, Outcome, Target, Theme
from tests.people.factories import OrganisationFactory, UserFactory
from tests.places.factories import PlaceFactory


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    place = factory.SubFactory(PlaceFactory)
    name = factory.Sequence(lambda n: f"Framework {n}")
    version = "1"


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    framework = factory.SubFactory(FrameworkFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    theme = factory.SubFactory(ThemeFactory)
    framework = factory.SelfAttribute("theme.framework")
    name = factory.Sequence(lambda n: f"Outcome {n}")
    economic = True


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    outcome = factory.SubFactory(OutcomeFactory)
    framework = factory.SelfAttribute("outcome.framework")
    code = factory.Sequence(lambda n: f"M{n:03d}")
    name = factory.Sequence(lambda n: f"Measure {n}")
    unit = "people"


class ObjectiveFactory(factory.django.DjangoModelFactory):
    """An objective in a place whose framework the outcome belongs to. Areas are added with
    `areas=[...]` (a post-generation hook)."""

    class Meta:
        model = Objective
        skip_postgeneration_save = True

    outcome = factory.SubFactory(OutcomeFactory)
    place = factory.SelfAttribute("outcome.framework.place")
    title = factory.Sequence(lambda n: f"Objective {n}")
    description = "What should change, and why."
    lead_organisation = factory.SubFactory(
        OrganisationFactory, place=factory.SelfAttribute("..place")
    )
    created_by = factory.SubFactory(UserFactory)
    social = True

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create and extracted:
            self.partners.set(extracted)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    objective = factory.SubFactory(ObjectiveFactory)
    measure = factory.SubFactory(
        MeasureFactory,
        outcome=factory.SubFactory(
            OutcomeFactory,
            theme=factory.SubFactory(
                ThemeFactory,
                framework=factory.SubFactory(
                    FrameworkFactory, place=factory.SelfAttribute("....objective.place")
                ),
            ),
        ),
    )
    baseline = Decimal("0")
    baseline_date = datetime.date(2026, 4, 1)
    target_quantity = Decimal("10")
    target_date = datetime.date(2027, 3, 31)
