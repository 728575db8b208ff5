"""Demo community voice for Wrenford: proposals from Eastgate Community Pantry in every state,
with supports, questions and answers; one open consultation and one closed one with responses
and a published summary. Written through the services, so the demo has the same history and
events as real use. Idempotent (keyed on titles); run after `objectives.demo.load(place)`."""

import datetime

from django.db import transaction
from django.utils import timezone

from objectives.models import Objective, Outcome
from people.models import Organisation, User
from places.models import Area, Place

from . import services
from .models import Consultation, Proposal, Question, RespondentType

S = Proposal.Status

# (title, areas, outcome, final status, problem, change)
PROPOSALS = [
    (
        "Cooking on a budget classes at the pantry",
        ["Eastgate Centre"],
        "Better health and wellbeing",
        S.DRAFT,
        "Many pantry visitors tell us they do not know how to cook cheap, healthy meals with "
        "what we hand out.",
        "Weekly cooking classes in the church hall, run by local cooks.",
    ),
    (
        "Free period products in Railway Triangle",
        ["Railway Triangle"],
        "Better health and wellbeing",
        S.SUBMITTED,
        "Girls in Railway Triangle miss school because their families cannot afford period "
        "products.",
        "Free period products in schools, libraries and the pantry, paid for through contracts.",
    ),
    (
        "Warm hubs in Station Quarter",
        ["Station Quarter"],
        "Better health and wellbeing",
        S.UNDER_REVIEW,
        "Older residents sit in the cold because heating costs too much.",
        "Open warm, friendly spaces every weekday from November to March.",
    ),
    (
        "Volunteer drivers for pantry deliveries",
        ["Eastgate Centre", "Railway Triangle"],
        "Stronger voluntary and community groups",
        S.ACCEPTED,
        "Housebound people cannot reach the pantry, and we have no drivers.",
        "Suppliers' staff volunteer as drivers for weekly deliveries.",
    ),
    (
        "Paid first jobs for young people leaving care",
        ["Eastgate Centre"],
        "More local people in good work",
        S.ACCEPTED,
        "Young people leaving care in Eastgate struggle to find a first job.",
        "Council contractors offer paid six-month placements to care leavers.",
    ),
    (
        "Delivery drivers for older people",
        ["Eastgate Centre"],
        "Stronger voluntary and community groups",
        S.MERGED,
        "Older people who cannot travel miss out on food parcels.",
        "Drivers to bring parcels to people's homes.",
    ),
    (
        "A new community centre on Station Road",
        ["Station Quarter"],
        "Stronger voluntary and community groups",
        S.DECLINED,
        "There is nowhere for groups to meet in Station Quarter.",
        "Build a new community centre.",
    ),
    (
        "Bike repair cafe",
        ["Railway Triangle"],
        "Cutting carbon emissions",
        S.WITHDRAWN,
        "Broken bikes are thrown away instead of fixed.",
        "A monthly repair cafe where volunteers fix bikes.",
    ),
]


def _proposals(place: Place, vcs: User, officer: User, pantry: Organisation) -> dict:
    """The demo proposals, each taken through the services to its final state. Long
    because it is a script of fictional data, read top to bottom, not logic."""
    areas = {a.name: a for a in Area.objects.filter(place=place)}
    made = {}
    for title, area_names, outcome_name, final, problem, change in PROPOSALS:
        existing = Proposal.objects.filter(place=place, title=title).first()
        if existing:
            made[title] = existing
            continue
        outcome = Outcome.objects.filter(framework__place=place, name=outcome_name).first()
        proposal = services.proposal_create(
            by=vcs,
            organisation=pantry,
            place=place,
            title=title,
            problem=problem,
            affected="Residents of " + ", ".join(area_names) + ".",
            change=change,
            measurement="We could count how many people take part each month.",
            evidence="What our volunteers hear every week at the pantry.",
            suggested_outcome=outcome,
            areas=[areas[n] for n in area_names],
            links=[("Eastgate ward profile (demo)", "https://example.org/eastgate-profile")],
            submit=final != S.DRAFT,
        )
        made[title] = proposal
        if final in (S.DRAFT, S.SUBMITTED):
            continue
        if final == S.WITHDRAWN:
            services.proposal_transition(
                proposal=proposal,
                to=S.WITHDRAWN,
                by=vcs,
                reason="Another group has started a repair cafe, so we are helping them instead.",
            )
            continue
        services.proposal_transition(
            proposal=proposal,
            to=S.UNDER_REVIEW,
            by=officer,
            reason="Thank you. We are looking at this with our commissioning team.",
            note="Check against the 2026 food strategy before deciding.",
        )
        if final == S.DECLINED:
            services.proposal_transition(
                proposal=proposal,
                to=S.DECLINED,
                by=officer,
                reason="A new building is not something a contract can deliver. Could the "
                "proposal ask for meeting space in existing buildings instead?",
            )
        elif final == S.MERGED:
            services.proposal_transition(
                proposal=proposal,
                to=S.MERGED,
                by=officer,
                reason="This asks for the same as ‘Volunteer drivers for pantry deliveries’.",
                merged_into=made["Volunteer drivers for pantry deliveries"],
            )
        elif title == "Volunteer drivers for pantry deliveries":
            services.proposal_accept_into_objective(
                proposal=proposal,
                by=officer,
                objective=Objective.objects.get(
                    place=place, title="Food pantry volunteering support"
                ),
            )
        elif final == S.ACCEPTED:
            services.proposal_accept_as_new_objective(
                proposal=proposal,
                by=officer,
                title="Paid placements for care leavers in Eastgate",
                description=change,
                outcome=outcome,
                dimensions=outcome.dimensions,
                areas=list(proposal.areas.all()),
                lead_organisation=Organisation.objects.get(slug="wrenford-council"),
                partners=[pantry],
                evidence_of_need=problem,
            )
    return made


