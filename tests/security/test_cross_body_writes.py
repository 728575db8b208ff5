"""Issue 13, the family of High 1: through any import or bulk path, a person of body A never
changes an object of body B (nor of another place).

The paths are read from the code, not listed by hand: every management command of the
project's apps, every URL whose view takes an uploaded file or whose name or route says import,
load, bulk or upload, and every action of the Django admin. `PATHS` classifies each one: an
import or bulk path names the check that drives it as body A against body B's records;
anything else says why it is not one. A new command, upload page or admin action fails
`test_every_path_is_classified` until someone decides, here, which it is and writes its check.

Body B is the council of Testborough (the seeded world of tests/security/conftest.py) and
everything of its place; body A is the NHS body serving the same place, or the council of
another place. Each check takes a snapshot of B's records (every field, and how many history
rows each has), runs the path as A in every way it could be aimed at B, and compares.
"""

import contextlib
import inspect
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command, get_commands
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse

from contracts.forms import choice_name
from contracts.models import (
    AwardSupplier,
    BuyerAlias,
    Commitment,
    Contract,
    DeliveryReturn,
    OcdsImport,
)
from objectives.models import Framework, Measure, Outcome, Theme
from people.models import Membership, Organisation
from places.models import Area, Boundary, LsoaFigure, Place
from tests.people.factories import MembershipFactory, UserFactory
from tests.security.served import served_patterns

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"socialvalue", "people", "places", "objectives", "contracts", "consultations"}
PROJECT_APPS |= {"dashboards"}
BULK_WORDS = re.compile(r"import|load|bulk|upload", re.IGNORECASE)


# What belongs to body B ------------------------------------------------------------------------


def _rows(queryset) -> list:
    return sorted(
        (obj.pk, repr(model_to_dict(obj)), obj.history.count() if hasattr(obj, "history") else 0)
        for obj in queryset
    )


def snapshot(world) -> dict:
    """Every record of body B (the council) and of its place, field by field, with its history
    count."""
    council, place = world.council, world.place
    contracts = Contract.objects.filter(buyer=council)
    frameworks = Framework.objects.filter(place=place)
    return {
        "contracts": _rows(contracts),
        "award suppliers": _rows(AwardSupplier.objects.filter(contract__in=contracts)),
        "commitments": _rows(Commitment.objects.filter(contract__in=contracts)),
        "returns": _rows(DeliveryReturn.objects.filter(commitment__contract__in=contracts)),
        "bodies": _rows(Organisation.objects.filter(place=place)),
        "aliases": _rows(BuyerAlias.objects.filter(organisation=council)),
        "places": _rows(Place.objects.filter(pk=place.pk)),
        "areas": _rows(Area.objects.filter(place=place)),
        "boundaries": _rows(Boundary.objects.filter(area__place=place)),
        "need figures": _rows(LsoaFigure.objects.filter(area__place=place)),
        "frameworks": _rows(frameworks),
        "themes": _rows(Theme.objects.filter(framework__in=frameworks)),
        "outcomes": _rows(Outcome.objects.filter(framework__in=frameworks)),
        "measures": _rows(Measure.objects.filter(framework__in=frameworks)),
        "uploads": _rows(OcdsImport.objects.filter(by=world.users["officer"])),
    }


@pytest.fixture
def nhs_officer(world):
    """Body A: an officer of the NHS body serving the same place. Also sets up what the paths
    are aimed at: the council's contract has a published ocid, and the places and a ward have
    GSS codes (as real ones do)."""
    Contract.objects.filter(pk=world.contract.pk).update(ocid=VICTIM_OCID)
    Place.objects.filter(pk=world.place.pk).update(gss_code="E09099001")
    Place.objects.filter(pk=world.elsewhere.pk).update(gss_code="E09099002")
    Area.objects.filter(pk=world.ward.pk).update(gss_code="E05099001", gss_year=2023)
    return MembershipFactory(
        organisation=world.nhs,
        role=Membership.Role.OFFICER,
        user=UserFactory(email="nhs-officer@example.org"),
    ).user


