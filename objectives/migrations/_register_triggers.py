"""Dropping the database triggers that an earlier version made to stamp the register's cache
(replaced by `socialvalue.datacache`). Used by migrations 0003 (going back) and 0004. Not a
migration itself: the loader skips modules whose names start with an underscore."""

TRIGGER = "objectives_register_changed"
TABLES = (
    "objectives_objective",
    "objectives_target",
    "objectives_theme",
    "objectives_outcome",
    "objectives_framework",
    "places_area",
    "people_organisation",
    "objectives_objective_areas",
    "objectives_objective_partners",
    "places_area_wards",
)


def drop(connection) -> None:
    """Drop the triggers (and PostgreSQL's trigger function) wherever they may be."""
    quote = connection.ops.quote_name
    existing = set(connection.introspection.table_names())
    tables = [t for t in TABLES if t in existing]
    if connection.vendor == "postgresql":
        statements = [f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quote(t)}" for t in tables]
        statements.append(f"DROP FUNCTION IF EXISTS {TRIGGER}()")
    elif connection.vendor == "sqlite":
        statements = [
            f"DROP TRIGGER IF EXISTS {quote(f'{TRIGGER}_{t}_{operation}')}"
            for t in tables
            for operation in ("insert", "update", "delete")
        ]
    else:
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def drop_triggers(apps, schema_editor):
    drop(schema_editor.connection)
