"""The version number of the data behind the figures, for `dashboards.cache`."""

from django.db import models
from django.db.models import F
from django.utils import timezone


class FiguresVersion(models.Model):
    """One row, whose number goes up after every committed change to data the figures read.

    Kept in the database rather than in a per-process cache, so every server process sees a
    change as soon as it is committed."""

    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "figures version"

    def __str__(self) -> str:
        return f"Figures data version {self.version}"

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("version", flat=True).first() or 0

    @classmethod
    def bump(cls) -> None:
        updated = cls.objects.filter(pk=1).update(
            version=F("version") + 1, changed_at=timezone.now()
        )
        if not updated:
            cls.objects.get_or_create(pk=1, defaults={"version": 1})
