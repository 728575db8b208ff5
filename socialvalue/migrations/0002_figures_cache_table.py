from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    """The table of the shared figures cache (settings.CACHES["figures"]), made here so that a
    deployment's usual `migrate` makes it. Does nothing for a cache that is not in the database,
    or whose table exists."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("socialvalue", "0001_data_version")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
