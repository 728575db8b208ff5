"""Figures kept until the data behind them changes.

At county scale the dashboard's figures aggregate hundreds of thousands of commitments, which
takes seconds; they change only when someone changes the data. So the computed figures are
cached, keyed by the filters, the day (progress is judged as at today) and a version number
(`FiguresVersion`) that goes up after every committed change to a record the figures read. The
first request after a change computes afresh; no request is ever served figures older than the
last committed change (changes made by queryset `update()` or `bulk_create()`, which send no
signals, call `data_changed()` themselves). `SOCIALVALUE_FIGURES_CACHE_SECONDS` (0 turns the
cache off) bounds how long an entry lives in any case.
"""

from __future__ import annotations

import hashlib

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import FiguresVersion

# Apps whose records the figures read. In `people`, only organisations (not users, whose
# every sign-in saves a timestamp).
WATCHED_APPS = ("places", "objectives", "contracts", "consultations")
WATCHED_MODELS = (("people", "Organisation"),)


def _bump() -> None:
    FiguresVersion.bump()


def data_changed(**kwargs) -> None:
    """Signal receiver, also called directly after bulk changes: once the current transaction
    commits (at once outside one), the figures' version goes up. A rolled-back change bumps
    nothing; several changes in one transaction bump once."""
    if kwargs.get("raw"):  # loading fixtures
        return
    # A bump already waiting covers this change too, unless a savepoint rollback could drop
    # that bump and keep this change: safe when its savepoints are all still open around us.
    open_savepoints = set(getattr(connection, "savepoint_ids", []))
    for savepoints, func, *_ in getattr(connection, "run_on_commit", []):
        if func is _bump and set(savepoints) <= open_savepoints:
            return
    transaction.on_commit(_bump)


def connect_signals() -> None:
    models = [
        model
        for label in WATCHED_APPS
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
    ]
    models += [apps.get_model(app, name) for app, name in WATCHED_MODELS]
    from contracts.totals import rebuilt

    rebuilt.connect(data_changed, dispatch_uid="figures-totals-rebuilt")
    for model in models:
        uid = f"figures-{model._meta.label}"
        post_save.connect(data_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                data_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}"
            )


def _timeout() -> int:
    return int(getattr(settings, "SOCIALVALUE_FIGURES_CACHE_SECONDS", 0))


def cached(key_parts: tuple, compute):
    """`compute()`, or its result cached for the same key parts and data version. The key
    parts must name the day the figures are judged as at (the scope's `today`)."""
    seconds = _timeout()
    if seconds <= 0:
        return compute()
    digest = hashlib.sha256(repr((FiguresVersion.current(), *key_parts)).encode()).hexdigest()
    return cache.get_or_set(f"socialvalue:figures:{digest}", compute, seconds)
