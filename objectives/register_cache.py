"""Caching for the public register of objectives (/objectives/) that is never stale.

What the register shows comes from a few tables: objectives, their areas, partners and
targets, and the reference data of the filter panel (areas, organisations, themes, outcomes,
frameworks). A trigger on each of them replaces the token of `RegisterStamp` on every write,
in the writing transaction: inserts, updates and deletes made through models, `update()`,
`bulk_create()`, raw SQL or an import alike. A request reads the token first (one query) and
keys what it caches by it, so:

- a change is visible to the very next request, in every worker process, whatever the cache
  backend (the default per-process memory cache, or a shared one);
- a request that read the old token just before a write committed may store newer data under
  the old key, never older data under the new one;
- the token is random, not a counter, so a rolled-back or truncated database never meets a
  key it had before (tests roll back after each test, and the cache outlives them).

If the stamp's row is missing (a flushed database before the next migrate), nothing is cached.

Two things are cached: the filter panel's choices (for everyone: they are the same for all),
and the whole register fragment for anonymous visitors only (they see public objectives only,
and the fragment holds no CSRF token, no CSP nonce and no messages: those are in the page
around it, rendered on every request).

The triggers are (re)made after every `migrate` (post_migrate), so a table that SQLite rebuilds
in a migration gets its trigger back. If the register comes to show data from another table,
add that table to `WATCHED_MODELS` (or `WATCHED_M2M`).
"""

import hashlib

from django.core.cache import cache
from django.db import connections, router

# Bump when the register's templates or choice labels change shape, so a shared cache that
# outlives a deploy is not read with the old shape.
FORMAT = 1
# How long a cached entry may live. Correctness comes from the token; this only bounds memory
# for combinations of filters nobody asks for again, and old shapes in a shared cache.
TIMEOUT = 600

WATCHED_MODELS = [
    ("objectives", "Objective"),
    ("objectives", "Target"),
    ("objectives", "Theme"),
    ("objectives", "Outcome"),
    ("objectives", "Framework"),
    ("places", "Area"),
    ("people", "Organisation"),
]
WATCHED_M2M = [
    ("objectives", "Objective", "areas"),
    ("objectives", "Objective", "partners"),
    ("places", "Area", "wards"),
]
TRIGGER = "objectives_register_changed"


def current_stamp() -> str | None:
    """The register's token now, or None if there is none (then nothing is cached). Plain SQL:
    on a cached page this is the request's only query, and most of its work."""
    from .models import RegisterStamp

    connection = connections[router.db_for_read(RegisterStamp)]
    table = connection.ops.quote_name(RegisterStamp._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = 1")  # noqa: S608 - a model's table
        row = cursor.fetchone()
    return row[0] if row else None


def key(stamp: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"objectives:register:{FORMAT}:{stamp}:{digest}"


def cached(stamp: str | None, parts: tuple[str, ...], compute):
    """`compute()`, from the cache when `stamp` is known."""
    if stamp is None:
        return compute()
    return cache.get_or_set(key(stamp, *parts), compute, TIMEOUT)


# --- The triggers -----------------------------------------------------------------------------


def watched_tables() -> list[str]:
    """The tables the register reads, by the models' names in this code (a migration that
    goes back leaves their names alone)."""
    from django.apps import apps

    tables = [apps.get_model(app, model)._meta.db_table for app, model in WATCHED_MODELS]
    for app, model, field in WATCHED_M2M:
        tables.append(
            apps.get_model(app, model)._meta.get_field(field).remote_field.through._meta.db_table
        )
    return tables


# The SQL below is built from model table names and fixed text only, quoted; nothing in it
# comes from a request.
_NEW_TOKEN = {
    "postgresql": "md5(random()::text || clock_timestamp()::text)",
    "sqlite": "lower(hex(randomblob(16)))",
}


def _set_token(connection, stamp_table: str) -> str:
    """The statement that gives the stamp a new token (making its row if missing)."""
    table = connection.ops.quote_name(stamp_table)
    return (
        f"INSERT INTO {table} (id, token) VALUES (1, {_NEW_TOKEN[connection.vendor]}) "  # noqa: S608
        "ON CONFLICT (id) DO UPDATE SET token = excluded.token"
    )


def _postgresql(connection, stamp_table: str, tables: list[str]) -> list[str]:
    """One statement-level trigger per table (so a bulk write changes the token once)."""
    statements = [
        f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {_set_token(connection, stamp_table)}; RETURN NULL; END $$"
    ]
    for table in map(connection.ops.quote_name, tables):
        statements += [
            f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}",
            f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()",
        ]
    return statements


def _sqlite(connection, stamp_table: str, tables: list[str]) -> list[str]:
    """SQLite has row-level triggers only: one per table and kind of write."""
    quote = connection.ops.quote_name
    statements = []
    for table in tables:
        for operation in ("INSERT", "UPDATE", "DELETE"):
            name = quote(f"{TRIGGER}_{table}_{operation.lower()}")
            statements += [
                f"DROP TRIGGER IF EXISTS {name}",
                f"CREATE TRIGGER {name} AFTER {operation} ON {quote(table)} "
                f"BEGIN {_set_token(connection, stamp_table)}; END",
            ]
    return statements


_BUILDERS = {"postgresql": _postgresql, "sqlite": _sqlite}


def _drop_statements(connection, tables: list[str]) -> list[str]:
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quote(t)}" for t in tables] + [
            f"DROP FUNCTION IF EXISTS {TRIGGER}()"
        ]
    return [
        f"DROP TRIGGER IF EXISTS {quote(f'{TRIGGER}_{t}_{operation}')}"
        for t in tables
        for operation in ("insert", "update", "delete")
    ]


def uninstall(connection) -> None:
    """Drop the triggers (before the stamp's table goes: they would fail every write)."""
    if connection.vendor not in _BUILDERS:
        return
    existing = set(connection.introspection.table_names())
    tables = [t for t in watched_tables() if t in existing]
    with connection.cursor() as cursor:
        for statement in _drop_statements(connection, tables):
            cursor.execute(statement)


def install(using: str = "default") -> bool:
    """Make the triggers and give the stamp a token (idempotent). False if the tables are not
    there, or the database is one this does not know: then nothing is cached."""
    from .models import RegisterStamp

    connection = connections[using]
    build = _BUILDERS.get(connection.vendor)
    tables = watched_tables()
    existing = set(connection.introspection.table_names())
    if build is None or not set(tables) <= existing:
        return False
    if RegisterStamp._meta.db_table not in existing:  # migrated back before the stamp
        uninstall(connection)
        return False
    with connection.cursor() as cursor:
        for statement in build(connection, RegisterStamp._meta.db_table, tables):
            cursor.execute(statement)
        cursor.execute(_set_token(connection, RegisterStamp._meta.db_table))
    return True


def install_after_migrate(sender, using="default", **kwargs):
    install(using=using)
