from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views import View

from places.models import Place

from .models import PublishedFile
from .services import FILE_NAMES, path_of

CONTENT_TYPES = {
    PublishedFile.Kind.COMMITMENTS_CSV: "text/csv; charset=utf-8",
    PublishedFile.Kind.OCDS: "application/json; charset=utf-8",
}


@method_decorator(login_not_required, name="dispatch")
class PublishedFileView(View):
    """A place's whole open-data file, as built (a reverse proxy may serve the directory
    itself: see the README)."""

    def get(self, request, slug, name):
        kinds = {v: k for k, v in FILE_NAMES.items()}
        if name not in kinds:
            raise Http404
        place = get_object_or_404(Place, slug=slug)
        published = get_object_or_404(PublishedFile, place=place, kind=kinds[name])
        path = path_of(place, published.kind)
        if not path.exists():
            raise Http404
        response = FileResponse(
            path.open("rb"),
            content_type=CONTENT_TYPES[published.kind],
            as_attachment=True,
            filename=f"{place.slug}-{name}",
        )
        response["Digest"] = f"sha-256={published.sha256}"
        response["Access-Control-Allow-Origin"] = "*"
        return response
