"""The generator's shared parts: the full-scale counts, explicit keys, batched writes and the
database's housekeeping after a bulk load."""

import random
import time
from dataclasses import dataclass

from django.db import connection
from django.db.models import Max
from django.utils import timezone

BATCH = 5000
FULL = {
    "wards": 100,
    "neighbourhoods_per_ward": 3,
    "lsoas_per_neighbourhood": 2,
    "vcs_groups": 400,
    "suppliers": 3000,
    "residents": 3000,
    "objectives": 5000,
    "contracts": 100_000,
    "commitments_per_contract": 6,
    "returns_per_commitment": 6,  # about 2.1 million returns
    "proposals": 50_000,
    "consultations": 200,
    "responses": 500_000,
}


@dataclass
class Counter:
    """Explicit primary keys, continuing after what the table already holds."""

    next: int

    @classmethod
    def after(cls, model):
        return cls((model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1)

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value


class Base:
    """What every part of the generator shares: the scale, the seed's random numbers, progress
    and batched writes."""

    def __init__(self, *, scale: float, seed: int, stdout=None):
        self.scale = scale
        self.seed = seed
        self.random = random.Random(seed)  # noqa: S311 - deterministic test data, not secrets
        self.stdout = stdout
        self.started = time.monotonic()
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.counts: dict[str, int] = {}

    def n(self, key: str, minimum: int = 1) -> int:
        return max(minimum, round(FULL[key] * self.scale))

    def say(self, message: str) -> None:
        if self.stdout:
            self.stdout.write(f"[{time.monotonic() - self.started:7.1f}s] {message}")
            self.stdout.flush()

    def save(self, model, rows: list) -> None:
        for start in range(0, len(rows), BATCH):
            model.objects.bulk_create(rows[start : start + BATCH], batch_size=BATCH)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + len(rows)

    # -----------------------------------------------------------------------------------------

    def reset_sequences(self):
        """Explicit keys leave PostgreSQL's sequences behind; move them on."""
        from django.apps import apps
        from django.core.management.color import no_style

        models = [
            m
            for m in apps.get_models()
            if m._meta.app_label in {"places", "people", "objectives", "contracts", "consultations"}
        ]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def analyse(self):
        """Gather the planner's statistics (and, on PostgreSQL outside a transaction, mark the
        pages all-visible for index-only scans) now, rather than whenever autovacuum comes by:
        until then the planner guesses at millions of rows and chooses badly (the dashboard
        took three times as long on a just-seeded database)."""
        if connection.vendor != "postgresql":
            return
        statement = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(statement)
        self.say(f"{statement} done")