VICTIM_OCID = "ocds-b5fd17-0victim1"


def _release(ocid: str, buyer: str, title: str = "Taken over", **tender) -> dict:
    return {
        "ocid": ocid,
        "id": f"{ocid}-{title}",
        "date": "2025-09-01T09:00:00Z",
        "tag": ["tender"],
        "buyer": {"id": f"id-{buyer}", "name": buyer},
        "parties": [{"id": f"id-{buyer}", "name": buyer, "roles": ["buyer"]}],
        "tender": {"id": title, "title": title, "status": "cancelled", **tender},
    }


def aimed_at_b(world) -> bytes:
    """Every way a release can be aimed at the council: its contract's ocid with the importer's
    own body as buyer, with the council as buyer, a new contract for the council, and a buyer
    nobody knows (which the importer might try to map to the council)."""
    releases = [
        _release(VICTIM_OCID, "Testborough NHS"),
        _release(VICTIM_OCID, "Testborough Council"),
        _release("ocds-b5fd17-0new0001", "Testborough Council", "Planted"),
        _release("ocds-b5fd17-0new0002", "Unheard Of Council", "Planted too"),
    ]
    return json.dumps({"releases": releases}).encode()


# The checks, one per path ----------------------------------------------------------------------


def _bulk_verify(client, returns) -> None:
    """Tick `returns` in the queue, then confirm, with each one's version as the page sends."""
    url = reverse("contracts:return_bulk_verify")
    ids = [r.pk for r in returns]
    client.post(url, {"returns": ids})
    client.post(
        url, {"returns": ids, "confirmed": "1", **{f"version-{r.pk}": r.version for r in returns}}
    )


def bulk_verify_page(world, client, tmp_path, nhs_officer):
    """Verifying the council's returns several at a time, from another body of the same place
    and from a council of another place, alone and mixed with returns of their own."""
    council_returns = list(DeliveryReturn.objects.filter(commitment__contract__buyer=world.council))
    assert council_returns, "the world must have a council return to aim at"
    for person in (nhs_officer, world.users["other_org_officer"]):
        client.force_login(person)
        _bulk_verify(client, council_returns)


def ocds_command(world, client, tmp_path, nhs_officer):
    path = tmp_path / "aimed.json"
    path.write_bytes(aimed_at_b(world))
    out = io.StringIO()
    call_command("import_ocds", str(path), "--as", nhs_officer.email, stdout=out)
    with pytest.raises(CommandError):
        call_command(
            "import_ocds",
            str(path),
            "--as",
            nhs_officer.email,
            "--buyer",
            f"name:unheard of council={world.council.slug}",
            "--confirm-cancel",
            VICTIM_OCID,
            stdout=out,
        )
    call_command(
        "import_ocds",
        str(path),
        "--as",
        world.users["other_org_officer"].email,
        "--confirm-cancel",
        VICTIM_OCID,
        stdout=out,
    )


def ocds_pages(world, client, tmp_path, nhs_officer):
    """Upload, a forged match to the council, a forged cancellation, and the council officer's
    own upload, which nobody else may see or confirm."""
    client = _worker_after_each_post(client)
    client.force_login(nhs_officer)
    client.post(
        reverse("contracts:ocds_import"),
        {"file": SimpleUploadedFile("aimed.json", aimed_at_b(world), "application/json")},
    )
    staged = OcdsImport.objects.get(by=nhs_officer, status=OcdsImport.Status.PREVIEWED)
    review = reverse("contracts:ocds_review", kwargs={"pk": staged.pk})
    forged = {
        "revision": staged.revision,
        choice_name("buyer", "ID-UNHEARD OF COUNCIL"): world.council.pk,
        choice_name("cancel", VICTIM_OCID): "on",
    }
    client.post(review, {**forged, "action": "preview"})
    client.post(review, {**forged, "action": "import"})
    staged.refresh_from_db()
    client.post(review, {"revision": staged.revision, "action": "import"})
    theirs = reverse("contracts:ocds_review", kwargs={"pk": world.staged_upload.pk})
    assert client.post(theirs, {"revision": 0, "action": "import"}).status_code == 404
    client.force_login(world.users["other_org_officer"])
    assert client.post(theirs, {"revision": 0, "action": "import"}).status_code == 404
    client.post(
        reverse("contracts:ocds_import"),
        {
            "place": world.place.pk,
            "file": SimpleUploadedFile("aimed.json", aimed_at_b(world), "application/json"),
        },
    )


