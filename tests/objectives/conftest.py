import datetime
from decimal import Decimal

import pytest

from people.models import Membership, Organisation
from tests.objectives.factories import (
    FrameworkFactory,
    MeasureFactory,
    ObjectiveFactory,
    OutcomeFactory,
    TargetFactory,
)
from tests.people.factories import OrganisationFactory
from tests.places.factories import AreaFactory, PlaceFactory


@pytest.fixture
def framework(place):
    return FrameworkFactory(place=place, name="Local outcomes")


@pytest.fixture
def outcome(framework):
    return OutcomeFactory(theme__framework=framework, framework=framework, name="Good jobs")


@pytest.fixture
def measure(outcome):
    return MeasureFactory(
        outcome=outcome,
        framework=outcome.framework,
        code="J1",
        name="Local people employed",
        unit="FTE",
    )


@pytest.fixture
def ward(place):
    return AreaFactory(place=place, kind="ward", name="Castle Hill")


@pytest.fixture
def neighbourhoods(ward):
    return [
        AreaFactory(place=ward.place, kind="neighbourhood", name=name, parent=ward)
        for name in ("Keep Lane", "Castle Hill North")
    ]


@pytest.fixture
def nhs_body(place):
    return OrganisationFactory(name="Testborough NHS", kind=Organisation.Kind.NHS, place=place)


@pytest.fixture
def vcs_group(place):
    return OrganisationFactory(name="Testborough Pantry", kind=Organisation.Kind.VCS, place=None)


@pytest.fixture
def supplier_org():
    return OrganisationFactory(name="Acme Ltd", kind=Organisation.Kind.SUPPLIER, place=None)


@pytest.fixture
def other_place_council():
    other = PlaceFactory(name="Elsewhere", slug="elsewhere")
    return OrganisationFactory(name="Elsewhere Council", kind="local_authority", place=other)


@pytest.fixture
def people(council, nhs_body, vcs_group, supplier_org, other_place_council, make_member):
    """A user for each row of the permission matrix."""
    Role = Membership.Role
    return {
        "vcs_member": make_member(vcs_group, Role.MEMBER),
        "supplier": make_member(supplier_org, Role.SUPPLIER_CONTACT),
        "lead_officer": make_member(council, Role.OFFICER),
        "lead_leader": make_member(council, Role.LEADER),
        "partner_officer": make_member(nhs_body, Role.OFFICER),
        "other_officer": make_member(other_place_council, Role.OFFICER),
    }


@pytest.fixture
def make_objective(council, outcome, ward):
    def make(status="active", **kwargs):
        kwargs.setdefault("areas", [ward])
        chosen = kwargs.setdefault("outcome", outcome)
        objective = ObjectiveFactory(
            place=chosen.framework.place, lead_organisation=council, **kwargs
        )
        if status != "draft":
            TargetFactory(
                objective=objective,
                measure=MeasureFactory(outcome=chosen, framework=chosen.framework),
            )
            type(objective).objects.filter(pk=objective.pk).update(status=status)
            objective.refresh_from_db()
        return objective

    return make


@pytest.fixture
def target_values():
    return {
        "baseline": Decimal("0"),
        "baseline_date": datetime.date(2026, 4, 1),
        "target_quantity": Decimal("12"),
        "target_date": datetime.date(2027, 3, 31),
    }
