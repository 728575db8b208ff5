import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from needs import services
from needs.models import Need
from people.models import Membership
from tests.contracts.conftest import _private_media, world  # noqa: F401
from tests.contracts.factories import CommunityGroupFactory

Role = Membership.Role


@pytest.fixture
def board(world, make_member):  # noqa: F811
    """The contracts world, plus a second group, a member of both sides (for "a supplier
    cannot confirm its own delivery"), and helpers that post needs and pledges."""
    other_group = CommunityGroupFactory(name="Keep Lane Youth Club", areas=[world.ward])
    other_member = make_member(other_group, Role.MEMBER, full_name="Olly Other")
    both = make_member(world.group, Role.MEMBER, full_name="Bea Both")
    Membership.objects.create(user=both, organisation=world.supplier, role=Role.SUPPLIER_CONTACT)
    soon = timezone.localdate() + datetime.timedelta(days=30)

    def need(status=Need.Status.OPEN, quantity=Decimal("10"), with_measure=True, **over):
        fields = dict(
            group=world.group,
            place=world.place,
            by=world.vcs_member,
            title="Volunteers for the pantry",
            why="More people come each week",
            kind=Need.Kind.VOLUNTEERING,
            areas=[world.neighbourhood],
            needed_by=soon,
            measure=world.measure if with_measure else None,
            quantity=quantity if with_measure else None,
            publish=status != Need.Status.DRAFT,
        )
        fields.update(over)
        made = services.need_create(**fields)
        return made

    def pledge(need, quantity=Decimal("4"), linked=True, **over):
        fields = dict(
            need=need,
            organisation=world.supplier,
            by=world.supplier_contact,
            offer="Four apprentices for a day",
            by_date=soon,
            quantity=quantity if need.measure_id else None,
            commitment=world.commitment if linked else None,
            attested=linked,
        )
        fields.update(over)
        return services.pledge_make(**fields)

    return SimpleNamespace(
        **vars(world),
        other_group=other_group,
        other_member=other_member,
        both=both,
        soon=soon,
        need=need,
        pledge=pledge,
    )