def _worker_after_each_post(client):
    """The worker runs what each request queued (the check of an upload, the import), once
    the request's transaction commits."""
    from django.test import TestCase

    post = client.post

    def posting(*args, **kwargs):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return post(*args, **kwargs)

    client.post = posting
    return client


def buyer_aliases_page(world, client, tmp_path, nhs_officer):
    """Claiming the council's names, or removing them, from another body."""
    client.force_login(nhs_officer)
    aliases = reverse("contracts:buyer_aliases", kwargs={"slug": world.council.slug})
    client.post(aliases, {"kind": "name", "value": "Planted"})
    remove = reverse(
        "contracts:buyer_alias_remove",
        kwargs={"slug": world.council.slug, "alias": world.alias.pk},
    )
    client.post(remove)
    nhs_admin = MembershipFactory(organisation=world.nhs, role=Membership.Role.ORG_ADMIN).user
    client.force_login(nhs_admin)
    own = reverse("contracts:buyer_aliases", kwargs={"slug": world.nhs.slug})
    for kind, value in (("name", "Testborough BC"), ("name", "testborough council")):
        client.post(own, {"kind": kind, "value": value})
    client.post(
        reverse(
            "contracts:buyer_alias_remove",
            kwargs={"slug": world.nhs.slug, "alias": world.alias.pk},
        )
    )


FRAMEWORK_CSV = (
    "theme,outcome,measure_code,measure_name,unit,proxy_value,proxy_source,proxy_year,"
    "dimensions\nJobs,Good jobs,J1,Planted measure,people,999,Planted,2025,economic\n"
)


def framework_import_page(world, client, tmp_path, nhs_officer):
    """An officer of another place imports into this place's framework."""
    client.force_login(world.users["other_org_officer"])
    client.post(
        reverse("objectives:framework_import"),
        {
            "place": world.place.pk,
            "name": world.framework.name,
            "version": world.framework.version,
            "file": SimpleUploadedFile("framework.csv", FRAMEWORK_CSV.encode()),
        },
    )


def social_value_model_page(world, client, tmp_path, nhs_officer):
    client.force_login(world.users["other_org_officer"])
    client.post(reverse("objectives:social_value_model_load"), {"place": world.place.pk})


def ons_command(world, client, tmp_path, nhs_officer):
    """A lookup loaded for the other place, holding this place's wards renamed."""
    path = tmp_path / "lookup.csv"
    path.write_text(
        "WD24CD,WD24NM,LAD24CD,LAD24NM\n"
        "E05099001,Hijacked,E09099001,Testborough\n"
        "E05099201,New ward,E09099002,Elsewhere\n"
    )
    call_command("import_ons_wards", str(path), "--place", "elsewhere", stdout=io.StringIO())


GEOGRAPHY = Path(__file__).resolve().parent.parent / "places" / "data"


def _geography_command(name: str, file_name: str, *extra: str) -> None:
    """A geography file naming this place's codes, loaded for the other place: refused, or
    written to the other place only."""
    with contextlib.suppress(CommandError):
        call_command(
            name, str(GEOGRAPHY / file_name), "--place", "elsewhere", *extra, stdout=io.StringIO()
        )


def boundaries_command(world, client, tmp_path, nhs_officer):
    _geography_command("import_boundaries", "wards_2024_bgc.geojson")


def lsoa_lookup_command(world, client, tmp_path, nhs_officer):
    _geography_command("import_lsoa_lookup", "lsoa_ward_2024.csv")


def need_command(world, client, tmp_path, nhs_officer):
    _geography_command("import_need", "imd_2019_file7.csv", "--published", "2019-09-26")


