"""Caching for the public register of objectives (/objectives/) that is never stale.

What the register shows is cached keyed by the data token of `socialvalue.datacache`, which
is replaced after every committed write the application makes to the tables it reads (and to
the others cached pages read: the register is cheap to recompute, so one token serves all).
A request reads the token first (one query) and keys what it caches by it, so:

- a change is visible to the very next request, in every worker process, whatever the cache
  backend (the default per-process memory cache, or a shared one);
- a request that read the old token just before a write committed may store newer data under
  the old key, never older data under the new one;
- a request whose own transaction holds uncommitted writes gets no token, and neither reads
  nor fills the cache.

Two things are cached: the filter panel's choices (for everyone: they are the same for all),
and the whole register fragment for anonymous visitors only (they see public objectives only,
and the fragment holds no CSRF token, no CSP nonce and no messages: those are in the page
around it, rendered on every request).
"""

import hashlib

from django.core.cache import cache

# Bump when the register's templates or choice labels change shape, so a shared cache that
# outlives a deploy is not read with the old shape.
FORMAT = 2
# How long a cached entry may live. Correctness comes from the token; this only bounds memory
# for combinations of filters nobody asks for again, and old shapes in a shared cache.
TIMEOUT = 600


def key(stamp: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"objectives:register:{FORMAT}:{stamp}:{digest}"


def cached(stamp: str | None, parts: tuple[str, ...], compute):
    """`compute()`, from the cache when `stamp` is known."""
    if stamp is None:
        return compute()
    return cache.get_or_set(key(stamp, *parts), compute, TIMEOUT)
