"""One way to know that the data has changed, for every cache of computed pages.

The dashboard's figures and the public register of objectives are costly to compute and are
cached. Both are keyed by one token (`DataVersion`), which is replaced after every committed
write to the tables those pages read. Each app names its own tables in its `AppConfig.ready()`
(`watch_app(self)` for all its models, audit history aside, or `watch_models(Model, ...)`); this
module names no app.

Writes are seen where every write passes: an execute wrapper on each database connection
looks at each statement the application sends, so inserts, updates and deletes made through
models, `update()`, `bulk_create()`, many-to-many changes and raw SQL all count, on SQLite and
PostgreSQL alike. (Writes made outside the application, with psql say, are not seen: after
one, run `manage.py data_changed`.) The token is replaced once the writing transaction
commits, once per transaction, in a statement of its own: nothing is locked while the
transaction runs, so writers never queue behind each other for it, and a rolled-back write
changes nothing.

Until it commits, a transaction that has written sees data nobody else sees yet. So while a
connection holds uncommitted writes, `current_token()` says None and its pages are computed
afresh, not read from or written to the shared cache. (Tests that run inside one rolled-back
transaction therefore never meet a cached page after they change data.)
"""

from __future__ import annotations

import contextlib
import re

from django.apps import apps
from django.db import DatabaseError, connections, router, transaction
from django.db.backends.signals import connection_created

_WRITE = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[\"`]?(\w+)", re.IGNORECASE)
_watched_tables: frozenset[str] | None = None
_watched_apps: list[str] = []
_watched_models: list[tuple[str, str]] = []


def watch_app(config) -> None:
    """Call from an app's `ready()`: every model of the app (its audit history aside) feeds
    the cached pages."""
    global _watched_tables
    if config.label not in _watched_apps:
        _watched_apps.append(config.label)
    _watched_tables = None


def watch_models(*models) -> None:
    """Call from an app's `ready()`: these models of the app feed the cached pages."""
    global _watched_tables
    for model in models:
        key = (model._meta.app_label, model.__name__)
        if key not in _watched_models:
            _watched_models.append(key)
    _watched_tables = None


def watched_tables() -> frozenset[str]:
    """The tables whose changes change what the cached pages show (with the through tables
    of their many-to-many fields), as the apps registered them."""
    global _watched_tables
    if _watched_tables is None:
        models = [
            model
            for label in _watched_apps
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
            if not model.__name__.startswith("Historical")
        ]
        models += [apps.get_model(app, name) for app, name in _watched_models]
        tables = {model._meta.db_table for model in models}
        for model in models:
            tables.update(
                field.remote_field.through._meta.db_table
                for field in model._meta.local_many_to_many
            )
        _watched_tables = frozenset(tables)
    return _watched_tables


def writes_watched_table(sql: str) -> bool:
    match = _WRITE.match(sql)
    return bool(match) and match.group(1) in watched_tables()


# --- Seeing writes ----------------------------------------------------------------------------


def _bump(using: str) -> None:
    from .models import DataVersion

    # If the version's table is not there yet (migrating an empty database, before
    # socialvalue's migration), nothing can have been cached against it.
    with contextlib.suppress(DatabaseError):
        DataVersion.bump(using)


def _pending(connection) -> bool:
    """Whether this connection's open transaction has a replacement of the token waiting:
    true once it has written a watched table, until it commits or rolls back. Only a
    replacement registered in savepoints that are all still open counts (one registered in a
    savepoint that was rolled back has gone with it)."""
    open_savepoints = set(connection.savepoint_ids)
    return any(
        getattr(func, "data_version_bump", False) and set(savepoints) <= open_savepoints
        for savepoints, func, *_ in connection.run_on_commit
    )


def data_changed(using: str = "default") -> None:
    """Replace the token once the current transaction commits (at once outside one)."""
    connection = connections[using]
    if connection.in_atomic_block and _pending(connection):
        return

    def bump():
        _bump(using)

    bump.data_version_bump = True
    transaction.on_commit(bump, using=using)


class _WriteWatcher:
    """The execute wrapper: runs the statement, then notes a write to a watched table."""

    def __init__(self, alias: str):
        self.alias = alias

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if isinstance(sql, str) and writes_watched_table(sql):
            data_changed(self.alias)
        return result


def _watch(sender, connection, **kwargs) -> None:
    if not any(isinstance(w, _WriteWatcher) for w in connection.execute_wrappers):
        connection.execute_wrappers.append(_WriteWatcher(connection.alias))


def watch_writes() -> None:
    """Install the wrapper on every connection, now and whenever one is made."""
    connection_created.connect(_watch, dispatch_uid="socialvalue-datacache-watch")
    for connection in connections.all(initialized_only=True):
        _watch(None, connection)


# --- Reading the token ------------------------------------------------------------------------


def current_token() -> str | None:
    """The data's token now; None when nothing may be cached: the connection has uncommitted
    writes, or the token's row is missing (a flushed database). Plain SQL, one query: on a
    cached page it is most of the work."""
    from .models import DataVersion

    connection = connections[router.db_for_read(DataVersion)]
    if connection.in_atomic_block and _pending(connection):
        return None
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = 1")  # noqa: S608 - a model's table
        row = cursor.fetchone()
    return row[0] if row else None
