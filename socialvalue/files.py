"""Serving stored evidence files after a permission check, never from a public URL."""

import mimetypes
import os

from django.http import FileResponse, Http404


def serve_private_file(field_file, *, download_name: str):
    """Stream a stored file as a download. The caller has already checked permission."""
    if not field_file:
        raise Http404("No file")
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage") from None
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=os.path.basename(download_name),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