def social_value_model_command(world, client, tmp_path, nhs_officer):
    call_command("load_social_value_model", "--place", "elsewhere", stdout=io.StringIO())


@dataclass(frozen=True)
class NotBulk:
    """A path that is not an import or bulk write for a person, and why."""

    reason: str


OPERATOR = "run by the operator on the server, not by a person of a body"
ATTACHMENT = (
    "files attached to one record, reached through the user's visible_to/managed_by queryset "
    "(who may post is held by test_url_matrix)"
)

PATHS = {
    # Management commands.
    ("command", "import_ocds"): ocds_command,
    ("command", "import_ons_wards"): ons_command,
    ("command", "load_social_value_model"): social_value_model_command,
    ("command", "import_boundaries"): boundaries_command,
    ("command", "import_lsoa_lookup"): lsoa_lookup_command,
    ("command", "import_need"): need_command,
    ("command", "bench_geography"): NotBulk(
        f"{OPERATOR}: times imports of made-up data, rolled back"
    ),
    ("command", "load_demo"): NotBulk(f"{OPERATOR}: the fictional demo place only, DEBUG only"),
    ("command", "seed_scale"): NotBulk(f"{OPERATOR}: a synthetic benchmark county"),
    ("command", "bench"): NotBulk(f"{OPERATOR}: measures pages, writes nothing of a body's"),
    ("command", "bench_dashboard"): NotBulk(f"{OPERATOR}: measures pages"),
    ("command", "refresh_figures"): NotBulk(f"{OPERATOR}: recomputes derived figures"),
    ("command", "data_changed"): NotBulk(f"{OPERATOR}: marks cached figures stale"),
    ("command", "rebuild_ledger"): NotBulk(f"{OPERATOR}: rebuilds the derived ledger"),
    ("command", "strip_invisible_characters"): NotBulk(
        f"{OPERATOR}: takes invisible control characters out of stored text, every body's "
        "alike, changing nothing else (tests/security/test_invisible_characters.py)"
    ),
    # Pages.
    ("url", "contracts:ocds_import"): ocds_pages,
    ("url", "contracts:ocds_review"): ocds_pages,
    ("url", "contracts:ocds_result"): NotBulk("shows a finished import to its uploader only"),
    ("url", "objectives:framework_import"): framework_import_page,
    ("url", "objectives:social_value_model_load"): social_value_model_page,
    ("url", "contracts:evidence_download"): NotBulk("serves one evidence file; writes nothing"),
    ("url", "contracts:return_create"): NotBulk(ATTACHMENT),
    ("url", "contracts:return_answer"): NotBulk(ATTACHMENT),
    # The return's page and its decisions share the view that offers the answer form.
    ("url", "contracts:return_detail"): NotBulk(ATTACHMENT),
    ("url", "contracts:return_verify"): NotBulk(ATTACHMENT),
    ("url", "contracts:return_query"): NotBulk(ATTACHMENT),
    ("url", "contracts:return_reject"): NotBulk(ATTACHMENT),
    ("url", "consultations:proposal_create"): NotBulk(ATTACHMENT),
    ("url", "consultations:proposal_update"): NotBulk(ATTACHMENT),
    # The names a body publishes under decide which body an import writes for.
    ("url", "contracts:buyer_aliases"): buyer_aliases_page,
    # Verifying several returns with one confirmation.
    ("url", "contracts:return_bulk_verify"): bulk_verify_page,
}


# Finding the paths in the code -----------------------------------------------------------------


