from django.db import migrations, models

from objectives.migrations._register_triggers import drop_triggers


class Migration(migrations.Migration):
    """The stamp that keyed the cached parts of the public register (replaced by
    `socialvalue.DataVersion` in 0004). Its triggers were made after every migrate by the
    code of the time; going back, they are dropped before the table."""

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
