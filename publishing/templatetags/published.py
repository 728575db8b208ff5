from django import template

from ..models import PublishedFile
from ..services import file_url

register = template.Library()


@register.inclusion_tag("publishing/_files.html")
def published_files(place):
    """The place's whole open-data files with their build time, size and checksum (one
    query)."""
    files = list(PublishedFile.objects.filter(place=place).order_by("kind"))
    for f in files:
        f.url = file_url(place, f.kind)
    return {"files": files, "place": place}
