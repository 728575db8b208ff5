"""Demo organisations and the six demo accounts (password "demo")."""

from django.db import transaction

from places.models import Area, Place

from .models import Membership, Organisation, User

Kind = Organisation.Kind
Role = Membership.Role

ORGANISATIONS = [
    dict(
        slug="wrenford-council",
        name="Wrenford Borough Council (demo)",
        kind=Kind.LOCAL_AUTHORITY,
        description="The fictional borough council.",
    ),
    dict(
        slug="wrenford-health",
        name="Wrenford Health and Care Partnership (demo)",
        kind=Kind.NHS,
        description="A fictional NHS commissioning body serving Wrenford.",
    ),
    dict(
        slug="wrenford-police",
        name="Wrenford and District Police (demo)",
        kind=Kind.POLICE,
        description="A fictional police force.",
    ),
    dict(
        slug="wrenford-fire",
        name="Wrenford Fire and Rescue (demo)",
        kind=Kind.FIRE,
        description="A fictional fire and rescue service.",
    ),
    dict(
        slug="eastgate-community-pantry",
        name="Eastgate Community Pantry (demo)",
        kind=Kind.VCS,
        is_vcse=True,
        description="A fictional volunteer-run food pantry and advice drop-in.",
    ),
    dict(
        slug="brightway-facilities",
        name="Brightway Facilities Ltd (demo)",
        kind=Kind.SUPPLIER,
        size=Organisation.Size.LARGE,
        description="A fictional facilities management supplier.",
    ),
]

VCS_NEIGHBOURHOODS = ["Eastgate Centre", "Railway Triangle"]

ACCOUNTS = [
    # email, full name, [(organisation slug, role, job title)]
    (
        "officer@demo.test",
        "Olivia Officer",
        [
            ("wrenford-council", Role.OFFICER, "Procurement officer"),
            ("wrenford-council", Role.ORG_ADMIN, ""),
        ],
    ),
    (
        "leader@demo.test",
        "Cllr Leonard Leader",
        [("wrenford-council", Role.LEADER, "Cabinet member for communities")],
    ),
    (
        "nhs@demo.test",
        "Nadia Commissioner",
        [
            ("wrenford-health", Role.OFFICER, "Commissioning manager"),
            ("wrenford-health", Role.ORG_ADMIN, ""),
        ],
    ),
    (
        "vcs@demo.test",
        "Vic Volunteer",
        [
            ("eastgate-community-pantry", Role.MEMBER, "Volunteer coordinator"),
            ("eastgate-community-pantry", Role.ORG_ADMIN, ""),
        ],
    ),
    (
        "supplier@demo.test",
        "Sam Supplier",
        [
            ("brightway-facilities", Role.SUPPLIER_CONTACT, "Social value manager"),
            ("brightway-facilities", Role.ORG_ADMIN, ""),
        ],
    ),
]
PASSWORD = "demo"


@transaction.atomic
def load(place: Place, stdout=None) -> None:
    organisations = {}
    for fields in ORGANISATIONS:
        fields = dict(fields)
        org = Organisation.objects.filter(slug=fields["slug"]).first()
        if org is None:
            org = Organisation(**fields)
            if org.kind in Organisation.PUBLIC_BODY_KINDS:
                org.place = place
            org.full_clean()
            org.save()
        organisations[org.slug] = org
    pantry = organisations["eastgate-community-pantry"]
    wanted = set(
        Area.objects.filter(
            place=place, kind=Area.Kind.NEIGHBOURHOOD, name__in=VCS_NEIGHBOURHOODS
        ).values_list("pk", flat=True)
    )
    if set(pantry.areas.values_list("pk", flat=True)) != wanted:
        pantry.areas.set(wanted)

    for email, full_name, roles in ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=full_name)
            user.set_password(PASSWORD)
            user.save()
        for slug, role, job_title in roles:
            if (
                not Membership.objects.current()
                .filter(user=user, organisation=organisations[slug], role=role)
                .exists()
            ):
                Membership.objects.create(
                    user=user, organisation=organisations[slug], role=role, job_title=job_title
                )
    if not User.objects.filter(email="admin@demo.test").exists():
        User.objects.create_superuser("admin@demo.test", PASSWORD, full_name="Ada Admin")
