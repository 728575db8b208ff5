"""Figures kept until the data behind them changes, and refreshed without making anyone wait.

At county scale the dashboard's figures aggregate hundreds of thousands of commitments and
millions of returns, which takes seconds; and at county scale the data changes every few
minutes of the working day (returns submitted and verified, responses sent). So:

- Computed figures are cached per filters and day (progress is judged as at today), with the
  data token (`socialvalue.datacache`) they were computed at.
- While the token is unchanged, they are served as they are.
- After a change, figures computed less than `SOCIALVALUE_FIGURES_STALE_SECONDS` ago (default
  300) are still served, marked on the page with the time they were calculated and that newer
  changes are being added; meanwhile one task (`dashboards.tasks.refresh_scope`, one in all:
  its lock is in the shared cache) is queued for the worker to compute them afresh for the
  next request — at once, or a minute (`REFRESH_INTERVAL`) after they were last calculated if
  that is later, so data changing every few seconds does not keep a worker computing all
  day. Older figures are never served: the request computes afresh.
- `SOCIALVALUE_FIGURES_CACHE_SECONDS` (default 3600; 0 turns the cache off, as in tests)
  bounds how long an entry lives in any case.

The cache is `settings.CACHES["figures"]`, in the database by default: shared by every server
process and kept across restarts, so figures are computed once, not once per process.

So nobody is shown figures that miss changes committed more than the stale limit before the
figures were calculated, and the page says when they were. A table's CSV download carries no
such note, so it is served only from figures up to date with the data (`fresh`), and is
otherwise computed from the data as it is (`dashboards.views.FiguresMixin.download`).
"""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from socialvalue.datacache import current_token

APP_FOLDER = Path(__file__).resolve().parent


def _code_version(folder: Path = APP_FOLDER) -> str:
    """A digest of the code that shapes the cached figures (this app's modules, in its packages
    too: `figures/` is one): a deploy that changes it never reads figures pickled by the code
    before, which the shared cache keeps across restarts."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        name = path.relative_to(folder).as_posix()
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


def figures_cache():
    """The cache shared by every server process (settings.CACHES["figures"])."""
    return caches["figures"]


def _seconds(name: str) -> int:
    return int(getattr(settings, name, 0))


# Figures are computed afresh in the background at most this often (seconds) per filters.
REFRESH_INTERVAL = 60


def refresh_later(key_parts: tuple, computed_at: float, enqueue) -> None:
    """Have the figures under `key_parts` computed afresh by the task worker, unless that is
    already under way or waiting (in any process). `enqueue(run_after)` queues the task that
    calls `refresh_queued` (dashboards.tasks.refresh_scope); `run_after` is None when the
    figures may be computed at once, else when they may be: a minute after they were last
    computed."""
    key = _key(key_parts)
    delay = max(0.0, computed_at + REFRESH_INTERVAL - time.time())
    stale = _seconds("SOCIALVALUE_FIGURES_STALE_SECONDS")
    # Held until the task has run: one computation at a time per key. If the task is lost (a
    # worker killed), the lock lapses and the next visitor queues another.
    if not figures_cache().add(_lock(key), True, timeout=int(delay) + max(60, stale)):
        return
    run_after = timezone.now() + timedelta(seconds=delay) if delay else None
    # After the visitor's transaction (if any) commits: a rolled-back request queues nothing.
    transaction.on_commit(lambda: enqueue(run_after))


def refresh_queued(key_parts: tuple, compute) -> str:
    """The queued refresh (`refresh_later`): compute and store, then release the lock. "off"
    when the cache is (or this connection has uncommitted writes), "gone" when there is
    nothing to compute (`compute` is None), else "computed"."""
    key = _key(key_parts)
    try:
        if compute is None:
            return "gone"
        token = current_token()
        if token is None or _seconds("SOCIALVALUE_FIGURES_CACHE_SECONDS") <= 0:
            return "off"
        _store(key, token, compute)
        return "computed"
    finally:
        figures_cache().delete(_lock(key))


def _key(key_parts: tuple) -> str:
    digest = hashlib.sha256(repr(key_parts).encode()).hexdigest()
    return f"socialvalue:figures:{CODE_VERSION}:{digest}"


def _lock(key: str) -> str:
    """Held, in the shared cache, while the figures under `key` are being computed afresh."""
    return f"{key}:refreshing"


def _lookup(key_parts: tuple) -> tuple[str | None, str, tuple | None]:
    """The current data token (None when the cache is off, or this connection has uncommitted
    writes: then nothing is read or stored), the key, and the entry stored under it."""
    key = _key(key_parts)
    if _seconds("SOCIALVALUE_FIGURES_CACHE_SECONDS") <= 0:
        return None, key, None
    token = current_token()
    if token is None:
        return None, key, None
    return token, key, figures_cache().get(key)


def _store(key: str, token: str, compute, *, keep=lambda value: True):
    started = time.time()  # the token was read before computing: the figures are at least
    value = compute()  # as new as it, perhaps newer, never older
    cache = figures_cache()
    newer = cache.get(key)
    # Not over figures that a computation started later has already stored.
    if keep(value) and (newer is None or newer[1] <= started):
        cache.set(key, (token, started, value), _seconds("SOCIALVALUE_FIGURES_CACHE_SECONDS"))
    return value


def refresh(key_parts: tuple, compute) -> str:
    """Compute now, unless the cached figures are up to date with the data or are being
    computed: "computed", "up to date", "under way" or "off" (the cache is). For the periodic
    task (`dashboards.tasks.refresh_figures_when_changed`, every 2 minutes), so that the first
    visitor of the day, or after a quiet spell, does not wait for them."""
    token, key, entry = _lookup(key_parts)
    if token is None:
        return "off"
    if entry is not None and entry[0] == token:
        return "up to date"
    cache = figures_cache()
    lock = _lock(key)
    if not cache.add(lock, True, timeout=600):
        return "under way"
    try:
        _store(key, token, compute)
    finally:
        cache.delete(lock)
    return "computed"


def fresh(key_parts: tuple, compute, *, keep=lambda value: True):
    """`compute()`'s result, from the cache only if it is up to date with the data (never
    recent-but-older, as `cached` may serve): for downloads, which carry no note of when they
    were calculated. Stored when `keep(value)`."""
    token, key, entry = _lookup(key_parts)
    if token is None:
        return compute()
    if entry is not None and entry[0] == token:
        return entry[2]
    return _store(key, token, compute, keep=keep)


def cached(key_parts: tuple, compute, *, enqueue) -> tuple[object, bool]:
    """`compute()`'s result, and whether it is up to date with the data (False when served
    while being refreshed: `enqueue` queues the refresh, see `refresh_later`). The key parts
    must name the day the figures are judged as at."""
    token, key, entry = _lookup(key_parts)
    if token is None:
        return compute(), True
    if entry is not None:
        entry_token, computed_at, value = entry
        if entry_token == token:
            return value, True
        if time.time() - computed_at < _seconds("SOCIALVALUE_FIGURES_STALE_SECONDS"):
            refresh_later(key_parts, computed_at, enqueue)
            return value, False
    return _store(key, token, compute), True