def _conversation(made: dict, officer: User, leader: User, supplier: User) -> None:
    warm = made["Warm hubs in Station Quarter"]
    if warm.comments.exists():
        return
    for user, org_slug in ((leader, "wrenford-council"), (supplier, "brightway-facilities")):
        services.support_add(
            proposal=warm, by=user, organisation=Organisation.objects.get(slug=org_slug)
        )
    question = services.comment_add(
        proposal=warm,
        by=supplier,
        body="Which buildings could host the warm hubs? We maintain several in the area.",
    )
    services.comment_add(
        proposal=warm,
        by=User.objects.get(email="vcs@demo.test"),
        body="The library and St Mark's hall have both offered space.",
        reply_to=question,
    )
    rude = services.comment_add(
        proposal=made["Free period products in Railway Triangle"],
        by=supplier,
        body="This is a waste of money and the people asking for it should be ashamed.",
    )
    services.comment_hide(
        comment=rude,
        by=officer,
        reason="It was disrespectful to the people the proposal is about.",
    )


def _consultation(
    *, place, officer, title, purpose, area_names, questions, opens, closes, anonymous, **extra
) -> tuple[Consultation, bool]:
    existing = Consultation.objects.filter(place=place, title=title).first()
    if existing:
        return existing, False
    areas = list(Area.objects.filter(place=place, name__in=area_names))
    consultation = services.consultation_create(
        by=officer,
        owner=Organisation.objects.get(slug="wrenford-council"),
        title=title,
        purpose=purpose,
        areas=areas,
        opens_on=opens,
        closes_on=closes,
        allow_anonymous=anonymous,
        **extra,
    )
    for text, kind, options in questions:
        services.question_add(
            consultation=consultation, by=officer, text=text, kind=kind, options=options
        )
    services.consultation_publish(consultation=consultation, by=officer)
    return consultation, True


def _respond(consultation, *, by, kind, area, picks: dict) -> None:
    answers = {}
    for question in consultation.questions.prefetch_related("options"):
        choice = picks.get(question.position)
        if question.kind == Question.Kind.FREE_TEXT:
            answers[question.pk] = choice or ""
        elif choice is not None:
            labels = choice if isinstance(choice, list) else [choice]
            answers[question.pk] = [o.pk for o in question.options.all() if o.label in labels]
    services.response_save(
        consultation=consultation, by=by, respondent_type=kind, area=area, answers=answers
    )