def _upload_forms() -> set[str]:
    """Names of the project's form classes that take a file (declared or added in __init__)."""
    names = set()
    stack = list(forms.BaseForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack += cls.__subclasses__()
        if cls.__module__.split(".")[0] not in PROJECT_APPS:
            continue
        declared = any(isinstance(f, forms.FileField) for f in cls.base_fields.values())
        if declared or "FileField(" in inspect.getsource(cls):
            names.add(cls.__name__)
    return names


def _takes_upload(view_class, upload_forms: set[str]) -> bool:
    for cls in inspect.getmro(view_class):
        if cls.__module__.split(".")[0] not in PROJECT_APPS:
            continue
        form_class = getattr(cls, "form_class", None)
        if form_class is not None and form_class.__name__ in upload_forms:
            return True
        source = inspect.getsource(cls)
        if any(re.search(rf"\b{name}\b", source) for name in upload_forms):
            return True
    return False


def discovered_paths() -> set[tuple[str, str]]:
    commands = {
        ("command", name)
        for name, app in get_commands().items()
        if app.split(".")[0] in PROJECT_APPS
    }
    patterns = served_patterns()  # loads every view, and so every form, first
    upload_forms = _upload_forms()
    urls = {
        ("url", p.name)
        for p in patterns
        if p.view_class is not None
        and (
            BULK_WORDS.search(p.name)
            or BULK_WORDS.search(p.route)
            or _takes_upload(p.view_class, upload_forms)
        )
    }
    return commands | urls | {("url", "contracts:buyer_aliases")} | admin_actions()


def admin_actions() -> set[tuple[str, str]]:
    request = RequestFactory().get("/admin/")
    request.user = UserFactory.build(is_superuser=True, is_staff=True)
    found = set()
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.get_actions(request):
            found.add(("admin", f"{model._meta.label}.{name}"))
    return found


ADMIN_ONLY = NotBulk("the Django admin: staff only (test_the_admin_is_closed_to_bodies_people)")


def _classified() -> dict:
    return {**PATHS, **dict.fromkeys(admin_actions(), ADMIN_ONLY)}


def test_every_path_is_classified():
    found = discovered_paths()
    classified = _classified()
    missing = sorted(found - set(classified))
    stale = sorted(set(classified) - found)
    assert not missing, f"import or bulk paths nobody has classified in PATHS: {missing}"
    assert not stale, f"PATHS lists paths the code no longer has: {stale}"


def test_the_only_admin_action_is_djangos_own_delete():
    """A custom bulk action in the admin would be a new path: it must be classified here."""
    assert {action.rsplit(".", 1)[1] for _kind, action in admin_actions()} <= {"delete_selected"}


CHECKS = sorted(
    {(name, check) for (_kind, name), check in PATHS.items() if callable(check)},
    key=lambda item: item[0],
)


@pytest.mark.parametrize("check", [c for _n, c in CHECKS], ids=[n for n, _c in CHECKS])
def test_a_person_of_one_body_never_changes_another_bodys_records(
    check, world, client, tmp_path, nhs_officer, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    before = snapshot(world)
    check(world, client, tmp_path, nhs_officer)
    after = snapshot(world)
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, f"{check.__name__} changed body B's {changed}"


def test_the_checks_are_not_vacuous(world, client, tmp_path):
    """The council's own officer, through the same page, does change the council's records:
    the snapshot sees a change when there is one."""
    before = snapshot(world)
    client = _worker_after_each_post(client)
    client.force_login(world.users["officer"])
    client.post(
        reverse("contracts:ocds_import"),
        {"file": SimpleUploadedFile("aimed.json", aimed_at_b(world), "application/json")},
    )
    staged = OcdsImport.objects.get(
        by=world.users["officer"], status=OcdsImport.Status.PREVIEWED, file_name="aimed.json"
    )
    review = reverse("contracts:ocds_review", kwargs={"pk": staged.pk})
    client.post(review, {"revision": 0, "action": "import"})
    assert snapshot(world)["contracts"] != before["contracts"]


def test_the_bulk_verification_check_is_not_vacuous(world, client, tmp_path):
    """The council's own officer, through the same path, does verify the council's returns."""
    before = snapshot(world)
    client.force_login(world.users["officer"])
    _bulk_verify(
        client, list(DeliveryReturn.objects.filter(commitment__contract__buyer=world.council))
    )
    assert snapshot(world)["returns"] != before["returns"]


@pytest.mark.parametrize("role", ["officer", "org_admin", "leader", "other_org_officer"])
def test_the_admin_is_closed_to_bodies_people(client, world, role):
    client.force_login(world.users[role])
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.post(url, {"action": "delete_selected", "_selected_action": [1]})
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
