"""Uploaded files kept across a form error (issue 17: "files must be re-attached after a form
error"): stored safely after the same checks, shown as kept with a way to remove them, brought
back only for the same person, and checked again."""

import re

import pytest
from django import forms
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from contracts.models import DeliveryReturn, EvidenceFile
from socialvalue.kept_uploads import SALT, KeptUploadsMixin, load
from socialvalue.uploads import EvidenceFileField
from tests.contracts.test_delivery_views import pdf, post_return

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="file_1_kept" value="([^"]+)"')


def _refused_with_a_file(client, world):
    client.force_login(world.supplier_contact)
    response = post_return(client, world, evidence_text="", file_1=pdf("report.pdf"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_file_is_kept_when_the_return_is_refused_and_attached_when_sent_again(client, world):
    html = _refused_with_a_file(client, world)
    assert "Describe the evidence for what was delivered" in html
    assert "Kept from your last attempt: report.pdf" in html
    assert "Remove report.pdf" in html
    token = TOKEN.search(html).group(1)
    kept_path = signing.loads(token, salt=SALT)["p"]
    assert default_storage.exists(kept_path) and "report" not in kept_path
    response = post_return(client, world, file_1_kept=token)
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == "report.pdf" and evidence.delivery_return.status
    assert evidence.file.read().startswith(b"%PDF")
    assert not default_storage.exists(kept_path), "the kept copy is discarded once saved"


def test_a_kept_file_can_be_removed(client, world):
    token = TOKEN.search(_refused_with_a_file(client, world)).group(1)
    assert post_return(client, world, file_1_kept=token, file_1_remove="on").status_code == 302
    assert DeliveryReturn.objects.count() == 1 and not EvidenceFile.objects.exists()


def test_a_new_file_replaces_the_kept_one(client, world):
    token = TOKEN.search(_refused_with_a_file(client, world)).group(1)
    post_return(client, world, file_1_kept=token, file_1=pdf("newer.pdf"))
    assert list(EvidenceFile.objects.values_list("original_name", flat=True)) == ["newer.pdf"]


def test_a_file_kept_for_one_person_is_not_given_to_another(client, world):
    token = TOKEN.search(_refused_with_a_file(client, world)).group(1)
    client.force_login(world.officer)
    assert post_return(client, world, file_1_kept=token).status_code == 302
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"p": "kept/1/../../settings.py", "n": "x.pdf", "u": 1}, salt="other"),
    ],
)
def test_a_forged_token_is_ignored(client, world, token):
    client.force_login(world.supplier_contact)
    assert post_return(client, world, file_1_kept=token).status_code == 302
    assert not EvidenceFile.objects.exists()


def test_a_signed_token_outside_the_persons_folder_is_ignored(world):
    owner = world.supplier_contact
    default_storage.save(f"kept/{owner.pk + 1}/x.pdf", ContentFile(b"%PDF-1.4 theirs"))
    for path in (
        f"kept/{owner.pk + 1}/x.pdf",
        f"kept/{owner.pk}/../{owner.pk + 1}/x.pdf",
        "evidence/x.pdf",
    ):
        token = signing.dumps({"p": path, "n": "x.pdf", "u": owner.pk}, salt=SALT)
        assert load(token, owner) is None, path


def test_a_file_that_fails_the_checks_is_not_kept(client, world):
    client.force_login(world.supplier_contact)
    bad = pdf("evil.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    html = post_return(client, world, evidence_text="", file_1=bad).content.decode()
    assert "evil.pdf must be a" in html and not TOKEN.search(html)


def test_a_kept_file_is_checked_again_when_it_comes_back(client, world):
    """Whatever is stored under the token goes through the upload checks again."""
    token = TOKEN.search(_refused_with_a_file(client, world)).group(1)
    path = signing.loads(token, salt=SALT)["p"]
    with default_storage.open(path, "wb") as stored:
        stored.write(b"MZ\x90\x00 no longer a pdf")
    html = post_return(client, world, file_1_kept=token).content.decode()
    assert "report.pdf must be a" in html and not DeliveryReturn.objects.exists()


def test_every_form_that_takes_evidence_files_keeps_them():
    """The family: any form with an evidence file field keeps its files across an error."""
    import socialvalue.urls  # noqa: F401  (loads every view, and so every form)
    from tests.security.test_cross_body_writes import PROJECT_APPS, _upload_forms

    found, stack = {}, list(forms.BaseForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack += cls.__subclasses__()
        if cls.__module__.split(".")[0] in PROJECT_APPS:
            found[cls.__name__] = cls
    evidence_forms = {
        name
        for name in _upload_forms()
        if "EvidenceFileField(" in __import__("inspect").getsource(found[name])
    }
    assert {"ReturnForm", "AnswerForm", "ProposalForm"} <= evidence_forms
    missing = sorted(n for n in evidence_forms if not issubclass(found[n], KeptUploadsMixin))
    assert not missing, f"forms that lose their files on an error: {missing}"
    assert EvidenceFileField  # the field the family is about


def test_files_kept_but_never_sent_are_cleared_by_the_scheduled_task(world, settings, tmp_path):
    """A person who gave up leaves a kept file behind: the hourly task deletes it once no
    token can bring it back (older than MAX_AGE), and leaves a fresh one alone."""
    import os
    import time

    from crontask import scheduler

    from socialvalue import kept_uploads, tasks

    settings.MEDIA_ROOT = tmp_path / "media"
    old = kept_uploads.store(ContentFile(b"%PDF-1.4 old", name="old.pdf"), world.supplier_contact)
    fresh = kept_uploads.store(ContentFile(b"%PDF-1.4 new", name="new.pdf"), world.officer)
    old_path = signing.loads(old, salt=SALT)["p"]
    fresh_path = signing.loads(fresh, salt=SALT)["p"]
    long_ago = time.time() - kept_uploads.MAX_AGE - 60
    os.utime(default_storage.path(old_path), (long_ago, long_ago))

    assert tasks.clear_kept_uploads.call() == 1

    assert not default_storage.exists(old_path)
    assert default_storage.exists(fresh_path)
    assert load(fresh, world.officer) is not None
    assert tasks.clear_kept_uploads.call() == 0
    assert "clear_kept_uploads" in {job.name for job in scheduler.get_jobs()}
