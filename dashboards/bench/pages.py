"""What the benchmark measures: the users it signs in as and the pages, this app's and those
the apps above it add through their AppConfig (`bench_pages`, `bench_build`)."""

from django.apps import apps
from django.core.management.base import CommandError
from django.urls import reverse

from consultations.models import Consultation
from contracts.models import Contract
from objectives.models import Objective
from people.models import Membership, User
from places.models import Place


def _app_hooks(name: str) -> list:
    """The apps above this one add to the benchmark through their AppConfig (`bench_build`,
    `bench_pages`): this app does not import them."""
    return [getattr(c, name) for c in apps.get_app_configs() if hasattr(c, name)]


def _is_export(name: str) -> bool:
    return "CSV" in name or "OCDS" in name or "PDF" in name


def place_to_measure(slug: str | None) -> Place:
    """The place named, or the one with most contracts: what both benchmark commands measure."""
    place = (
        Place.objects.filter(slug=slug).first()
        if slug
        else max(Place.objects.all(), key=lambda p: p.contracts.count(), default=None)
    )
    if place is None:
        raise CommandError("No such place: load data first (make run, or manage.py seed_scale)")
    return place


def sign_in_users(place):
    def first(role, **extra):
        return (
            User.objects.filter(memberships__ended_at__isnull=True, memberships__role=role, **extra)
            .order_by("pk")
            .first()
        )

    leader = first(Membership.Role.LEADER, memberships__organisation__place=place)
    officer = first(Membership.Role.OFFICER, memberships__organisation__place=place)
    vcs = first(Membership.Role.MEMBER)
    supplier = first(Membership.Role.SUPPLIER_CONTACT)
    if leader is None or officer is None:
        raise CommandError(f"{place} has no leader or officer to sign in as")
    return {
        "leader": leader,
        "officer": officer,
        "vcs": vcs or officer,
        "supplier": supplier or officer,
        "anonymous": None,
    }


def pages_to_measure(place, users):
    """(name, user, url) of each page the benchmark measures. Long because it is the list of
    pages, with the few objects their addresses need; a list reads best whole."""
    objective = Objective.objects.filter(place=place, status="active").order_by("pk").first()
    contract = (
        Contract.objects.filter(
            place=place, stage="in_delivery", buyer__memberships__user=users["officer"]
        )
        .order_by("pk")
        .first()
    )
    consultation = (
        Consultation.objects.filter(place=place, summary_published_at__isnull=False)
        .order_by("pk")
        .first()
    )
    area = place.areas.filter(kind="ward").order_by("pk").first()
    pages = [
        ("home (leader)", "leader", "/"),
        ("home (officer)", "officer", "/"),
        ("home (VCS member)", "vcs", "/"),
        ("home (supplier)", "supplier", "/"),
        ("returns list (officer)", "officer", reverse("contracts:return_list")),
        ("returns list (supplier)", "supplier", reverse("contracts:return_list")),
        ("objectives list", "anonymous", "/objectives/"),
        (
            "objectives list (filtered)",
            "anonymous",
            f"/objectives/?area={area.pk if area else ''}&dimension=social&status=active",
        ),
        ("proposals list", "anonymous", "/proposals/"),
        ("contracts list", "officer", "/contracts/"),
        ("dashboard (unfiltered)", "leader", f"/dashboard/?place={place.slug}"),
        (
            "dashboard (filtered)",
            "leader",
            f"/dashboard/?place={place.slug}&area={area.pk if area else ''}&dimension=social",
        ),
        ("transparency", "anonymous", reverse("dashboards:transparency", args=[place.slug])),
        ("objectives CSV", "anonymous", "/objectives/export.csv"),
    ]
    if area:
        # The neighbourhood page (issue 16): a ward, public and as the place's leader; a
        # neighbourhood and an LSOA inside it; and the dashboard's printable summary.
        pages.append(("neighbourhood page (ward)", "anonymous", area.get_absolute_url()))
        pages.append(("neighbourhood page (leader)", "leader", area.get_absolute_url()))
        inside = place.areas.filter(path__startswith=area.path).order_by("path")
        for kind in ("neighbourhood", "lsoa"):
            found = inside.filter(kind=kind).first()
            if found:
                pages.append(
                    (f"neighbourhood page ({kind}, leader)", "leader", found.get_absolute_url())
                )
    pages.append(
        (
            "dashboard summary PDF",
            "leader",
            reverse("dashboards:dashboard_pdf") + f"?place={place.slug}",
        )
    )
    if objective:
        pages.append(("objective detail", "anonymous", objective.get_absolute_url()))
    if contract:
        pages.append(("contract detail", "officer", contract.get_absolute_url()))
    if consultation:
        pages.append(
            (
                "consultation summary",
                "anonymous",
                reverse("consultations:summary", args=[consultation.pk]),
            )
        )
    pages += [
        (
            "commitments CSV",
            "anonymous",
            reverse("dashboards:commitments_csv", args=[place.slug]),
        ),
        ("OCDS export", "anonymous", reverse("dashboards:ocds", args=[place.slug])),
        *(page for hook in _app_hooks("bench_pages") for page in hook(place)),
    ]
    return [(name, users[role], url) for name, role, url in pages]
