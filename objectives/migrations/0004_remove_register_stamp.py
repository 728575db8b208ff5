from django.db import migrations, models

from objectives.migrations._register_triggers import drop_triggers


class Migration(migrations.Migration):
    """The register's cache is keyed by the data token of `socialvalue.datacache` now, which
    sees every write the application makes without database triggers: drop the triggers that
    stamped `RegisterStamp`, then the table."""

    dependencies = [
        ("objectives", "0003_register_stamp"),
        ("socialvalue", "0001_data_version"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, migrations.RunPython.noop, elidable=True),
        migrations.DeleteModel(name="RegisterStamp"),
    ]
