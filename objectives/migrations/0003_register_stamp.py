from django.db import migrations, models


def drop_triggers(apps, schema_editor):
    from objectives.register_cache import uninstall

    uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    """The stamp that keys the cached parts of the public register. Its row and the triggers
    that change it are (re)made after every migrate by `objectives.register_cache`; going back,
    the triggers are dropped before the table."""

    dependencies = [
        ("objectives", "0002_objective_recent_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="RegisterStamp",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(migrations.RunPython.noop, drop_triggers, elidable=True),
    ]
