import django.utils.timezone
from django.db import migrations, models

import socialvalue.models


def create_row(apps, schema_editor):
    DataVersion = apps.get_model("socialvalue", "DataVersion")
    DataVersion.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"token": socialvalue.models.new_token()}
    )


class Migration(migrations.Migration):
    """The token that keys every cache of computed pages (figures, the public register)."""

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(default=socialvalue.models.new_token, max_length=32)),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={"verbose_name": "data version"},
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
