"""Uploaded files kept across a form error, so nobody has to attach them again.

When a form with evidence files is refused (a missing answer, a service's error), each file
that passed the upload checks is stored privately under `kept/<person>/` with a random name,
and the form is shown again saying it is kept, with a box to remove it. The page carries a
signed token for it (`django.core.signing`: it names the stored file, its original name and the
person, and expires after `MAX_AGE`). Sent back, the token is honoured only for the same person
and only if the signature holds, and the file goes through the same checks again
(`socialvalue.uploads.validate_evidence_file`, by the form's own field) as a fresh upload.

Files kept but never sent (the person gave up) are never served, and are deleted once older
than `MAX_AGE` by `clear_expired`, which the scheduled task `socialvalue.tasks.
clear_kept_uploads` runs every hour.
"""

import datetime
import os
import secrets

from django import forms
from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import get_valid_filename

from .uploads import EvidenceFileField

SALT = "socialvalue.kept-upload"
MAX_AGE = 24 * 60 * 60  # a day: long enough to correct a form, short enough to forget
FOLDER = "kept"


def _folder(owner) -> str:
    return f"{FOLDER}/{owner.pk}/"


def store(upload, owner) -> str:
    """Store `upload` for `owner`; the signed token that brings it back."""
    extension = os.path.splitext(get_valid_filename(os.path.basename(upload.name)))[1].lower()
    upload.seek(0)
    path = default_storage.save(f"{_folder(owner)}{secrets.token_hex(16)}{extension[:10]}", upload)
    return signing.dumps({"p": path, "n": upload.name, "u": owner.pk}, salt=SALT)


def load(token: str, owner) -> UploadedFile | None:
    """The kept file the token names, if it is `owner`'s, unexpired and still stored."""
    try:
        kept = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    path = kept.get("p", "")
    if kept.get("u") != owner.pk or not path.startswith(_folder(owner)) or ".." in path:
        return None
    if not default_storage.exists(path):
        return None
    upload = UploadedFile(
        file=default_storage.open(path, "rb"),
        name=os.path.basename(kept.get("n") or path),
        size=default_storage.size(path),
    )
    upload.kept_token = token
    upload.kept_path = path
    return upload


def discard(upload) -> None:
    """Delete a kept file once what it was kept for is saved (it has been copied)."""
    path = getattr(upload, "kept_path", None)
    if path:
        upload.close()
        default_storage.delete(path)


def clear_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete every kept file older than `MAX_AGE` (its token no longer brings it back);
    returns how many. A person's empty folder is left for the storage to reuse."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=MAX_AGE)
    if not default_storage.exists(FOLDER):
        return 0
    cleared = 0
    owners, _files = default_storage.listdir(FOLDER)
    for owner in owners:
        _dirs, names = default_storage.listdir(f"{FOLDER}/{owner}")
        for name in names:
            path = f"{FOLDER}/{owner}/{name}"
            if default_storage.get_modified_time(path) <= cutoff:
                default_storage.delete(path)
                cleared += 1
    return cleared


class KeptUploadsMixin:
    """For a form with `EvidenceFileField`s. The view sets `upload_owner` (the person) before
    the form is validated, and calls `keep_uploads()` when it shows the form again with
    errors. Each file field `<name>` gains `<name>_kept` (the hidden token) and
    `<name>_remove` (a box to drop the kept file)."""

    upload_owner = None

    def upload_slots(self) -> list[str]:
        return [n for n, f in self.fields.items() if isinstance(f, EvidenceFileField)]

    def full_clean(self):
        if self.is_bound and self.upload_owner is not None:
            self._bring_back_kept()
        super().full_clean()

    def _bring_back_kept(self):
        files = self.files.copy()
        for name in self.upload_slots():
            token = self.data.get(f"{name}_kept")
            if not token or files.get(name) or self.data.get(f"{name}_remove"):
                continue
            kept = load(token, self.upload_owner)
            if kept is not None:
                files[name] = kept
        self.files = files

    def kept_files(self) -> list:
        """The kept files this form used, to `discard` once saved."""
        cleaned = getattr(self, "cleaned_data", {})
        return [
            cleaned[n] for n in self.upload_slots() if getattr(cleaned.get(n), "kept_path", None)
        ]

    def keep_uploads(self) -> None:
        """The form was refused: keep each file that passed the checks, and say so."""
        if self.upload_owner is None or not self.is_bound:
            return
        cleaned = getattr(self, "cleaned_data", {})
        data = self.data.copy()
        for name in self.upload_slots():
            upload = cleaned.get(name)
            data.pop(f"{name}_remove", None)
            if not upload or name in self.errors:
                data.pop(f"{name}_kept", None)
                continue
            token = getattr(upload, "kept_token", None) or store(upload, self.upload_owner)
            data[f"{name}_kept"] = token
            self._offer(name, os.path.basename(upload.name))
        self.data = data

    def _offer(self, name: str, file_name: str) -> None:
        """Show the kept file under its field: the token, and a box to remove it."""
        field = self.fields[name]
        field.help_text = (
            f"Kept from your last attempt: {file_name}. It will be attached when you send "
            "the form, unless you remove it or choose another file"
        )
        self._bound_fields_cache.pop(name, None)  # a bound field copies the help text
        order = list(self.fields)
        extra = {
            f"{name}_kept": forms.CharField(widget=forms.HiddenInput, required=False),
            f"{name}_remove": forms.BooleanField(label=f"Remove {file_name}", required=False),
        }
        fields = {}
        for key in order:
            fields[key] = self.fields[key]
            if key == name:
                fields.update(extra)
        self.fields = fields


class KeepUploadsViewMixin:
    """For a FormView whose form has `KeptUploadsMixin`: the person owns what is kept; a
    refused form keeps its files; a saved one discards the kept copies it used. It wraps
    `post` (views override `get_form` and `form_valid` themselves); the page is a lazy
    TemplateResponse, so the form is changed before it is rendered."""

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        form.upload_owner = request.user
        response = self.form_valid(form) if form.is_valid() else self.form_invalid(form)
        if response.status_code in (301, 302, 303):
            for upload in form.kept_files():
                discard(upload)
        else:
            form.keep_uploads()
        return response
