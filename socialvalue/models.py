"""The data version: one row whose token changes after every committed change to the data
the cached pages show (see `socialvalue.datacache`)."""

import uuid

from django.db import IntegrityError, models, transaction
from django.utils import timezone


def new_token() -> str:
    return uuid.uuid4().hex


class DataVersion(models.Model):
    """One row. Its token is random, not a counter, so a database that was rolled back,
    flushed or restored never meets a cache key it had before."""

    token = models.CharField(max_length=32, default=new_token)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "data version"

    def __str__(self) -> str:
        return f"Data version {self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"

    @classmethod
    def bump(cls, using: str = "default") -> None:
        updated = (
            cls.objects.using(using)
            .filter(pk=1)
            .update(token=new_token(), changed_at=timezone.now())
        )
        if not updated:
            try:
                with transaction.atomic(using=using):
                    cls.objects.using(using).create(pk=1)
            except IntegrityError:  # made at the same moment by another process
                cls.objects.using(using).filter(pk=1).update(token=new_token())