@transaction.atomic
def load(place: Place) -> None:
    """Load the demo community voice (`manage.py load_demo`). Long because it is a
    script of fictional data, read top to bottom, not logic."""
    vcs = User.objects.get(email="vcs@demo.test")
    officer = User.objects.get(email="officer@demo.test")
    leader = User.objects.get(email="leader@demo.test")
    nhs = User.objects.get(email="nhs@demo.test")
    supplier = User.objects.get(email="supplier@demo.test")
    pantry = Organisation.objects.get(slug="eastgate-community-pantry")
    made = _proposals(place, vcs, officer, pantry)
    _conversation(made, officer, leader, supplier)

    today = timezone.localdate()
    areas = {a.name: a for a in Area.objects.filter(place=place)}
    transport, _ = _consultation(
        place=place,
        officer=officer,
        title="Social value in the new community transport contract",
        purpose=(
            "The council will soon buy a community transport service. Before we start, tell us "
            "what social value it should bring to your neighbourhood (section 1(7) of the "
            "Social Value Act)."
        ),
        area_names=["Eastgate", "Harbour", "Kingsmead"],
        questions=[
            (
                "The new contract should employ local drivers",
                Question.Kind.AGREEMENT,
                (),
            ),
            (
                "Which of these matter most to you?",
                Question.Kind.MULTIPLE,
                ["Local jobs", "Cleaner vehicles", "Help for older people", "Support for groups"],
            ),
            ("Anything else you want us to know?", Question.Kind.FREE_TEXT, ()),
        ],
        opens=today - datetime.timedelta(days=7),
        closes=today + datetime.timedelta(days=21),
        anonymous=True,
        planned_contract_reference="WBC-2026-014",
        planned_contract_title="Community transport service 2026 to 2030",
    )
    if not transport.responses.exists():
        _respond(
            transport,
            by=vcs,
            kind=RespondentType.VCS,
            area=areas["Eastgate Centre"],
            picks={1: "Strongly agree", 2: ["Local jobs", "Help for older people"]},
        )
        _respond(
            transport,
            by=None,
            kind=RespondentType.RESIDENT,
            area=areas["Harbour Front"],
            picks={1: "Agree", 2: ["Cleaner vehicles"], 3: "More buses on Sundays, please."},
        )

    eastgate, created = _consultation(
        place=place,
        officer=officer,
        title="Priorities for Eastgate",
        purpose="What should the council and its partners ask suppliers to do for Eastgate?",
        area_names=["Eastgate"],
        questions=[
            (
                "What should come first?",
                Question.Kind.SINGLE,
                ["Jobs for young people", "Food and warmth", "Safer streets"],
            ),
            ("Why?", Question.Kind.FREE_TEXT, ()),
        ],
        opens=today - datetime.timedelta(days=60),
        closes=today,
        anonymous=True,
    )
    if created:
        responses = [
            (vcs, RespondentType.VCS, "Eastgate Centre", "Food and warmth"),
            (nhs, RespondentType.PUBLIC_BODY, "Station Quarter", "Food and warmth"),
            (supplier, RespondentType.PROVIDER, "Railway Triangle", "Jobs for young people"),
            (None, RespondentType.RESIDENT, "Eastgate Centre", "Jobs for young people"),
            (None, RespondentType.RESIDENT, "Railway Triangle", "Food and warmth"),
            (None, RespondentType.SERVICE_USER, "Station Quarter", "Safer streets"),
            (leader, RespondentType.STAFF, "Eastgate Centre", "Jobs for young people"),
        ]
        for by, kind, area, pick in responses:
            _respond(
                eastgate,
                by=by,
                kind=kind,
                area=areas[area],
                picks={1: pick, 2: "Because it matters most to the people I know."},
            )
        # Shape the demo: this consultation ran from 60 to 30 days ago.
        Consultation.objects.filter(pk=eastgate.pk).update(
            closes_on=today - datetime.timedelta(days=30)
        )
        eastgate.refresh_from_db()
        services.summary_update(
            consultation=eastgate,
            by=officer,
            summary_intro=(
                "Seven people and groups responded. Food and warmth, and jobs for young people, "
                "came out on top; people told us both matter most in winter."
            ),
        )
        services.summary_entry_add(
            consultation=eastgate,
            by=officer,
            you_said="Young people leaving care need a first paid job.",
            we_did="We adopted the pantry's proposal as an objective for paid placements.",
            objective=Objective.objects.filter(
                place=place, title="Paid placements for care leavers in Eastgate"
            ).first(),
            proposal=made["Paid first jobs for young people leaving care"],
        )
        services.summary_entry_add(
            consultation=eastgate,
            by=officer,
            you_said="Older people cannot get to the pantry.",
            we_did="Volunteer drivers are now part of the pantry volunteering objective.",
            objective=Objective.objects.get(place=place, title="Food pantry volunteering support"),
            proposal=made["Volunteer drivers for pantry deliveries"],
        )
        services.summary_publish(consultation=eastgate, by=officer)
