"""Demo needs for Wrenford: needs in every state, pledges accepted, declined and received,
and one received pledge counted in the verified return of Brightway's pantry volunteering
commitment. Everything goes through the services, as a person would do it. Idempotent."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from contracts import services as contract_services
from contracts.models import Commitment
from contracts.querysets import OPEN_STAGES
from objectives.models import Measure
from people.models import Organisation, User
from places.models import Area, Place

from . import services
from .models import Need, Pledge

Status = Need.Status


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@transaction.atomic
def load(place: Place) -> None:
    """Load the demo needs board (`manage.py load_demo`), once per place. Long because
    it is a script of fictional data, read top to bottom, not logic."""
    if Need.objects.filter(place=place).exists():
        return
    vcs = User.objects.get(email="vcs@demo.test")
    supplier_user = User.objects.get(email="supplier@demo.test")
    officer = User.objects.get(email="officer@demo.test")
    pantry = Organisation.objects.get(slug="eastgate-community-pantry")
    brightway = Organisation.objects.get(slug="brightway-facilities")
    areas = {a.name: a for a in Area.objects.filter(place=place)}
    hours = Measure.objects.filter(framework__place=place, code="WR6").first()
    commitment = (
        Commitment.objects.open_for_returns()
        .filter(
            delivered_by=brightway,
            measure=hours,
            area__name="Eastgate Centre",
            contract__stage__in=OPEN_STAGES,
        )
        .order_by("pk")
        .first()
    )
    eastgate, railway = areas["Eastgate Centre"], areas["Railway Triangle"]

    def need(title, why, kind, where, status=Status.OPEN, quantity=None, by_days=60, ago=0):
        made = services.need_create(
            group=pantry,
            place=place,
            by=vcs,
            title=title,
            why=why,
            kind=kind,
            areas=where,
            needed_by=_days(by_days),
            measure=hours if quantity else None,
            quantity=Decimal(quantity) if quantity else None,
            publish=status != Status.DRAFT,
        )
        if ago and made.opened_at:
            # Seeding history: the demo's needs were published weeks ago, so the council's
            # page shows how long they have waited (the services never back-date).
            opened = made.opened_at - datetime.timedelta(days=ago)
            Need.objects.filter(pk=made.pk).update(opened_at=opened, created_at=opened)
            made.refresh_from_db()
        return made

    def pledge(target, offer, quantity=None, linked=False):
        return services.pledge_make(
            need=target,
            organisation=brightway,
            by=supplier_user,
            offer=offer,
            by_date=_days(20),
            quantity=Decimal(quantity) if quantity else None,
            commitment=commitment if linked and commitment else None,
            attested=linked,
        )

    def received(p, quantity=None, note="Arrived as promised", on=None):
        services.pledge_accept(pledge=p, by=vcs)
        if on is not None:
            # Seeding history: pledged and accepted before it was received (the services
            # never back-date).
            made = timezone.make_aware(datetime.datetime.combine(on, datetime.time(9)))
            Pledge.objects.filter(pk=p.pk).update(
                made_at=made - datetime.timedelta(days=25),
                decided_at=made - datetime.timedelta(days=24),
            )
            p.refresh_from_db()
        return services.pledge_confirm_receipt(
            pledge=p,
            by=vcs,
            received_on=on or timezone.localdate(),
            quantity=Decimal(quantity) if quantity else None,
            note=note,
        )

    # Open, with a pledge waiting for the group and a message about it.
    sorting = need(
        "Volunteers to sort the Saturday food donations",
        "Donations have doubled since the winter and six volunteers cannot sort them all.",
        Need.Kind.VOLUNTEERING,
        [eastgate],
        quantity="120",
        by_days=45,
        ago=24,
    )
    waiting = pledge(sorting, "A team of four staff on two Saturdays a month.", "32", True)
    services.pledge_message(
        pledge=waiting, by=supplier_user, body="Which Saturdays suit you best in the new year?"
    )
    # Partly met: a linked pledge received, counted in the commitment's return, verified.
    canal = need(
        "40 volunteer hours to clear the canal path",
        "The path to the pantry floods and older visitors cannot reach us safely.",
        Need.Kind.VOLUNTEERING,
        [eastgate, railway],
        quantity="40",
        by_days=30,
        ago=130,
    )
    # Received on the last day of the commitment's latest ended quarter, which has no return
    # yet (contracts.demo): it starts that return, and the officer can verify it, the period
    # having ended (nothing is verified in a period that has not ended).
    last_ended = (
        commitment.contract.periods.filter(end__lt=timezone.localdate()).order_by("-end").first()
        if commitment
        else None
    )
    counted = received(
        pledge(canal, "Eight staff for a morning, with tools.", "24", True),
        "24",
        "Eight Brightway staff cleared half of the path on a Tuesday morning.",
        on=last_ended.end if last_ended else None,
    )
    if counted.delivery_return is not None:
        contract_services.return_verify(delivery_return=counted.delivery_return, by=officer)
    # Met: goods given as community support (not under a contract).
    freezer = need(
        "A chest freezer for donated meat",
        "We turn away frozen donations every week because we have nowhere to keep them.",
        Need.Kind.GOODS,
        [eastgate],
    )
    received(pledge(freezer, "A 300 litre chest freezer from our depot refit."))
    services.need_transition(need=freezer, by=vcs, to=Status.MET)
    # Closed after being met.
    mentors = need(
        "Mentors for our volunteer coordinators",
        "Two new coordinators would value an hour a month with an experienced manager.",
        Need.Kind.SKILLS,
        [railway],
    )
    received(pledge(mentors, "Two operations managers for an hour a month."))
    services.need_transition(need=mentors, by=vcs, to=Status.MET)
    services.need_transition(need=mentors, by=vcs, to=Status.CLOSED, note="Thank you all")
    # Open, with a declined pledge.
    room = need(
        "A room for the Thursday advice drop-in",
        "The library room we used is closing for repairs until the summer.",
        Need.Kind.PREMISES,
        [eastgate],
        by_days=14,
        ago=9,
    )
    declined = pledge(room, "Our meeting room at the depot on Thursday mornings.")
    services.pledge_decline(
        pledge=declined,
        by=vcs,
        reason="The depot is too far for our visitors to walk to. Thank you for offering.",
    )
    # Money, open; a withdrawn need; a draft.
    need(
        "£500 towards a new delivery trolley",
        "Volunteers carry heavy crates up the stairs to the hall.",
        Need.Kind.MONEY,
        [railway],
        by_days=90,
        ago=71,
    )
    gone = need(
        "Christmas hamper boxes",
        "For the December hamper appeal.",
        Need.Kind.GOODS,
        [eastgate],
    )
    services.need_transition(
        need=gone, by=vcs, to=Status.WITHDRAWN, note="A local shop gave them already"
    )
    need(
        "Help with a funding bid",
        "A draft: we are still deciding what to ask for.",
        Need.Kind.SKILLS,
        [eastgate],
        status=Status.DRAFT,
    )
