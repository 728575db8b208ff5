"""The whole-place open-data files, built by a task after the data changes and served as
files (no request builds them)."""

from django.db import models
from django.utils import timezone

from places.models import Place


class PublishedFile(models.Model):
    class Kind(models.TextChoices):
        COMMITMENTS_CSV = "commitments_csv", "Commitments and verified delivery (CSV)"
        OCDS = "ocds", "Contracts with social value (OCDS 1.1 release package, JSON)"

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="published_files")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200, help_text="The file's name within its storage")
    built_at = models.DateTimeField(default=timezone.now)
    build_seconds = models.FloatField(default=0)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    # The data version (socialvalue.DataVersion) the file was built from.
    data_token = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["place", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["place", "kind"], name="one_published_file_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.place}: {self.get_kind_display()} ({self.built_at:%Y-%m-%d %H:%M})"
