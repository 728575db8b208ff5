"""Evidence files: what may be uploaded, and how it is stored and served.

A file is accepted only if its *content* is one of the allowed types (checked by its opening
bytes, not trusted from its name or the browser's content type), its extension agrees with the
content, and it is no larger than the limit. Stored names are random, under a folder per kind,
so nothing about the original name reaches the file system, and files are never served from a
public URL: a view checks permission on the record that owns the file, then streams it.
"""

import codecs
import os
import secrets
import zipfile
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.text import get_valid_filename

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # 5 MB


@dataclass(frozen=True)
class FileType:
    label: str
    extensions: tuple[str, ...]
    content_type: str


PDF = FileType("PDF", (".pdf",), "application/pdf")
PNG = FileType("PNG image", (".png",), "image/png")
JPEG = FileType("JPEG image", (".jpg", ".jpeg"), "image/jpeg")
DOCX = FileType(
    "Word document",
    (".docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
XLSX = FileType(
    "Excel spreadsheet",
    (".xlsx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
CSV = FileType("CSV file", (".csv",), "text/csv")
EVIDENCE_TYPES = (PDF, PNG, JPEG, DOCX, XLSX, CSV)


def utf8_head(head: bytes) -> str | None:
    """The opening bytes of a file as UTF-8 text, or None if they are not UTF-8.

    The bytes stop at an arbitrary point, which can fall inside a character (a `£` is two
    bytes, a `€` three): a character cut at the end is dropped, not taken as an error. An
    incremental decoder that is not told the input is finished does exactly that, and still
    refuses bytes that could never be UTF-8."""
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return None


def sniff(head: bytes, name: str) -> FileType | None:
    """The type the file's content shows, or None. `head` is its first bytes."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        # Office files are zip archives: which one is decided by what is inside (see
        # `office_type`), never by the name alone.
        return None
    if name.lower().endswith(".csv"):
        text = utf8_head(head)
        if text is None:
            return None
        if "\x00" in text or text.lstrip().startswith(("<", "%PDF")):
            return None
        return CSV
    return None


def office_type(upload) -> FileType | None:
    """A Word or Excel file by its contents: a zip holding [Content_Types].xml and the
    `word/` or `xl/` parts. Any other zip, whatever its name, is not accepted."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    return None


def validate_evidence_file(upload, *, allowed=EVIDENCE_TYPES, max_bytes=MAX_UPLOAD_BYTES):
    """Raise a GOV.UK-style ValidationError unless the upload is an allowed, small-enough file."""
    name = os.path.basename(upload.name or "")
    if not name:
        raise ValidationError("The selected file has no name")
    if upload.size == 0:
        raise ValidationError(f"{name} is empty")
    if upload.size > max_bytes:
        raise ValidationError(
            f"{name} is {upload.size / 1024 / 1024:.1f} MB. The file must be smaller than "
            f"{max_bytes // 1024 // 1024} MB"
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    kind = sniff(head, name)
    if kind is None and head.startswith(b"PK\x03\x04"):
        kind = office_type(upload)
        upload.seek(0)
    labels = ", ".join(t.label for t in allowed)
    if kind is None or kind not in allowed:
        raise ValidationError(f"{name} must be a {labels}")
    if not name.lower().endswith(kind.extensions):
        raise ValidationError(
            f"{name} looks like a {kind.label} but its name does not end in "
            f"{' or '.join(kind.extensions)}"
        )
    return kind


@deconstructible
class StoredName:
    """An upload_to callable: a random name under `folder`, keeping only the extension.
    Deconstructible, so migrations can refer to it."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename):
        extension = os.path.splitext(get_valid_filename(os.path.basename(filename)))[1].lower()
        return f"{self.folder}/{secrets.token_hex(16)}{extension[:10]}"

    def __eq__(self, other):
        return isinstance(other, StoredName) and other.folder == self.folder

    def __hash__(self):
        return hash(self.folder)


def stored_name(folder: str) -> StoredName:
    return StoredName(folder)


class EvidenceFileField(forms.FileField):
    """A form field that runs `validate_evidence_file` and keeps the detected type."""

    def __init__(self, *, allowed=EVIDENCE_TYPES, max_bytes=MAX_UPLOAD_BYTES, **kwargs):
        self.allowed, self.max_bytes = allowed, max_bytes
        kwargs.setdefault(
            "help_text",
            f"{', '.join(t.label for t in allowed)}; smaller than {max_bytes // 1024 // 1024} MB",
        )
        kwargs.setdefault("error_messages", {"required": "Choose a file to upload"})
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "size"):
            upload.detected_type = validate_evidence_file(
                upload, allowed=self.allowed, max_bytes=self.max_bytes
            )
        return upload
